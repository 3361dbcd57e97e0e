from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.dashboard import Panel

from .models import FrameworkAgreement, LotSupplier
from .permissions import entitled_organisations_of


def panels(request) -> list[Panel]:
    actor = request.actor
    today = local_date(clock.now())
    found = []
    if actor.is_framework_manager:
        managed = FrameworkAgreement.objects.managed_by(actor).prefetch_related("lots")
        found.append(Panel("agreements/dashboard/managed.html",
                           {"rows": [(a, a.status(today)) for a in managed]}))
    if actor.is_agency:
        published = (FrameworkAgreement.objects.published().filter(terminated_at__isnull=True)
                     .prefetch_related("entitled_organisations"))
        usable = [a for a in published if entitled_organisations_of(actor, a, today)]
        found.append(Panel("agreements/dashboard/entitled.html", {"agreements": usable}))
    if actor.is_supplier:
        admissions = (LotSupplier.objects.filter(supplier_id__in=actor.organisation_ids,
                                                 lot__agreement__published_at__isnull=False)
                      .select_related("lot__agreement", "supplier"))
        found.append(Panel("agreements/dashboard/admissions.html", {"admissions": admissions}))
    return found
