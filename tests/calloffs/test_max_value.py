"""The agreement's maximum value binds (rule 1; EU Court of Justice C-216/17): a contract that would take the
call-offs over it is refused, the agency and the purchasing body are warned from 80 %, and what remains is shown."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.agreements import services as agreement_services
from innokop.agreements.consumption import agreement_consumption
from innokop.agreements.models import Commitment, FrameworkAgreement
from innokop.calloffs import services
from innokop.calloffs.models import CallOffStatus, Contract
from innokop.calloffs.services import award
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent, Notification

from .award_helpers import (  # noqa: F401  (fixtures)
    award_lot,
    evaluated,
    opened,
    published_calloff,
    qualified,
    scored,
    two_tenders,
)

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)
MAXIMUM = Decimal(10_000_000)  # the test agreement's maximum value


@pytest.fixture
def awarded(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst.", advantages="Pris.",
                              standstill=False)
    evaluated.refresh_from_db()
    return evaluated


def sign(calloff, actor, value):
    return award.contract_sign(actor=actor, calloff=calloff, value=Decimal(value), starts_on=date(2027, 4, 1),
                               ends_on=date(2028, 3, 31))


def take(agreement, amount, buyer, source="earlier-contract"):
    """Value already contracted on the agreement by another call-off."""
    Commitment.objects.create(agreement=agreement, amount=Decimal(amount), source=source, label="Tidigare avrop",
                              buyer=buyer, created_at=SENT)


def test_a_contract_over_the_maximum_is_refused(awarded, agency_procurer, clock):
    clock.set(SENT)
    with pytest.raises(agreement_services.AgreementError) as refused:
        sign(awarded, agency_procurer, 50_000_000)
    assert "over its maximum value" in str(refused.value)
    assert "remaining 10 000 000 kr" in str(refused.value).replace("\xa0", " ")
    assert not Contract.objects.exists() and not Commitment.objects.exists()
    awarded.refresh_from_db()
    assert awarded.status == CallOffStatus.AWARDED


def test_a_contract_that_fits_in_what_remains_is_signed_and_takes_its_value(awarded, agency_procurer, clock):
    agreement = awarded.lot.agreement
    take(agreement, 6_000_000, awarded.agency)
    clock.set(SENT)
    with pytest.raises(agreement_services.AgreementError):
        sign(awarded, agency_procurer, 4_000_001)
    contract = sign(awarded, agency_procurer, 4_000_000)
    consumption = agreement_consumption(agreement)
    assert consumption.committed == MAXIMUM and consumption.remaining == 0 and consumption.exhausted
    assert Commitment.objects.get(source=f"calloffs.contract:{contract.pk}").amount == Decimal(4_000_000)
    event = AuditEvent.objects.get(verb="agreement.value_committed")
    assert Decimal(event.payload["committed"]) == MAXIMUM and Decimal(event.payload["max_value"]) == MAXIMUM


def test_from_80_percent_the_purchasing_body_and_the_team_are_warned(awarded, agency_procurer, cpb_manager, clock,
                                                                      django_capture_on_commit_callbacks):
    cpb_manager.memberships.update(organisation=awarded.lot.agreement.owner)
    take(awarded.lot.agreement, 7_000_000, awarded.agency)
    clock.set(SENT)
    with django_capture_on_commit_callbacks(execute=True):
        sign(awarded, agency_procurer, 1_500_000)
    warned = Notification.objects.filter(kind="agreement.consumption")
    assert {n.recipient_id for n in warned} >= {cpb_manager.pk, agency_procurer.pk}
    assert all("85 %" in n.subject for n in warned)
    assert "1 500 000 kr remains" in warned.first().body.replace("\xa0", " ")


def test_below_80_percent_nobody_is_warned(awarded, agency_procurer, clock, django_capture_on_commit_callbacks):
    clock.set(SENT)
    with django_capture_on_commit_callbacks(execute=True):
        sign(awarded, agency_procurer, 7_999_999)
    assert not Notification.objects.filter(kind="agreement.consumption").exists()


def test_an_agreement_whose_maximum_is_reached_cannot_be_called_off_from(ready, agency, agency_procurer):
    assert services.publication_problems(ready) == []
    take(ready.lot.agreement, MAXIMUM, agency)
    assert any("maximum value is reached" in problem for problem in services.publication_problems(ready))
    with pytest.raises(services.CallOffError):
        services.calloff_publish(actor=agency_procurer, calloff=ready)


def test_the_maximum_cannot_be_lowered_below_what_is_contracted(published, cpb_manager, agency):
    cpb_manager.memberships.update(organisation=published.owner)
    take(published, 3_000_000, agency)
    with pytest.raises(ValidationError, match="cannot be lower than that"):
        agreement_services.agreement_update(actor=cpb_manager, agreement=published, max_value=Decimal(2_000_000))
    assert FrameworkAgreement.objects.get(pk=published.pk).max_value == MAXIMUM


def test_the_agreement_page_shows_what_remains_to_entitled_agencies_only(published, agency, agency_procurer, login,
                                                                         client, clock):
    take(published, 8_500_000, agency)
    url = reverse("agreements:agreement_detail", args=[published.pk])
    page = login(agency_procurer).get(url).content.decode().replace("\xa0", " ")
    assert "Maximum value used" in page and "8 500 000 kr (85 %)" in page and "1 500 000 kr" in page
    assert "85 % of the maximum value is used" in page
    client.logout()
    assert "Maximum value used" not in client.get(url).content.decode()
