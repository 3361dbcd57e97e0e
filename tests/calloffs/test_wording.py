"""Words from the new-user review (issue 9, points 2 and 8): the lot named in step 1, deadlines in the tense the
clock gives them, one gender for a tender's statuses, counts with their plural, and a confirmation of a withdrawal."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from innokop.calloffs import rules
from innokop.calloffs.services import tenders

from .test_start import offered_solution  # noqa: F401  (fixture)
from .test_tenders_fixtures import calloff, priced_lot, submit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


# Point 2: step 1 of a call-off started from a solution names the lot

def _start_page(client, lot, solution) -> str:
    return client.get(f"{reverse('calloffs:calloff_start', args=[lot.pk])}?solution={solution.pk}").content.decode()


def test_step_one_names_the_lot_by_number_and_title(login, offered_solution, lot, agency_procurer, clock):  # noqa: F811
    page = _start_page(login(agency_procurer), lot, offered_solution)
    assert f"You call off from {lot.agreement.reference}, lot 1: {lot.title}." in page


def test_step_one_names_the_lot_in_swedish_too(login, client, offered_solution, lot, agency_procurer,  # noqa: F811
                                               clock):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    with translation.override("sv"):
        page = _start_page(login(agency_procurer), lot, offered_solution)
    assert f"{lot.agreement.reference}, " in page and f" 1: {lot.title}." in page
    assert " : ." not in page


# Point 8: deadlines in the tense the clock gives them

def _dashboard(client) -> str:
    return client.get(reverse("core:dashboard")).content.decode()


def test_a_passed_tender_deadline_is_told_in_the_past_tense(login, open_calloff, supplier, agency_procurer, clock):
    supplier_client = login(supplier)
    assert "tenders due" in _dashboard(supplier_client)
    clock.set(open_calloff.tender_deadline)  # at the deadline itself tenders are still taken
    assert "tenders due" in _dashboard(supplier_client)
    clock.set(open_calloff.tender_deadline + timedelta(days=1))
    page = _dashboard(supplier_client)
    assert "tenders were due" in page and "tenders due" not in page
    page = _dashboard(login(agency_procurer))
    assert "tenders were due" in page and "tenders due" not in page


def test_the_receipt_after_the_deadline_does_not_offer_to_replace_the_tender(login, calloff, supplier,  # noqa: F811
                                                                            clock):
    submit(supplier, calloff)
    client = login(supplier)
    url = reverse("calloffs:tender_receipt", args=[calloff.pk, 1])
    assert "you can replace or withdraw your tender" in client.get(url).content.decode()
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    page = client.get(url).content.decode()
    assert "The tender deadline passed" in page and "you can replace or withdraw" not in page


# Point 8: "Inskickat" beside "Återkallat": a tender (anbud) is neuter

@pytest.fixture
def swedish_catalogue():
    """The Swedish entry proposed with this change, until the catalogue has it: a submitted anbud is "inskickat"."""
    catalog = trans_real.translation("sv")._catalog
    key = "tender status\x04Submitted"
    added = key not in catalog
    if added:
        catalog[key] = "Inskickat"
    yield
    if added:
        catalog._catalogs[0].pop(key, None)


def test_a_submitted_tender_is_inskickat_like_a_withdrawn_one_is_aterkallat(login, client, calloff, supplier,  # noqa: F811
                                                                           supplier_b, swedish_catalogue):
    from innokop.calloffs.models import TenderStatus

    submit(supplier, calloff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    with translation.override("sv"):
        assert str(TenderStatus.SUBMITTED.label) == "Inskickat"
        assert str(TenderStatus.WITHDRAWN.label) == "Återkallat"
        page = login(supplier).get(reverse("calloffs:calloff_detail", args=[calloff.pk])).content.decode()
    section = page[page.index('id="tender"'):]
    assert "Inskickat" in section and "Inskickad" not in section
    # A solution (lösning) stays "inskickad".
    with translation.override("sv"):
        assert translation.gettext("Submitted") == "Inskickad"


# Point 8: counts with their plural

def test_a_one_day_tender_period_is_one_day(lot):
    timetable = rules.suggest_timetable(lot, date(2027, 3, 15))
    short = rules.Timetable(**{**timetable.__dict__, "publish_on": date(2027, 3, 24)})  # the deadline is 25 March
    with pytest.raises(ValidationError) as refused:
        rules.check_timetable(lot, short)
    message = refused.value.message_dict["tender_deadline"][0]
    assert message.startswith("The tender period is 1 day. The agreement requires at least 10 days for this lot.")


def test_a_lot_with_a_one_day_minimum_says_day(login, draft, agency_procurer):
    draft.lot.min_tender_days = 1
    draft.lot.save(update_fields=["min_tender_days"])
    page = login(agency_procurer).get(reverse("calloffs:calloff_timetable", args=[draft.pk])).content.decode()
    assert "The tender period is at least 1 day for this lot." in page


# Point 8: a withdrawal is confirmed like a submission

def test_the_withdrawal_has_a_confirmation_with_the_reference_and_what_happens_next(login, calloff,  # noqa: F811
                                                                                   supplier, clock):
    submit(supplier, calloff)
    client = login(supplier)
    response = client.post(reverse("calloffs:tender_withdraw", args=[calloff.pk]))
    url = reverse("calloffs:tender_withdrawn", args=[calloff.pk, 1])
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Your tender is withdrawn" in page and calloff.reference in page and "Tender no. 1" in page
    assert "Tender no. 1 will not be opened." in page
    assert "You can submit a new tender until the deadline" in page
    assert reverse("calloffs:tender_edit", args=[calloff.pk]) in page
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    page = client.get(url).content.decode()
    assert "The tender deadline passed" in page and "You can submit a new tender" not in page


def test_only_a_withdrawn_submission_has_a_withdrawal_page(login, calloff, supplier, supplier_b,  # noqa: F811
                                                          agency_procurer):
    submit(supplier, calloff)
    url = reverse("calloffs:tender_withdrawn", args=[calloff.pk, 1])
    assert login(supplier).get(url).status_code == 404  # submitted, not withdrawn
    tenders.tender_withdraw(actor=supplier, calloff=calloff)
    assert login(supplier).get(url).status_code == 200
    assert login(supplier_b).get(url).status_code == 404  # another supplier's tender
    assert login(agency_procurer).get(url).status_code == 404  # rule 6: the agency learns nothing of tenders
    assert login(supplier).post(url).status_code == 405


def test_cancelling_without_a_reason_marks_the_reason_field(login, draft, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:calloff_cancel", args=[draft.pk]), {"reason": " "})
    page = response.content.decode()
    assert response.status_code == 200 and 'href="#id_reason"' in page and "Something went wrong" not in page
