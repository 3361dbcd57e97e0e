from innokop.accounts.models import OrganisationKind
from innokop.agreements.models import FrameworkAgreement
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.dashboard import Panel

from .permissions import reporting_agreements, reporting_supplier_ids
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
    return found


def dashboards_panel(actor) -> list[Panel]:
    """Links to the dashboards the actor may open: its agencies' and suppliers', and its managed agreements'."""
    own = [o for o in actor.organisations if o.kind in (OrganisationKind.AGENCY, OrganisationKind.SUPPLIER)]
    agreements = list(FrameworkAgreement.objects.managed_by(actor).order_by("reference")) if actor.is_framework_manager else []
    if not own and not agreements:
        return []
    return [Panel("followup/dashboard/dashboards.html", {"organisations": own, "agreements": agreements})]
