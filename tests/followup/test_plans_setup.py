"""Objects the follow-up plan tests share (plain functions, not fixtures): an agreement in force from 1 January
2027 with three requirements, two admitted suppliers, and a call-off contract of the agency with the first
supplier, whose team is the agency's procurer."""

from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from innokop.agreements.models import (
    FollowUpFrequency,
    FollowUpMethod,
    Requirement,
    RequirementCategory,
    RequirementKind,
)
from innokop.calloffs.models import CallOff, CallOffKind, Contract
from innokop.followup.services import plans as services

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=timezone.utc)


@dataclass
class Setup:
    agreement: object
    lot: object
    contract: object
    requirements: list


def build(*, cpb, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b) -> Setup:
    agreement = AgreementFactory(owner=cpb, created_by=cpb_manager, start_date=date(2027, 1, 1),
                                 end_date=date(2030, 12, 31), published_at=at(2026, 12, 1),
                                 sanctions=["remark", "price_reduction", "liquidated_damages", "termination"],
                                 liquidated_damages_terms="5 000 kronor per påbörjad vecka")
    lot = LotFactory(agreement=agreement, number=1)
    LotSupplierFactory(lot=lot, supplier=supplier_org)
    LotSupplierFactory(lot=lot, supplier=supplier_org_b)
    requirements = [
        Requirement.objects.create(agreement=agreement, identifier="K1", text="ISO 27001-certifiering",
                                   kind=RequirementKind.MANDATORY, category=RequirementCategory.INFORMATION_SECURITY,
                                   followup_method=FollowUpMethod.DOCUMENTATION,
                                   followup_frequency=FollowUpFrequency.ANNUALLY),
        Requirement.objects.create(agreement=agreement, identifier="K2", text="Tillgänglighet enligt WCAG 2.1 AA",
                                   kind=RequirementKind.MANDATORY, category=RequirementCategory.ACCESSIBILITY,
                                   followup_method=FollowUpMethod.SELF_DECLARATION,
                                   followup_frequency=FollowUpFrequency.QUARTERLY),
        Requirement.objects.create(agreement=agreement, identifier="B1", text="Fossilfria transporter",
                                   kind=RequirementKind.EVALUATED, category=RequirementCategory.SUSTAINABILITY,
                                   followup_method=FollowUpMethod.AUDIT, followup_frequency=FollowUpFrequency.ANNUALLY),
    ]
    calloff = CallOff.objects.create(agency=agency, lot=lot, reference="AV-PLAN-1", created_by=agency_procurer,
                                     method=CallOffKind.RENEWED_COMPETITION, title="Avrop för uppföljning")
    calloff.team.add(agency_procurer)
    contract = Contract.objects.create(calloff=calloff, agency=agency, supplier=supplier_org, value=Decimal(900_000),
                                       starts_on=date(2027, 2, 1), ends_on=date(2029, 1, 31),
                                       signed_by=agency_procurer, signed_at=at(2027, 1, 20))
    contract.requirements.set(requirements)
    return Setup(agreement, lot, contract, requirements)


def kpi(plan, actor, *, target="95", unit="%", frequency="quarterly"):
    return services.plan_item_add(actor=actor, plan=plan, reason="Avtalad tillgänglighet", text="Tjänstens tillgänglighet",
                                  method="kpi", frequency=frequency, target=Decimal(target), unit=unit)
