from innokop.accounts.models import OrganisationKind
from innokop.agreements.models import FrameworkAgreement
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.dashboard import Panel

from .models import Deviation, DeviationStatus, FollowUpRound, RoundStatus
from .permissions import member_supplier_ids, plans_visible_to, reporting_agreements, reporting_supplier_ids
from .reporting import REPORTED, overdue_lines, quarter_lines


def panels(request) -> list[Panel]:
    actor = request.actor
    today = local_date(clock.now())
    found = []
    supplier_ids = reporting_supplier_ids(actor)
    if supplier_ids:
        suppliers = [o for o in actor.organisations if o.pk in supplier_ids]
        due = [line for agreement in reporting_agreements(supplier_ids) for supplier in suppliers
               for line in quarter_lines(agreement, supplier, today) if line.state != REPORTED]
        found.append(Panel("followup/dashboard/due.html", {"lines": due}))
    if actor.is_framework_manager:
        managed = FrameworkAgreement.objects.managed_by(actor).published()
        found.append(Panel("followup/dashboard/overdue.html", {"count": len(overdue_lines(managed, today))}))
    found += dashboards_panel(actor)
    found += followup_panel(actor)
    found += register_panel(actor, today)
    return found


def dashboards_panel(actor) -> list[Panel]:
    """Links to the dashboards the actor may open: its agencies' and suppliers', and its managed agreements'."""
    own = [o for o in actor.organisations if o.kind in (OrganisationKind.AGENCY, OrganisationKind.SUPPLIER)]
    agreements = list(FrameworkAgreement.objects.managed_by(actor).order_by("reference")) if actor.is_framework_manager else []
    if not own and not agreements:
        return []
    return [Panel("followup/dashboard/dashboards.html", {"organisations": own, "agreements": agreements})]


def followup_panel(actor) -> list[Panel]:
    """Follow-up: a supplier's requests to answer and deviations to act on; a buyer's answers to assess and open
    deviations. The counts are read when the dashboard is, like the rest."""
    supplier_ids = member_supplier_ids(actor)
    plans = plans_visible_to(actor)
    if not supplier_ids and not plans.exists():
        return []
    from .services.plans import rounds_open_for

    rounds_open_for(actor)  # scheduled rounds whose day has come count as requested
    own = FollowUpRound.objects.filter(supplier_id__in=supplier_ids)
    followed = FollowUpRound.objects.filter(plan__in=plans.values("pk"))
    return [Panel("followup/plans/dashboard_panel.html", {
        "to_answer": own.filter(status=RoundStatus.REQUESTED).count(),
        "to_act_on": Deviation.objects.filter(round__in=own, status=DeviationStatus.OPEN).count(),
        "to_assess": followed.filter(status=RoundStatus.ANSWERED).count(),
        "open_deviations": Deviation.objects.open().filter(round__in=followed).count(),
        "supplier": bool(supplier_ids), "buyer": plans.exists()})]


def register_panel(actor, today) -> list[Panel]:
    """The contract register: how many contracts the actor sees, and how many expire within 90 days (from the
    clock, as the register reads it)."""
    from .models import ContractRecord
    from .permissions import contracts_visible_to
    from .services.register import in_state, records_for

    contracts = contracts_visible_to(actor)
    if not contracts.exists():
        return []
    records_for(contracts)
    records = ContractRecord.objects.filter(contract__in=contracts)
    return [Panel("followup/register/dashboard_panel.html", {
        "total": records.count(), "expiring": in_state(records, "expiring", today).count()})]
