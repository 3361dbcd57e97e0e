"""Demo sales reports: up to four quarters per agreement, played through the services with the clock moved to
the day each report was made. Among them a zero report, an overdue quarter, a corrected report, a sale to a
buyer that is not entitled, and a supplier that reports less than its call-off contract's share."""

from dataclasses import asdict
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role
from innokop.agreements.models import LotSupplier
from innokop.agreements.permissions import is_entitled
from innokop.calloffs.models import Contract
from innokop.core import clock
from innokop.core.calendar import add_working_days, at_local, local_date, roll_to_working_day
from innokop.core.demo import Scenario

from .models import FollowUpPlan, PlanFrequency, RoundKind, RoundStatus, SalesReport, Sanction
from .quarters import Quarter
from .reporting import quarters_to_report
from .services import plans as plan_services
from .services import sales as services


def _representative(supplier: Organisation):
    membership = (Membership.objects.filter(organisation=supplier, role=Role.SUPPLIER_REPRESENTATIVE)
                  .select_related("user").first())
    return membership.user if membership else None


def _contracted(agreement, supplier, quarter: Quarter) -> list[services.RowInput]:
    """30 % of each running contract's share of the quarter: less than half, so the purchasing body is told."""
    rows = []
    for contract in Contract.objects.filter(calloff__lot__agreement=agreement, supplier=supplier).select_related(
            "agency", "calloff__lot"):
        days = quarter.overlap_days(contract.starts_on, contract.ends_on)
        if days:
            length = (contract.ends_on - contract.starts_on).days + 1
            amount = (contract.value * days / length * Decimal("0.3")).quantize(Decimal("1"))
            rows.append(services.RowInput(amount=amount, buyer=contract.agency, lot=contract.calloff.lot))
    return rows


def _play(agreement, agencies, today) -> int:
    made = 0
    admissions = list(LotSupplier.objects.filter(lot__agreement=agreement).select_related("supplier", "lot")
                      .order_by("lot__number", "rank"))
    entitled = [a for a in agencies if is_entitled(agreement, a)]
    not_entitled = [a for a in agencies if not is_entitled(agreement, a)]
    seen = set()
    for index, admission in enumerate(admissions):
        supplier, user = admission.supplier, _representative(admission.supplier)
        if user is None or supplier.pk in seen:
            continue
        seen.add(supplier.pk)
        quarters = quarters_to_report(agreement, supplier.pk, today)[-4:]
        for number, quarter in enumerate(quarters):
            latest = number == len(quarters) - 1
            if latest and index == 1 and today > quarter.due:
                continue  # overdue: this supplier has not reported the last quarter
            rows = _contracted(agreement, supplier, quarter)
            if not rows and (index + number) % 3 != 2 and entitled:
                buyer = entitled[(index + number) % len(entitled)]
                rows = [services.RowInput(amount=Decimal(150_000 + 37_500 * ((index * 7 + number) % 5)), buyer=buyer,
                                          lot=admission.lot)]
            if rows and index == 0 and number == 0 and not_entitled:
                rows.append(services.RowInput(amount=Decimal(42_000), buyer=not_entitled[0], lot=admission.lot))
            with clock.travel_to(at_local(quarter.due - timedelta(days=10), 10)):
                services.sales_report_submit(actor=user, agreement=agreement, supplier=supplier, quarter=quarter,
                                             rows=rows, zero=not rows)
                made += 1
                if index == 0 and number == 0 and rows:
                    corrected = [services.RowInput(amount=row.amount + Decimal(12_500), buyer=row.buyer, lot=row.lot)
                                 for row in rows]
                    services.sales_report_submit(actor=user, agreement=agreement, supplier=supplier, quarter=quarter,
                                                 rows=corrected, correction_reason="En faktura i mars saknades.")
    return made


def load(scenario: Scenario) -> None:
    manager = scenario.objects["user:anna.ramstrom"]
    today = local_date(clock.now())
    agencies = list(Organisation.objects.filter(kind=OrganisationKind.AGENCY).order_by("name"))
    for key, agreement in sorted(scenario.objects.items()):
        if not key.startswith("agreement:"):
            continue
        if SalesReport.objects.filter(agreement=agreement).exists():
            scenario.count(False)
            continue
        if not agreement.fee_rates.exists():
            services.fee_rate_add(actor=manager, agreement=agreement, rate=Decimal("0.70"),
                                  valid_from=Quarter.of(agreement.start_date).start)
        scenario.count(_play(agreement, agencies, today) > 0)
    _load_plans(scenario)
    _load_register(scenario)
    _load_history(scenario)


# --- Follow-up plans: the purchasing body's plan for IK-2026-001 with a monthly KPI over several months, rounds in
# every state (requested, overdue, answered, met, a commissioned audit) and deviations closed, escalated and with a
# corrective action planned; the agency's plan for its contracted call-off with a request waiting.

KPI_VALUES = ["99.8", "99.7", "99.2", "99.6", "99.9", "99.4"]


def _plans_round(actor, item, supplier, day, **kwargs):
    with clock.travel_to(at_local(day, 9)):
        return plan_services.round_request(actor=actor, item=item, supplier=supplier, scheduled_on=day, **kwargs)


def _plans_step(day, service, **kwargs):
    with clock.travel_to(at_local(add_working_days(day, kwargs.pop("after", 0)), 11)):
        return service(**kwargs)


def _load_plans(scenario: Scenario) -> None:
    agreement = scenario.objects.get("agreement:IK-2026-001")
    manager = scenario.objects["user:anna.ramstrom"]
    if agreement is None or FollowUpPlan.objects.filter(agreement=agreement).exists():
        scenario.count(False)
        return
    today = local_date(clock.now())
    suppliers = [s for s in plan_services.plan_suppliers(FollowUpPlan(agreement=agreement)) if _representative(s)]
    if len(suppliers) < 3:
        return
    first, second, third = suppliers[:3]
    with clock.travel_to(at_local(roll_to_working_day(agreement.start_date + timedelta(days=1)), 9)):
        plan = plan_services.plan_create_for_agreement(actor=manager, agreement=agreement)
        uptime = plan_services.plan_item_add(
            actor=manager, plan=plan, reason="Avtalets servicenivå följs upp varje månad.",
            text="Tjänstens tillgänglighet (drifttid) per månad", method="kpi", frequency=PlanFrequency.MONTHLY,
            target=Decimal("99.5"), unit="%")
    days = [d for d in plan_services.schedule(uptime.frequency, plan.starts_on, plan.ends_on)
            if add_working_days(d, 8) < today][-len(KPI_VALUES):]
    for number, (day, value) in enumerate(zip(days, KPI_VALUES, strict=False)):
        followup_round = _plans_round(manager, uptime, first, day)
        _plans_step(day, plan_services.round_answer, after=3, actor=_representative(first),
                    followup_round=followup_round, answer="Drifttid enligt vår övervakning.", value=Decimal(value))
        if number == len(days) - 1:
            break  # the latest measurement waits for the assessment
        met = Decimal(value) >= uptime.target
        assessed = _plans_step(day, plan_services.round_assess, after=5, actor=manager, followup_round=followup_round,
                               met=met, reason="Inom servicenivån." if met else "Under avtalad servicenivå 99,5 %.")
        if not met:
            _plans_step(day, plan_services.deviation_action_propose, after=6, actor=_representative(first),
                        deviation=assessed.deviation, action="Redundant databasserver driftsatt.",
                        deadline=add_working_days(day, 15))
            _plans_step(day, plan_services.deviation_close, after=16, actor=manager, deviation=assessed.deviation,
                        note="Drifttiden är åter över 99,5 % och den nya servern är kontrollerad.")
    items = {item.identifier: item for item in plan.items.all()}
    start = days[0] if days else today - timedelta(days=60)
    escalated = _plans_round(manager, items["K1"], second, start, question="Skicka ert ISO/IEC 27001-certifikat.")
    _plans_step(start, plan_services.round_answer, after=4, actor=_representative(second), followup_round=escalated,
                answer="Certifieringen pågår; vi skickar certifikatet när revisionen är klar.",
                files=[SimpleUploadedFile("plan-certifiering.txt", "Tidsplan för certifiering".encode())])
    deviation = _plans_step(start, plan_services.round_assess, after=6, actor=manager, followup_round=escalated,
                            met=False, reason="Certifikat saknas, vilket kravet förutsätter.").deviation
    _plans_step(start, plan_services.deviation_escalate, after=25, actor=manager, deviation=deviation,
                sanction=Sanction.REMARK, reason="Ingen åtgärd har föreslagits inom en månad.")
    planned = _plans_round(manager, items["K2"], second, days[-2] if len(days) > 1 else start)
    _plans_step(planned.scheduled_on, plan_services.round_answer, after=2, actor=_representative(second),
                followup_round=planned, answer="Tillgänglighetsredogörelsen bifogas inte än.")
    deviation = _plans_step(planned.scheduled_on, plan_services.round_assess, after=3, actor=manager,
                            followup_round=planned, met=False, reason="Tillgänglighetsredogörelse saknas.").deviation
    _plans_step(planned.scheduled_on, plan_services.deviation_action_propose, after=4, actor=_representative(second),
                deviation=deviation, action="Redogörelsen publiceras efter extern granskning.",
                deadline=add_working_days(today, 20))
    _plans_round(manager, items["K3"], third, roll_to_working_day(today - timedelta(days=40)))  # overdue
    audit = _plans_round(manager, items["K1"], first, roll_to_working_day(today - timedelta(days=30)),
                         kind=RoundKind.AUDIT, audit_area="information_security", auditor="Säkerhetsrevision AB")
    _plans_step(audit.scheduled_on, plan_services.round_audit_report, after=10, actor=manager, followup_round=audit,
                summary="Ledningssystemet uppfyller ISO/IEC 27001; två mindre förbättringsområden.",
                report=SimpleUploadedFile("revisionsrapport.txt", "Revisionsrapport informationssäkerhet".encode()))
    _plans_step(audit.scheduled_on, plan_services.round_assess, after=12, actor=manager, followup_round=audit, met=True,
                reason="Revisionen visar att kravet uppfylls.")
    with clock.travel_to(at_local(today, 8)):
        plan_services.round_request(actor=manager, item=items["K3"], supplier=first)
    contracted = scenario.objects.get("calloff:contracted")
    contract = getattr(contracted, "contract", None) if contracted is not None else None
    if contract is not None and not FollowUpPlan.objects.filter(contract=contract).exists():
        maria = scenario.objects["user:maria.upphandlare"]
        contract_plan = plan_services.plan_create_for_contract(actor=maria, contract=contract)
        item = contract_plan.items.order_by("id").first()
        if item is not None:
            plan_services.round_request(actor=maria, item=item, supplier=contract.supplier)
    _play_schedule(plan, manager, today)
    scenario.count(True)


def _play_schedule(plan: FollowUpPlan, buyer, today) -> None:
    """The rounds the schedule requested by itself (`rounds_open_due`): each supplier answered within three working
    days and the buyer found the requirement met two days later, except for the rounds too recent for that, which
    are still waiting for an answer."""
    plan_services.rounds_open_due([plan], at_local(today, 7))
    scheduled = (plan.rounds.filter(requested_by__isnull=True, status=RoundStatus.REQUESTED)
                 .select_related("item", "supplier").order_by("scheduled_on", "pk"))
    for followup_round in scheduled:
        representative = _representative(followup_round.supplier)
        day = followup_round.scheduled_on
        if representative is None or add_working_days(day, 8) >= today:
            continue
        item = followup_round.item
        value = (item.target + Decimal("0.2") if item.target is not None else Decimal(1)) if item.is_kpi else None
        _plans_step(day, plan_services.round_answer, after=3, actor=representative, followup_round=followup_round,
                    answer=f"{item.text}: uppfyllt enligt vår egen uppföljning.", value=value)
        _plans_step(day, plan_services.round_assess, after=5, actor=buyer, followup_round=followup_round, met=True,
                    reason="Svaret och underlaget visar att kravet uppfylls.")


# --- The contract register: the agency's contracts with registration numbers; on the contracted call-off an
# option used, a change within the limits and one with a 17 kap. 9 § warning; a contract in ranking order that
# expires within 90 days; two completed, one with a reference case the purchasing body has approved and one
# with a case waiting for its review.

def _ranked_contract(maria, agency, lot, title: str, value: Decimal, signed_on, ends_on):
    """A call-off in ranking order, accepted by the first-ranked supplier and signed on `signed_on`."""
    from innokop.calloffs import rules
    from innokop.calloffs.models import CallOffKind
    from innokop.calloffs.services import award, calloff_start, calloff_update_step, ranking
    from innokop.calloffs.services.ranking import current_offer

    offered = roll_to_working_day(signed_on - timedelta(days=7))
    with clock.travel_to(at_local(offered, 9)):
        calloff = calloff_start(actor=maria, lot=lot, organisation=agency, title=title, estimated_value=value,
                                need=f"{title}: vi avropar i rangordning enligt ramavtalet.",
                                method=CallOffKind.RANKING)
        timetable = rules.suggest_timetable(lot, offered)
        calloff_update_step(actor=maria, calloff=calloff, step="timetable", data=asdict(timetable))
        ranking.ranking_offer_first(actor=maria, calloff=calloff, answer_by=ranking.default_answer_by(clock.now(), 3))
    offer = current_offer(calloff)
    with clock.travel_to(at_local(add_working_days(offered, 1), 14)):
        ranking.ranking_offer_accept(actor=_representative(offer.supplier), offer=offer)
    with clock.travel_to(at_local(signed_on, 10)):
        calloff.refresh_from_db()
        return award.contract_sign(actor=maria, calloff=calloff, value=value, starts_on=signed_on, ends_on=ends_on)


def _reference_case(maria, record, title: str, approve_by=None) -> None:
    from innokop.catalogue.services import solution_changes_approve

    from .services import register

    solution = register.solutions_for_case(record).filter(pending_submitted_at__isnull=True).first()
    if solution is None:
        return
    register.contract_reference_case_write(
        actor=maria, record=record, solution=solution, title=title,
        story="<p>Vi avropade tjänsten för att göra våra e-tjänster tillgängliga för alla.</p>",
        effects="Färre samtal till kundtjänsten och inga anmälningar om bristande tillgänglighet sedan dess.",
        assessment="Leverantören höll tidsplanen och förstod våra behov. Vi rekommenderar tjänsten.")
    if approve_by is not None:
        solution_changes_approve(actor=approve_by, solution=solution, reason="Referensen från myndigheten stämmer.")


def _load_register(scenario: Scenario) -> None:
    from .models import ChangeReason, ContractRecord
    from .services import register

    maria, manager = scenario.objects.get("user:maria.upphandlare"), scenario.objects.get("user:anna.ramstrom")
    contracted, accepted = scenario.objects.get("calloff:contracted"), scenario.objects.get("calloff:accepted")
    contract = getattr(contracted, "contract", None) if contracted is not None else None
    if maria is None or contract is None or accepted is None or ContractRecord.objects.filter(
            contract__agency=contract.agency).exclude(registration_number="").exists():
        scenario.count(False)
        return
    today = local_date(clock.now())
    record = register.record_of(contract)
    register.contract_details_set(actor=maria, record=record, registration_number="MDSS 2026/1142",
                                  kind="goods_services")
    option = register.contract_option_add(actor=maria, record=record, description="Förlängning 12 månader",
                                          extension_months=12, value=Decimal(400_000))
    register.contract_option_use(actor=maria, option=option, reason="Anonymiseringen används i fler ärendetyper "
                                                                    "än planerat och behövs ett år till.")
    register.contract_option_add(actor=maria, record=record, description="Utökning med ljudfiler",
                                 value=Decimal(250_000))
    record.refresh_from_db()
    register.contract_change_record(actor=maria, record=record, reason=ChangeReason.NON_SUBSTANTIAL,
                                    description="Ny kontaktperson hos leverantören och ändrad fakturaadress.",
                                    value_after=record.value)
    record.refresh_from_db()
    register.contract_change_record(
        actor=maria, record=record, reason=ChangeReason.LOW_VALUE, value_after=record.value + contract.value * 15 / 100,
        description="Utbildning för fler handläggare än avtalet omfattar.")
    lot, agency = accepted.lot, accepted.agency
    expiring = _ranked_contract(maria, agency, lot, "Tillgänglighetsstöd för e-tjänsten Boka tid",
                                Decimal(300_000), roll_to_working_day(today - timedelta(days=150)),
                                today + timedelta(days=60))
    register.contract_details_set(actor=maria, record=register.record_of(expiring),
                                  registration_number="MDSS 2026/0871", kind="goods_services")
    for number, (title, days) in enumerate([("Tillgänglighetsgranskning av ansökningsformulär", 170),
                                            ("Skärmläsartester av Mina ärenden", 160)]):
        done = _ranked_contract(maria, agency, lot, title, Decimal(200_000 + 50_000 * number),
                                roll_to_working_day(today - timedelta(days=days)), today - timedelta(days=20 + number))
        done_record = register.record_of(done)
        register.contract_details_set(actor=maria, record=done_record, registration_number=f"MDSS 2026/05{number}4",
                                      kind="goods_services")
        register.contract_complete(actor=maria, record=done_record, final_amount=done.value - 12_500 * number,
                                   note="Levererat enligt avtalet.")
        _reference_case(maria, done_record, title, approve_by=manager if number == 0 else None)
    scenario.count(True)


# --- Contracts signed in earlier quarters, for the dashboards' series over time (contracted value per quarter of
# signing, the median time from publication to contract): two more renewed competitions of MDSS on IK-2026-001,
# published about six and three months ago and played through every step to a signed contract. The older one's
# follow-up plan has found a deviation, for which the supplier has proposed a corrective action.

HISTORY = [
    ("Automatisk klassning av inkommande e-post",
     "Registratorn sorterar all inkommande e-post för hand. Vi vill pröva automatisk klassning med förslag till "
     "diarieföring.", Decimal(1_400_000), 185),
    ("Stöd för granskning av tillsynsrapporter",
     "Inspektörerna granskar långa rapporter. Vi vill pröva stöd som lyfter fram avvikelser mot föreskrifterna.",
     Decimal(2_250_000), 95),
]


def _load_history(scenario: Scenario) -> None:
    from innokop.calloffs.demo import play_to_contract
    from innokop.calloffs.models import CallOff

    maria = scenario.objects.get("user:maria.upphandlare")
    if maria is None or CallOff.objects.filter(title=HISTORY[0][0]).exists():
        scenario.count(False)
        return
    today = local_date(clock.now())
    contracts = []
    for title, need, value, days_ago in HISTORY:
        calloff = play_to_contract(scenario, title, need, value, roll_to_working_day(today - timedelta(days=days_ago)))
        if calloff is None:
            return
        contracts.append(Contract.objects.get(calloff=calloff))
    _contract_deviation(scenario, maria, contracts[0], today)
    scenario.count(True)


def _contract_deviation(scenario: Scenario, maria, contract: Contract, today) -> None:
    """The agency's plan for the contract, made the day after signing; a round on the first requirement was
    answered without the evidence asked for, assessed as a deviation, and the supplier proposed a corrective action
    that is due after today."""
    signed = local_date(contract.signed_at)
    with clock.travel_to(at_local(add_working_days(signed, 1), 9)):
        plan = plan_services.plan_create_for_contract(actor=maria, contract=contract)
    item = plan.items.order_by("id").first()
    if item is None:
        return
    day = add_working_days(signed, 10)
    followup_round = _plans_round(maria, item, contract.supplier, day,
                                  question=f"Visa hur ni uppfyller kravet {item.identifier} i leveransen till oss.")
    representative = _representative(contract.supplier)
    _plans_step(day, plan_services.round_answer, after=4, actor=representative, followup_round=followup_round,
                answer="Vi arbetar efter kravet men har inte dokumenterat det för er leverans ännu.")
    deviation = _plans_step(day, plan_services.round_assess, after=6, actor=maria, followup_round=followup_round,
                            met=False, reason="Underlag som visar att kravet uppfylls i vår leverans saknas.").deviation
    _plans_step(day, plan_services.deviation_action_propose, after=8, actor=representative, deviation=deviation,
                action="Vi dokumenterar kravuppfyllelsen för leveransen och skickar den till er.",
                deadline=add_working_days(today, 15))
    _play_schedule(plan, maria, today)
