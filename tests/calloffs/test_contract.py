"""The call-off contract: locked until the standstill has ended, then signed with the inherited requirements."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs import services
from innokop.calloffs.models import CallOff, CallOffStatus, Contract, OfferStatus, RankingOffer
from innokop.calloffs.services import award
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent, Notification

from ..factories import member
from .award_helpers import (  # noqa: F401  (fixtures)
    award_lot,
    evaluated,
    opened,
    published_calloff,
    qualified,
    scored,
    two_tenders,
)
from .conftest import start

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)
LAST_INSTANT = datetime(2027, 3, 30, 23, 59, 59, 999999, tzinfo=STOCKHOLM)
UNLOCKED = datetime(2027, 3, 31, 0, 0, tzinfo=STOCKHOLM)



@pytest.fixture
def awarded(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst.", advantages="Pris.",
                              standstill=True)
    evaluated.refresh_from_db()
    return evaluated


def sign(calloff, actor, **changes):
    values = award.contract_defaults(calloff) | changes
    return award.contract_sign(actor=actor, calloff=calloff, **values)


# --- the lock ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("moment", [SENT, datetime(2027, 3, 30, 12, tzinfo=STOCKHOLM), LAST_INSTANT],
                         ids=["sending", "last day", "last instant"])
def test_signing_is_locked_until_the_end_of_the_standstill(awarded, agency_procurer, clock, moment):
    clock.set(moment)
    with pytest.raises(services.CallOffError) as refused:
        sign(awarded, agency_procurer)
    assert "ends at the end of Tuesday 30 March 2027" in str(refused.value)
    assert "can be signed from Wednesday 31 March 2027" in str(refused.value)
    assert not Contract.objects.exists()


def test_signing_is_possible_from_31_march_at_midnight_swedish_time(awarded, agency_procurer, clock):
    clock.set(UNLOCKED)
    assert award.signing_opens_at(awarded.decision) == UNLOCKED
    contract = sign(awarded, agency_procurer)
    assert contract.signed_at == UNLOCKED
    awarded.refresh_from_db()
    assert awarded.status == CallOffStatus.CONTRACTED


def test_without_a_standstill_the_contract_is_signed_right_after_sending(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="R", advantages="A",
                              standstill=False)
    evaluated.refresh_from_db()
    assert sign(evaluated, agency_procurer).signed_at == SENT


# --- what the contract holds ------------------------------------------------------------------------


def test_the_contract_has_the_parties_value_period_and_inherited_requirements(
        awarded, agency_procurer, supplier_org_b, clock, django_capture_on_commit_callbacks):
    clock.set(UNLOCKED)
    defaults = award.contract_defaults(awarded)
    assert defaults == {"value": Decimal(80), "starts_on": awarded.contract_start, "ends_on": awarded.contract_end,
                        "long_contract_reason": ""}
    with django_capture_on_commit_callbacks(execute=True):
        contract = sign(awarded, agency_procurer, value=Decimal("950000"))
    assert (contract.agency, contract.supplier, contract.value) == (awarded.agency, supplier_org_b, Decimal(950000))
    assert (contract.starts_on, contract.ends_on) == (awarded.contract_start, awarded.contract_end)
    inherited = sorted(contract.requirements.values_list("identifier", flat=True))
    assert inherited == sorted(awarded.requirements.values_list("identifier", flat=True)) == ["K1", "K2"]


def test_signing_is_audited_and_the_supplier_told(awarded, agency_procurer, supplier, supplier_b, clock,
                                                 django_capture_on_commit_callbacks):
    clock.set(UNLOCKED)
    with django_capture_on_commit_callbacks(execute=True):
        contract = sign(awarded, agency_procurer)
    event = AuditEvent.objects.get(verb="calloff.contract_signed")
    assert event.payload["contract"] == contract.pk and event.payload["supplier"] == contract.supplier_id
    assert event.payload["requirements"] == sorted(awarded.requirements.values_list("pk", flat=True))
    notified = set(Notification.objects.filter(kind="calloff.contract_signed").values_list("recipient", flat=True))
    assert notified == {supplier_b.pk}


@pytest.mark.parametrize(("changes", "field"), [
    ({"value": Decimal(0)}, "value"),
    ({"ends_on": date(2027, 4, 1), "starts_on": date(2027, 5, 1)}, "ends_on"),
    ({"starts_on": date(2026, 12, 1)}, "starts_on"),  # the agreement starts on 1 January 2027
    ({"starts_on": date(2027, 4, 1), "ends_on": date(2031, 4, 1)}, "long_contract_reason"),  # over four years
])
def test_a_contract_outside_the_rules_is_refused(awarded, agency_procurer, clock, changes, field):
    clock.set(UNLOCKED)
    with pytest.raises(ValidationError) as refused:
        sign(awarded, agency_procurer, **changes)
    assert field in refused.value.error_dict
    awarded.refresh_from_db()
    assert awarded.status == CallOffStatus.AWARDED


def test_a_contract_may_run_past_the_agreement_when_awarded_in_force(awarded, agency_procurer, clock):
    """Rule 1 (recital 62 of directive 2014/24): the agreement ends on 31 December 2030; a contract awarded
    while it is in force may run past that."""
    clock.set(UNLOCKED)
    contract = sign(awarded, agency_procurer, starts_on=date(2029, 4, 1), ends_on=date(2031, 6, 30))
    assert contract.ends_on == date(2031, 6, 30)


def test_an_award_decision_after_the_agreement_has_ended_is_refused(evaluated, agency_procurer, clock):
    clock.set(datetime(2031, 1, 2, 10, 0, tzinfo=STOCKHOLM))  # the agreement ended on 31 December 2030
    with pytest.raises(services.CallOffError, match="awarded while the framework agreement is in force"):
        award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="R", advantages="A",
                                  standstill=False)
    evaluated.refresh_from_db()
    assert evaluated.status == CallOffStatus.EVALUATED


def test_a_contract_over_four_years_needs_recorded_reasons(awarded, agency_procurer, clock):
    clock.set(UNLOCKED)
    contract = sign(awarded, agency_procurer, starts_on=date(2027, 4, 1), ends_on=date(2032, 3, 31),
                    long_contract_reason="Systemet kräver en avskrivningstid på fem år.")
    assert contract.long_contract_reason.startswith("Systemet")


@pytest.mark.parametrize(("limits", "ends_on", "message"), [
    ({"latest_contract_end": date(2031, 6, 30)}, date(2031, 7, 1), "until 30 June 2031 at the latest"),
    ({"max_contract_months": 24}, date(2031, 4, 1), "at most 24 months"),
])
def test_the_agreement_limits_how_long_its_contracts_may_run(awarded, agency_procurer, clock, limits, ends_on,
                                                             message):
    FrameworkAgreement.objects.filter(pk=awarded.lot.agreement_id).update(**limits)
    clock.set(UNLOCKED)
    with pytest.raises(ValidationError, match=message):
        sign(awarded, agency_procurer, starts_on=date(2029, 4, 1), ends_on=ends_on)


def test_the_contract_waits_for_the_decision(evaluated, agency_procurer):
    with pytest.raises(services.CallOffError, match="after the award decision is sent"):
        sign(evaluated, agency_procurer)


def test_only_the_team_signs_and_only_once(awarded, agency_procurer, supplier_b, clock):
    clock.set(UNLOCKED)
    for actor in (member(awarded.agency, "procurer"), supplier_b):
        with pytest.raises(services.CallOffError, match="Only the call-off's team"):
            sign(awarded, actor)
    sign(awarded, agency_procurer)
    awarded.refresh_from_db()
    with pytest.raises(services.CallOffError, match="already signed"):
        sign(awarded, agency_procurer)


def test_in_ranking_order_the_contract_goes_to_the_supplier_that_accepted(lot, agency_procurer, supplier_org,
                                                                         clock):
    ranking_lot = lot.agreement.lots.get(number=2)
    calloff = start(agency_procurer, ranking_lot, estimated_value=Decimal(500_000))
    now = timezone.now()
    CallOff.objects.filter(pk=calloff.pk).update(status=CallOffStatus.ACCEPTED, published_at=now,
                                                 contract_start=date(2027, 5, 1), contract_end=date(2028, 4, 30))
    RankingOffer.objects.create(calloff=calloff, supplier=supplier_org, rank=1, offered_at=now,
                                answer_by=now + timedelta(days=5), status=OfferStatus.ACCEPTED)
    calloff = CallOff.objects.get(pk=calloff.pk)
    contract = sign(calloff, agency_procurer)
    assert contract.supplier == supplier_org and contract.value == Decimal(500_000)
    assert list(contract.requirements.values_list("identifier", flat=True)) == ["K1", "K3"]


# --- pages and API ----------------------------------------------------------------------------------


def test_the_sign_button_is_disabled_with_the_day_it_unlocks(login, awarded, agency_procurer, clock):
    clock.set(SENT + timedelta(days=2))
    client = login(agency_procurer)
    url = reverse("calloffs:contract_sign", args=[awarded.pk])
    page = client.get(url).content.decode()
    assert "The contract can be signed from Wednesday 31 March 2027 at 00:00" in page
    assert 'disabled aria-disabled="true"' in page and "Data stannar inom EU" in page
    values = {"value": "123456", "starts_on": "2027-05-01", "ends_on": "2028-04-30"}
    refused = client.post(url, values).content.decode()
    assert "govuk-error-summary" in refused and "can be signed from Wednesday 31 March 2027" in refused
    assert 'value="123456"' in refused
    clock.set(UNLOCKED)
    page = client.get(url).content.decode()
    assert "disabled" not in page.split('class="govuk-button"')[-1].split(">")[0]
    response = client.post(url, values)
    assert response["Location"] == reverse("calloffs:contract_detail", args=[awarded.pk])
    assert Contract.objects.get().value == Decimal(123456)


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 200), ("supplier_b", 200), ("supplier", 404),
    ("other_agency_procurer", 404), ("cpb_manager", 404)])
def test_who_reads_the_contract(login, awarded, agency_procurer, clock, persona, status, request):
    clock.set(UNLOCKED)
    sign(awarded, agency_procurer)
    client = login(request.getfixturevalue(persona))
    response = client.get(reverse("calloffs:contract_detail", args=[awarded.pk]))
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Leverantör Två AB" in page and "80\xa0kr" in page and "Tillgänglighet enligt WCAG 2.1 AA" in page
    assert client.get(f"/api/calloffs/{awarded.pk}/contract").status_code == status


def test_the_api_contract_lists_the_requirements_for_follow_up(login, awarded, agency_procurer, supplier_b, clock):
    clock.set(UNLOCKED)
    sign(awarded, agency_procurer)
    body = login(supplier_b).get(f"/api/calloffs/{awarded.pk}/contract").json()
    assert body["supplier"] == "Leverantör Två AB" and body["value"] == "80.00"
    assert [row["identifier"] for row in body["requirements"]] == ["K1", "K2"]


def test_there_is_no_contract_page_before_signing(login, awarded, agency_procurer):
    client = login(agency_procurer)
    assert client.get(reverse("calloffs:contract_detail", args=[awarded.pk])).status_code == 404
    assert client.get(f"/api/calloffs/{awarded.pk}/contract").status_code == 404


def test_a_member_outside_the_team_may_not_sign(login, awarded, clock):
    clock.set(UNLOCKED)
    client = login(member(awarded.agency, "procurer"))
    assert client.get(reverse("calloffs:contract_sign", args=[awarded.pk])).status_code == 403
    assert client.post(reverse("calloffs:contract_sign", args=[awarded.pk]), {}).status_code == 403


def test_the_call_off_page_leads_the_team_to_the_contract(login, awarded, agency_procurer, clock):
    page = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[awarded.pk])).content.decode()
    assert reverse("calloffs:contract_sign", args=[awarded.pk]) in page
    assert reverse("calloffs:award_decision", args=[awarded.pk]) in page


def test_a_contracted_call_off_can_no_longer_be_cancelled(login, awarded, agency_procurer, clock):
    clock.set(UNLOCKED)
    sign(awarded, agency_procurer)
    with pytest.raises(services.CallOffError, match="contract is signed"):
        services.calloff_cancel(actor=agency_procurer, calloff=awarded, reason="Vi ångrar oss.")
    page = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[awarded.pk])).content.decode()
    assert reverse("calloffs:calloff_cancel", args=[awarded.pk]) not in page
