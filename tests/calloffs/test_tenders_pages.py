"""The supplier's tender pages: build, autosave, check, submit, receipt, withdraw, replace; who may reach them."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.calloffs import services
from innokop.calloffs.models import Tender, TenderSubmission
from innokop.calloffs.services import tenders
from innokop.calloffs.tender_content import RequirementAnswer, TenderContent

from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    PHRASE,
    calloff,
    complete,
    draft_sha256,
    english,
    priced_lot,
    requirement,
    row,
    submit,
    supplier_clerk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _url(name: str, calloff, *args) -> str:
    return reverse(f"calloffs:{name}", args=[calloff.pk, *args])


def _form_data(calloff, content: TenderContent | None = None, **extra) -> dict:
    """What the tender form posts for the content (yes/no as radios, amounts as typed in Swedish)."""
    content = content or complete(calloff)
    data = {"total_price": "" if content.total_price is None else str(content.total_price).replace(".", ",")}
    for r in calloff.requirements.all():
        answer = content.requirements.get(r.pk, RequirementAnswer())
        data[f"meets_{r.pk}"] = {True: "yes", False: "no"}.get(answer.meets, "")
        data[f"evidence_{r.pk}"] = answer.evidence
    data |= {f"criterion_{pk}": text for pk, text in content.criteria.items()}
    data |= {f"price_{pk}": f"{price:,.2f}".replace(",", " ").replace(".", ",") for pk, price in content.prices.items()}
    return data | extra


def _draft(calloff, supplier_org) -> TenderContent:
    return tenders.read_draft(Tender.objects.get(calloff=calloff, supplier=supplier_org))


# Who may reach the pages

PAGES = ["tender_edit", "tender_attachments", "tender_check", "tender_withdraw"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona, status", [
    ("agency_procurer", 404), ("agency_colleague", 404), ("other_agency_procurer", 404), ("supplier_off_lot", 404),
    ("cpb_manager", 404), ("supplier_clerk", 403)])
def test_only_the_suppliers_representatives_reach_the_tender_pages(login, calloff, supplier, name, persona, status,
                                                                  request):
    submit(supplier, calloff)  # a tender exists: the answer must not depend on that
    response = login(request.getfixturevalue(persona)).get(_url(name, calloff))
    assert response.status_code == status


@pytest.mark.parametrize("persona", ["agency_procurer", "supplier_b", "supplier_clerk", "other_agency_procurer"])
def test_a_receipt_is_only_for_its_supplier(login, calloff, supplier, persona, request):
    submit(supplier, calloff)
    response = login(request.getfixturevalue(persona)).get(_url("tender_receipt", calloff, 1))
    assert response.status_code == {"supplier_clerk": 403}.get(persona, 404)


def test_the_agency_gets_404_whether_or_not_a_tender_exists(login, calloff, supplier, agency_procurer):
    client = login(agency_procurer)
    before = [client.get(_url(name, calloff)).status_code for name in PAGES]
    submit(supplier, calloff)
    after = [client.get(_url(name, calloff)).status_code for name in PAGES]
    assert before == after == [404] * len(PAGES)


def test_the_wrong_method_is_refused(login, calloff, supplier):
    client = login(supplier)
    submit(supplier, calloff)
    assert client.post(_url("tender_receipt", calloff, 1)).status_code == 405
    assert client.get(_url("tender_attachment_remove", calloff, "0" * 64)).status_code == 405
    assert client.put(_url("tender_edit", calloff)).status_code == 405


def test_anonymous_visitors_are_sent_to_log_in(client, calloff):
    response = client.get(_url("tender_edit", calloff))
    assert response.status_code == 302 and "/login/" in response["Location"]


# Building the tender

def test_the_form_asks_for_everything_the_call_off_asks(login, calloff, supplier):
    page = login(supplier).get(_url("tender_edit", calloff)).content.decode()
    for r in calloff.requirements.all():
        assert f'name="meets_{r.pk}"' in page and f'name="evidence_{r.pk}"' in page and r.text in page
    for c in calloff.criteria.all():
        assert f'name="criterion_{c.pk}"' in page
    for price_row in calloff.lot.price_rows.all():
        assert f'name="price_{price_row.pk}"' in page
    assert "Ceiling price 1\u00a0200\u00a0kr" in page
    assert 'hx-post="' + _url("tender_edit", calloff) + '"' in page and 'name="action" value="save"' in page
    assert not Tender.objects.exists()  # looking at the form saves nothing


def test_save_draft_keeps_the_answers_encrypted(login, calloff, supplier, supplier_org):
    client = login(supplier)
    response = client.post(_url("tender_edit", calloff), _form_data(calloff, action="save"))
    assert response.status_code == 302 and response["Location"] == _url("tender_edit", calloff)
    assert _draft(calloff, supplier_org) == complete(calloff)
    page = client.get(response["Location"]).content.decode()
    assert "Your draft is saved" in page and PHRASE in page and 'value="987654"' in page


def test_save_and_check_goes_to_the_check_page(login, calloff, supplier):
    response = login(supplier).post(_url("tender_edit", calloff), _form_data(calloff, action="check"))
    assert response.status_code == 302 and response["Location"] == _url("tender_check", calloff)


def test_an_amount_that_cannot_be_read_is_shown_and_nothing_else_is_lost(login, calloff, supplier, supplier_org):
    data = _form_data(calloff, total_price="niohundra", action="save")
    response = login(supplier).post(_url("tender_edit", calloff), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and "Write the amount in kronor as a number" in page
    assert 'href="#id_total_price"' in page and 'value="niohundra"' in page
    draft = _draft(calloff, supplier_org)
    assert draft.total_price is None and draft.requirements == complete(calloff).requirements


def test_an_unreadable_amount_keeps_the_amount_saved_before(login, calloff, supplier, supplier_org):
    client = login(supplier)
    client.post(_url("tender_edit", calloff), _form_data(calloff, action="save"))
    client.post(_url("tender_edit", calloff), _form_data(calloff, total_price="12,3,4", action="save"))
    assert _draft(calloff, supplier_org).total_price == Decimal("987654")


def test_a_price_above_the_ceiling_is_refused_on_the_page_and_kept_in_the_draft(login, calloff, supplier,
                                                                                supplier_org):
    hourly = row(calloff, "Konsulttimme")
    response = login(supplier).post(_url("tender_edit", calloff),
                                    _form_data(calloff, **{f"price_{hourly.pk}": "1 300", "action": "check"}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "above the framework agreement&#x27;s ceiling price of 1\u00a0200\u00a0kr" in page
    assert f'href="#id_price_{hourly.pk}"' in page and 'value="1 300"' in page
    assert _draft(calloff, supplier_org).prices[hourly.pk] == Decimal(1300)


def test_autosave_answers_with_a_small_status(login, calloff, supplier, supplier_org, clock):
    response = login(supplier).post(_url("tender_edit", calloff), _form_data(calloff), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Draft saved at 10:00." in body and "<html" not in body  # 09:00 UTC is 10:00 in Stockholm
    assert _draft(calloff, supplier_org) == complete(calloff)


def test_autosave_says_what_could_not_be_saved(login, calloff, supplier):
    hourly = row(calloff, "Konsulttimme")
    response = login(supplier).post(_url("tender_edit", calloff), _form_data(calloff, **{f"price_{hourly.pk}": "x"}),
                                    HTTP_HX_REQUEST="true")
    assert "Draft saved at" in response.content.decode()
    assert "Write the amount in kronor as a number" in response.content.decode()


def test_saving_after_the_deadline_is_refused_and_the_input_is_shown_again(login, calloff, supplier, clock):
    client = login(supplier)
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    response = client.post(_url("tender_edit", calloff), _form_data(calloff, action="save"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "has passed" in page and PHRASE in page
    assert not Tender.objects.exists()
    response = client.get(_url("tender_edit", calloff))
    assert response.status_code == 302 and response["Location"] == _url("calloff_detail", calloff)


# Attachments

def test_attach_and_remove_a_file(login, calloff, supplier, supplier_org):
    client = login(supplier)
    page = client.get(_url("tender_attachments", calloff)).content.decode()
    assert "at most 3 MB" in page and "at most 10 MB" in page and "at most 10 files" in page
    response = client.post(_url("tender_attachments", calloff),
                           {"file": SimpleUploadedFile("Referenser.pdf", b"%PDF-1.4 referenser")})
    assert response.status_code == 302
    attachment, = _draft(calloff, supplier_org).attachments
    page = client.get(response["Location"]).content.decode()
    assert "Referenser.pdf is attached to your draft" in page
    assert _url("tender_attachment_remove", calloff, attachment.sha256) in page
    response = client.post(_url("tender_attachment_remove", calloff, attachment.sha256))
    assert response.status_code == 302 and _draft(calloff, supplier_org).attachments == ()


def test_a_file_of_the_wrong_kind_is_refused_on_the_page(login, calloff, supplier):
    response = login(supplier).post(_url("tender_attachments", calloff),
                                    {"file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00\x03\x00")})
    assert response.status_code == 200
    assert "not of a kind we accept" in response.content.decode()
    assert not Tender.objects.exists()


# Check and submit

def test_the_check_page_lists_what_is_missing_with_links_to_the_form(login, calloff, supplier):
    k1 = requirement(calloff, "K1")
    tenders.tender_save_draft(actor=supplier, calloff=calloff,
                              content=TenderContent(requirements={k1.pk: RequirementAnswer(meets=True)}))
    page = login(supplier).get(_url("tender_check", calloff)).content.decode()
    assert "Your tender cannot be submitted yet" in page
    k2 = requirement(calloff, "K2")
    assert (f'href="{_url("tender_edit", calloff)}#id_meets_{k2.pk}_0">Answer requirement K2: does your tender meet '
            "it, yes or no?</a>") in page
    assert "Give a price for Licens" in page
    assert 'name="expected_sha256"' not in page


def test_the_check_page_warns_of_a_mandatory_no(login, calloff, supplier):
    k1 = requirement(calloff, "K1")
    content = complete(calloff)
    content = TenderContent(**{**content.__dict__, "requirements": {
        **content.requirements, k1.pk: RequirementAnswer(meets=False)}})
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=content)
    page = login(supplier).get(_url("tender_check", calloff)).content.decode()
    assert "You answer no to the mandatory requirement K1" in page and 'name="expected_sha256"' in page


def test_submitting_from_the_check_page_gives_the_receipt(login, calloff, supplier, supplier_org):
    client = login(supplier)
    client.post(_url("tender_edit", calloff), _form_data(calloff, action="check"))
    page = client.get(_url("tender_check", calloff)).content.decode()
    sha256 = draft_sha256(calloff)
    assert sha256 in page and f'value="{sha256}"' in page
    response = client.post(_url("tender_check", calloff), {"expected_sha256": sha256})
    assert response.status_code == 302 and response["Location"] == _url("tender_receipt", calloff, 1)
    submission = TenderSubmission.objects.get()
    assert submission.sha256 == sha256
    receipt = client.get(response["Location"]).content.decode()
    for text in ("Receipt for tender no. 1", sha256, calloff.reference, supplier_org.name, calloff.agency.name,
                 f"{submission.size} bytes", "the agency's opening record shows the same checksum",
                 "Monday 15 March 2027 at 10:00:00", "2027-03-15T10:00:00+01:00", supplier.full_name):
        assert text in receipt
    assert "calloffs/tender_receipt.js" in receipt and "<script>" not in receipt


def test_a_draft_changed_after_checking_is_not_submitted(login, calloff, supplier):
    client = login(supplier)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    checked = draft_sha256(calloff)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff, price=Decimal(1000)))
    response = client.post(_url("tender_check", calloff), {"expected_sha256": checked})
    assert response.status_code == 200
    assert "The tender was not submitted" in response.content.decode()
    assert "changed since you checked it" in response.content.decode()
    assert not TenderSubmission.objects.exists()


def test_submitting_on_the_page_at_the_deadline_is_taken(login, calloff, supplier, clock):
    client = login(supplier)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline)
    response = client.post(_url("tender_check", calloff), {"expected_sha256": draft_sha256(calloff)})
    assert response.status_code == 302
    assert TenderSubmission.objects.get().submitted_at == calloff.tender_deadline


def test_submitting_on_the_page_one_second_late_is_refused(login, calloff, supplier, clock):
    client = login(supplier)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    response = client.post(_url("tender_check", calloff), {"expected_sha256": draft_sha256(calloff)})
    assert response.status_code == 200
    page = response.content.decode()
    assert "The tender was not submitted" in page and "has passed" in page
    assert 'name="expected_sha256"' not in page  # no submit button any more
    assert not TenderSubmission.objects.exists()


def test_a_replacement_is_said_on_the_check_page_and_gets_the_next_number(login, calloff, supplier):
    client = login(supplier)
    submit(supplier, calloff)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff, price=Decimal(800_000)))
    page = client.get(_url("tender_check", calloff)).content.decode()
    assert "This replaces your submitted tender no. 1" in page and "Submit the replacement tender" in page
    response = client.post(_url("tender_check", calloff), {"expected_sha256": draft_sha256(calloff)})
    assert response["Location"] == _url("tender_receipt", calloff, 2)
    old = client.get(_url("tender_receipt", calloff, 1)).content.decode()
    assert "This tender was replaced" in old


# Withdraw

def test_withdraw_asks_first_then_withdraws(login, calloff, supplier):
    client = login(supplier)
    submit(supplier, calloff)
    page = client.get(_url("tender_withdraw", calloff)).content.decode()
    assert "Withdraw your tender?" in page and "tender no. 1" in page
    response = client.post(_url("tender_withdraw", calloff))
    # Like a submission's receipt, a confirmation page says what happened and what happens next.
    assert response.status_code == 302 and response["Location"] == _url("tender_withdrawn", calloff, 1)
    assert TenderSubmission.objects.get().withdrawn_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "Your tender is withdrawn" in page and calloff.reference in page and "Tender no. 1" in page


def test_withdraw_without_a_submission_or_after_the_deadline_goes_back_with_a_message(login, calloff, supplier,
                                                                                      clock):
    client = login(supplier)
    response = client.get(_url("tender_withdraw", calloff))
    assert response.status_code == 302
    submit(supplier, calloff)
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    response = client.post(_url("tender_withdraw", calloff))
    assert response.status_code == 302
    assert any("has passed" in str(m) for m in get_messages(response.wsgi_request))
    assert TenderSubmission.objects.get().is_current


# The supplier's section of the call-off page

def _section(client, calloff) -> str:
    page = client.get(_url("calloff_detail", calloff)).content.decode()
    return page[page.index('id="tender"'):]


def test_the_call_off_page_shows_the_tender_status_as_it_moves(login, calloff, supplier, clock):
    client = login(supplier)
    section = _section(client, calloff)
    assert "Not started" in section and _url("tender_edit", calloff) in section
    assert "Thursday 25 March 2027 at 12:00, in 10 days" in section  # the time left to the deadline
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    section = _section(client, calloff)
    assert "Draft saved Monday 15 March 2027 at 10:00" in section and "Completed" in section
    submit(supplier, calloff)
    section = _section(client, calloff)
    assert "Submitted" in section and _url("tender_receipt", calloff, 1) in section
    assert _url("tender_withdraw", calloff) in section and "Check and submit a replacement" in section
    tenders.tender_withdraw(actor=supplier, calloff=calloff)
    section = _section(client, calloff)
    assert "Withdrawn" in section and _url("tender_withdraw", calloff) not in section


def test_after_the_deadline_the_section_links_only_the_receipts(login, calloff, supplier, clock):
    submit(supplier, calloff)
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    section = _section(login(supplier), calloff)
    assert "The tender deadline has passed" in section
    assert f'href="{_url("tender_edit", calloff)}"' not in section and _url("tender_receipt", calloff, 1) in section


def test_the_other_supplier_sees_nothing_of_this_tender(login, calloff, supplier, supplier_b):
    submit(supplier, calloff)
    section = _section(login(supplier_b), calloff)
    assert "Not started" in section and "Receipt" not in section


def test_a_non_representative_sees_no_tender_section(login, calloff, supplier_clerk):
    page = login(supplier_clerk).get(_url("calloff_detail", calloff)).content.decode()
    assert 'id="tender"' not in page


def test_the_supplier_page_query_count_does_not_grow_with_submissions(login, calloff, supplier, clock,
                                                                      django_assert_max_num_queries):
    client = login(supplier)
    submit(supplier, calloff)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("calloff_detail", calloff))
    for _ in range(4):
        tenders.tender_submit(actor=supplier, calloff=calloff)
    with django_assert_max_num_queries(len(few)):
        page = client.get(_url("calloff_detail", calloff)).content.decode()
    assert len(re.findall(r"Receipt no\. \d", page)) == 5


def test_the_page_works_after_cancellation_and_says_no_more_tenders(login, calloff, supplier, agency_procurer):
    submit(supplier, calloff)
    services.calloff_cancel(actor=agency_procurer, calloff=calloff, reason="Behovet har upphört.")
    client = login(supplier)
    response = client.get(_url("tender_edit", calloff))
    assert response.status_code == 302
    assert any("cancelled" in str(m) for m in get_messages(response.wsgi_request))
    section = _section(client, calloff)
    assert f'href="{_url("tender_edit", calloff)}"' not in section and _url("tender_receipt", calloff, 1) in section
