from innokop.core.dashboard import Panel

from .models import Need, NeedInterest, PreStudy
from .permissions import agency_memberships


def panels(request) -> list[Panel]:
    actor = request.actor
    found = []
    agencies = [agency.pk for agency in agency_memberships(actor)]
    if agencies:
        found.append(Panel("prestudy/dashboard/needs.html", {
            "needs": Need.objects.filter(agency_id__in=agencies).count(),
            "joined": NeedInterest.objects.active().filter(agency_id__in=agencies).count()}))
    if actor.is_framework_manager:
        found.append(Panel("prestudy/dashboard/prestudies.html", {
            "prestudies": list(PreStudy.objects.managed_by(actor).filter(status__in=[
                "planning", "collecting", "analysing", "concluded"])[:10])}))
    return found
