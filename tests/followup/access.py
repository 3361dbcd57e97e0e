"""Access-matrix rows for sales reports (see tests/test_access_matrix.py and DESIGN.md §5): a supplier its own
reports, the purchasing body that manages the agreement all of them, nobody else."""

from datetime import date

from django.urls import reverse

from innokop.followup.quarters import Quarter
from innokop.followup.services import sales as services

from ..access import AGENCY_READS, API_AUTH, Row, static
from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory

MANAGER_PAGE = {"anonymous": 302, "cpb": 200, "*": 403}
OWN_SUPPLIER_WRITES = {"anonymous": 302, "supplier": 200, "cpb": 403, "*": 404}
DASHBOARD_CPB = {"anonymous": 302, "cpb": 200, "*": 404}
DASHBOARD_SUPPLIER = {"anonymous": 302, "supplier": 200, "*": 404}


def build(world) -> None:
    cpb, supplier_org = world.extra["cpb"], world.extra["supplier_org"]
    # In force since 1 January 2026, so quarters have ended and are due at the matrix's moment.
    agreement = AgreementFactory(owner=cpb, created_by=world.users["cpb"], start_date=date(2026, 1, 1),
                                 end_date=date(2028, 12, 31), published_at="2025-12-01T00:00:00Z")
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=1), supplier=supplier_org)
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=2), supplier=world.extra["other_lot_supplier_org"])
    report = services.sales_report_submit(actor=world.users["supplier"], agreement=agreement, supplier=supplier_org,
                                          quarter=Quarter(2026, 3), rows=[], zero=True)
    world.extra.update(sales_agreement=agreement, sales_report=report)
    build_plans(world)
    build_register(world)


def _quarter(name: str, *extra):
    return lambda w: reverse(name, args=[w.extra["sales_agreement"].pk, w.extra["supplier_org"].pk, 2026, 4, *extra])


def _url(name: str, key: str, *extra):
    return lambda w: reverse(name, args=[w.extra[key].pk, *extra])


ROWS = {
    "followup:my_reports": Row(static("followup:my_reports"),
                               {"anonymous": 302, "supplier": 200, "other_lot_supplier": 200, "cpb": 200, "*": 403}),
    "followup:overdue": Row(static("followup:overdue"), MANAGER_PAGE),
    "followup:report_form": Row(_quarter("followup:report_form"), OWN_SUPPLIER_WRITES),
    "followup:report_upload": Row(_quarter("followup:report_upload"), OWN_SUPPLIER_WRITES),
    "followup:report_template": Row(_quarter("followup:report_template", "xlsx"), OWN_SUPPLIER_WRITES),
    # Nothing to check before the form is filled in: back to the form.
    "followup:report_check": Row(_quarter("followup:report_check"), OWN_SUPPLIER_WRITES | {"supplier": 302}),
    "followup:report_detail": Row(_url("followup:report_detail", "sales_report"),
                                  {"anonymous": 302, "supplier": 200, "cpb": 200, "*": 404}),
    "followup:agreement_sales": Row(_url("followup:agreement_sales", "sales_agreement"), MANAGER_PAGE),
    "followup:fee_basis": Row(_url("followup:fee_basis", "sales_agreement"), MANAGER_PAGE),
    "followup:fee_basis_download": Row(_url("followup:fee_basis_download", "sales_agreement", "xlsx"), MANAGER_PAGE),
    "followup:fee_rate_add": Row(_url("followup:fee_rate_add", "sales_agreement"), MANAGER_PAGE | {"cpb": 422}, "post"),
    "api:sales_quarters": Row(static("api:sales_quarters"), API_AUTH),
    "api:sales_report_submit": Row(static("api:sales_report_submit"), {"anonymous": 401, "*": 422}, "post", json=True),
    "api:sales_report_detail": Row(_url("api:sales_report_detail", "sales_report"),
                                   {"anonymous": 401, "supplier": 200, "cpb": 200, "*": 404}),
    "api:sales_totals": Row(_url("api:sales_totals", "sales_agreement"), {"anonymous": 401, "cpb": 200, "*": 403}),
    # Dashboards: the agreement's for its purchasing body, a supplier's and an agency's for their own members.
    "followup:agreement_dashboard": Row(_url("followup:agreement_dashboard", "sales_agreement"), DASHBOARD_CPB),
    "followup:agreement_dashboard_xlsx": Row(_url("followup:agreement_dashboard_xlsx", "sales_agreement"),
                                             DASHBOARD_CPB),
    "followup:supplier_dashboard": Row(_url("followup:supplier_dashboard", "supplier_org"), DASHBOARD_SUPPLIER),
    "followup:supplier_dashboard_xlsx": Row(_url("followup:supplier_dashboard_xlsx", "supplier_org"),
                                            DASHBOARD_SUPPLIER),
    "followup:agency_dashboard": Row(_url("followup:agency_dashboard", "agency"), AGENCY_READS),
    "followup:agency_dashboard_xlsx": Row(_url("followup:agency_dashboard_xlsx", "agency"), AGENCY_READS),
}


# Follow-up plans, rounds and deviations (DESIGN.md §5): the agency's members read its contract's plan and rounds,
# the call-off's team changes them (403 for a colleague off the team), the supplier reads and answers its own
# rounds (403 on the buyer's steps), nobody else sees them; an agreement's plan is made by its purchasing body.
PLAN_READS = {"anonymous": 302, "agency": 200, "colleague": 200, "*": 404}
PLAN_WRITES = {"anonymous": 302, "agency": 200, "colleague": 403, "*": 404}
ROUND_READS = PLAN_READS | {"supplier": 200}
ROUND_BUYER = PLAN_WRITES | {"supplier": 403}
ROUND_SUPPLIER = {"anonymous": 302, "supplier": 200, "agency": 403, "colleague": 403, "*": 404}


def build_plans(world) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from innokop.calloffs.models import CallOff, CallOffKind, Contract
    from innokop.core.models import Document
    from innokop.followup.services import plans as plan_services

    agency_user, supplier_org = world.users["agency"], world.extra["supplier_org"]
    lot = world.extra["sales_agreement"].lots.get(number=1)
    calloff = CallOff.objects.create(agency=world.extra["agency"], lot=lot, reference="AV-UPPF-1", created_by=agency_user,
                                     method=CallOffKind.RENEWED_COMPETITION, title="Uppföljt avrop")
    calloff.team.add(agency_user)
    contract = Contract.objects.create(calloff=calloff, agency=world.extra["agency"], supplier=supplier_org,
                                       value=500_000, starts_on=date(2026, 6, 1), ends_on=date(2028, 5, 31),
                                       signed_by=agency_user, signed_at="2026-05-20T10:00:00Z")
    plan = plan_services.plan_create_for_contract(actor=agency_user, contract=contract)
    item = plan_services.plan_item_add(actor=agency_user, plan=plan, reason="Mål", text="Tillgänglighet",
                                       method="kpi", frequency="quarterly", target=95, unit="%")
    followup_round = plan_services.round_request(actor=agency_user, item=item, supplier=supplier_org)
    plan_services.round_answer(actor=world.users["supplier"], followup_round=followup_round, answer="Mätt",
                               value=91, files=[SimpleUploadedFile("matning.pdf", b"%PDF-1.4 matning")])
    plan_services.round_assess(actor=agency_user, followup_round=followup_round, met=False, reason="Under målet")
    world.extra.update(plan=plan, plan_item=item, plan_round=followup_round, plan_contract=contract,
                       plan_document=Document.objects.get(attached_to=followup_round.document_key))


def _plan_item(name: str):
    return lambda w: reverse(name, args=[w.extra["plan"].pk, w.extra["plan_item"].pk])


ROWS.update({
    # Staff belong to no organisation: nothing is followed up by or of them.
    "followup:plans_home": Row(static("followup:plans_home"), {"anonymous": 302, "staff": 403, "*": 200}),
    # The plan exists already: the team is sent back with the refusal; the supplier, a party, may not make it.
    "followup:plan_create_for_contract": Row(_url("followup:plan_create_for_contract", "plan_contract"), {
        "anonymous": 302, "agency": 302, "colleague": 403, "supplier": 403, "*": 404}, "post"),
    "followup:plan_create_for_agreement": Row(_url("followup:plan_create_for_agreement", "sales_agreement"),
                                              {"anonymous": 302, "cpb": 302, "*": 403}, "post"),
    "followup:plan_detail": Row(_url("followup:plan_detail", "plan"), PLAN_READS),
    "followup:plan_item_add": Row(_url("followup:plan_item_add", "plan"), PLAN_WRITES),
    "followup:plan_item_edit": Row(_plan_item("followup:plan_item_edit"), PLAN_READS),
    "followup:round_request": Row(_plan_item("followup:round_request"), PLAN_WRITES),
    "followup:round_detail": Row(_url("followup:round_detail", "plan_round"), ROUND_READS),
    "followup:round_document": Row(lambda w: reverse("followup:round_document", args=[
        w.extra["plan_round"].pk, w.extra["plan_document"].pk]), ROUND_READS),
    "followup:round_answer": Row(_url("followup:round_answer", "plan_round"), ROUND_SUPPLIER),
    "followup:round_audit_report": Row(_url("followup:round_audit_report", "plan_round"), ROUND_BUYER),
    "followup:round_assess": Row(_url("followup:round_assess", "plan_round"), ROUND_BUYER),
    "followup:deviation_action": Row(_url("followup:deviation_action", "plan_round"), ROUND_SUPPLIER),
    "followup:deviation_decide": Row(_url("followup:deviation_decide", "plan_round"), ROUND_BUYER),
    "followup:deviation_escalate": Row(_url("followup:deviation_escalate", "plan_round"), ROUND_BUYER),
    "api:followup_rounds": Row(static("api:followup_rounds"), API_AUTH),
    "api:followup_round": Row(_url("api:followup_round", "plan_round"),
                              {"anonymous": 401, "agency": 200, "colleague": 200, "supplier": 200, "*": 404}),
    "api:followup_round_answer": Row(_url("api:followup_round_answer", "plan_round"), {"anonymous": 401, "*": 422},
                                     "post", json=True),
    "api:followup_round_answer_with_evidence": Row(_url("api:followup_round_answer_with_evidence", "plan_round"),
                                                   {"anonymous": 401, "*": 422}, "post"),
    "api:followup_corrective_action": Row(_url("api:followup_corrective_action", "plan_round"),
                                          {"anonymous": 401, "*": 422}, "post", json=True),
    "api:followup_plans": Row(static("api:followup_plans"), API_AUTH),
    "api:followup_plan": Row(_url("api:followup_plan", "plan"),
                             {"anonymous": 401, "agency": 200, "colleague": 200, "*": 404}),
})


# --- The contract register: both parties and the agreement's purchasing body read; the agency's members keep it.
REGISTER_READS = {"anonymous": 302, "agency": 200, "colleague": 200, "supplier": 200, "cpb": 200, "*": 404}
REGISTER_WRITES = {"anonymous": 302, "agency": 200, "colleague": 200, "supplier": 403, "cpb": 403, "*": 404}


def build_register(world) -> None:
    """A call-off contract between the matrix's agency and supplier on the sales agreement, with an option."""
    from innokop.calloffs.models import CallOff, CallOffKind, Contract
    from innokop.followup.models import ContractOption
    from innokop.followup.services import register

    agreement, agency_user = world.extra["sales_agreement"], world.users["agency"]
    calloff = CallOff.objects.create(agency=world.extra["agency"], lot=agreement.lots.get(number=1),
                                     reference="AV-REG-1", created_by=agency_user,
                                     method=CallOffKind.RENEWED_COMPETITION, title="Avrop i registret")
    contract = Contract.objects.create(
        calloff=calloff, agency=world.extra["agency"], supplier=world.extra["supplier_org"], value=500_000,
        starts_on=date(2026, 1, 1), ends_on=date(2027, 12, 31), signed_by=agency_user,
        signed_at="2025-12-20T10:00:00Z")
    option = ContractOption.objects.create(record=register.record_of(contract), description="Förlängning",
                                           extension_months=6, created_by=agency_user,
                                           created_at="2025-12-20T10:00:00Z")
    world.extra.update(register_contract=contract, register_option=option)


ROWS.update({
    "followup:contract_register": Row(static("followup:contract_register"), {"anonymous": 302, "*": 200}),
    "followup:contract_record": Row(_url("followup:contract_record", "register_contract"), REGISTER_READS),
    "followup:contract_details": Row(_url("followup:contract_details", "register_contract"), REGISTER_WRITES),
    "followup:contract_option_add": Row(_url("followup:contract_option_add", "register_contract"), REGISTER_WRITES),
    "followup:contract_option_use": Row(lambda w: reverse("followup:contract_option_use", args=[
        w.extra["register_contract"].pk, w.extra["register_option"].pk]), REGISTER_WRITES),
    "followup:contract_change_add": Row(_url("followup:contract_change_add", "register_contract"), REGISTER_WRITES),
    "followup:contract_complete": Row(_url("followup:contract_complete", "register_contract"), REGISTER_WRITES),
    "followup:contract_reference_case": Row(_url("followup:contract_reference_case", "register_contract"),
                                            REGISTER_WRITES),
    "api:contract_list": Row(static("api:contract_list"), API_AUTH),
    "api:contract_detail": Row(_url("api:contract_detail", "register_contract"),
                               {"anonymous": 401, "agency": 200, "colleague": 200, "supplier": 200, "cpb": 200,
                                "*": 404}),
})
