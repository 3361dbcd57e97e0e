"""The contract register in the API: a supplier reads its contracts, an agency and the purchasing body the
contracts they see (the same helpers as the pages: `permissions.contracts_visible_to`,
`permissions.get_contract_for_register`)."""

from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema

from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BY_ID, SIGNED_IN, Id, responses

from .models import ContractRecord, ContractReferenceCase
from .permissions import contracts_visible_to, get_contract_for_register
from .services import register as services

router = Router(tags=["contract register"])


class ContractOut(Schema):
    id: int = Field(description="The call-off contract's id")
    calloff_id: int
    calloff_reference: str
    title: str
    agreement_id: int
    agreement_reference: str
    agency_id: int
    agency_name: str
    supplier_id: int
    supplier_name: str
    registration_number: str = Field(description="The agency's own registration number (diarienummer)")
    kind: str = Field(description="goods_services or works")
    original_value: Decimal = Field(description="SEK excluding VAT, as signed")
    value: Decimal = Field(description="SEK excluding VAT, with options used and changes")
    starts_on: date
    original_ends_on: date
    ends_on: date = Field(description="With extensions used")
    state: str = Field(description="running, expiring (90 days or less left), ended or completed: from the clock")
    completed_at: datetime | None
    final_amount: Decimal | None


class OptionOut(Schema):
    id: int
    description: str
    extension_months: int | None
    value: Decimal | None
    used_at: datetime | None
    use_reason: str
    used_months: int | None
    used_value: Decimal | None
    end_before: date | None
    end_after: date | None


class WarningOut(Schema):
    code: str = Field(description="17_9_share, 17_9_threshold, 17_11_12_share, no_threshold or no_limits")
    message: str


class ChangeOut(Schema):
    id: int
    reason: str = Field(description="The ground in LOU 17 kap.: 17_9, 17_10, 17_11, 17_12, 17_13 or 17_14")
    description: str
    value_before: Decimal
    value_after: Decimal
    warnings: list[WarningOut] = Field(description="Warnings the agency was shown and recorded the change with")
    created_at: datetime


class ReferenceCaseOut(Schema):
    solution_id: int
    title: str | None = Field(description="None once the purchasing body has rejected the case")
    pending: bool | None


class ContractDetailOut(ContractOut):
    options: list[OptionOut]
    changes: list[ChangeOut]
    reference_case: ReferenceCaseOut | None


def _out(record: ContractRecord, today: date) -> dict:
    contract = record.contract
    agreement = contract.calloff.lot.agreement
    return {
        "id": contract.pk, "calloff_id": contract.calloff_id, "calloff_reference": contract.calloff.reference,
        "title": contract.calloff.title, "agreement_id": agreement.pk, "agreement_reference": agreement.reference,
        "agency_id": contract.agency_id, "agency_name": contract.agency.name, "supplier_id": contract.supplier_id,
        "supplier_name": contract.supplier.name, "registration_number": record.registration_number,
        "kind": record.kind, "original_value": contract.value, "value": record.value, "starts_on": contract.starts_on,
        "original_ends_on": contract.ends_on, "ends_on": record.ends_on, "state": str(record.state(today)),
        "completed_at": record.completed_at, "final_amount": record.final_amount}


@router.get("/contracts", response=responses(list[ContractOut], SIGNED_IN, 422),
            summary="The call-off contracts you see in the register: your agency's, your supplier's, or those "
                    "under the agreements you manage, the first to end first")
def contract_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    today = local_date(clock.now())
    contracts = contracts_visible_to(request.actor)
    services.records_make(contracts)
    records = ContractRecord.objects.filter(contract__in=contracts).with_related()
    return [_out(record, today) for record in cursor_page(request, response, records, order=("ends_on", "pk"),
                                                           cursor=cursor, limit=limit)]


@router.get("/contracts/{contract_id}", response=responses(ContractDetailOut, SIGNED_IN, BY_ID),
            summary="A call-off contract in the register with its options, changes and reference case")
def contract_detail(request, contract_id: Id):
    contract = get_contract_for_register(request.actor, contract_id)
    record = services.record_of(contract)
    link = ContractReferenceCase.objects.filter(record=record).select_related("case").first()
    return {
        **_out(record, local_date(clock.now())),
        "options": list(record.options.all()),
        "changes": [{"id": c.pk, "reason": c.reason, "description": c.description, "value_before": c.value_before,
                     "value_after": c.value_after, "created_at": c.created_at,
                     "warnings": [{"code": w["code"], "message": services.warning_text(w)} for w in c.warnings]}
                    for c in record.changes.all()],
        "reference_case": link and {"solution_id": link.solution_id, "title": link.case.title if link.case else None,
                                    "pending": link.case.pending if link.case else None},
    }
