"""An agreement in force from 1 January 2026 to 31 December 2027 (municipalities and regions entitled, plus the
agency by name), two lots, two admitted suppliers, and helpers for call-off contracts and reports."""

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from innokop.accounts.models import OrganisationKind, Sector
from innokop.agreements.models import BuyerCategory
from innokop.calloffs.models import CallOff, CallOffKind, Contract
from innokop.followup.quarters import Quarter
from innokop.followup.services import sales as services

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..factories import OrganisationFactory


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=timezone.utc)


@pytest.fixture
def sales_agreement(cpb, cpb_manager, agency, supplier_org, supplier_org_b, clock):
    clock.set(at(2026, 5, 20))  # Q1 2026 is overdue (due 15 May), Q2 not ended
    agreement = AgreementFactory(owner=cpb, created_by=cpb_manager, start_date=date(2026, 1, 1),
                                 end_date=date(2027, 12, 31), entitled_categories=[BuyerCategory.MUNICIPALITY],
                                 published_at=at(2025, 12, 1))
    agreement.entitled_organisations.add(agency)
    lot1 = LotFactory(agreement=agreement, number=1, title="AI")
    lot2 = LotFactory(agreement=agreement, number=2, title="E-tjänster")
    LotSupplierFactory(lot=lot1, supplier=supplier_org)
    LotSupplierFactory(lot=lot2, supplier=supplier_org_b)
    return agreement


@pytest.fixture
def not_entitled_agency(db):
    return OrganisationFactory(kind=OrganisationKind.AGENCY, name="Statliga verket", sector=Sector.CENTRAL_GOVERNMENT)


def contract(agreement, supplier_org, agency, user, *, value, starts: date, ends: date, lot_number: int = 1) -> Contract:
    lot = agreement.lots.get(number=lot_number)
    calloff = CallOff.objects.create(agency=agency, lot=lot, reference=f"AV-{CallOff.objects.count() + 1}",
                                     created_by=user, method=CallOffKind.RENEWED_COMPETITION, title="Avrop")
    return Contract.objects.create(calloff=calloff, agency=agency, supplier=supplier_org, value=Decimal(value),
                                   starts_on=starts, ends_on=ends, signed_by=user, signed_at=at(2025, 12, 20))


def report(actor, agreement, supplier_org, quarter: Quarter, rows=(), **kwargs):
    given = [services.RowInput(amount=Decimal(amount), buyer=buyer) for buyer, amount in rows]
    return services.sales_report_submit(actor=actor, agreement=agreement, supplier=supplier_org, quarter=quarter,
                                        rows=given, zero=not given, **kwargs)
