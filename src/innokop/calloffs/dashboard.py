from django.db.models import Count, Q

from innokop.agreements.permissions import agreements_managed
from innokop.core import clock
from innokop.core.dashboard import Panel

from .models import CallOff
from .services import calloffs_invitations_send_due


def panels(request) -> list[Panel]:
    """'My call-offs' for agencies; 'Invitations to tender' for suppliers; call-offs per agreement for the CPB."""
    actor = request.actor
    now = clock.now()
    found = []
    if actor.is_agency:
        mine = list(CallOff.objects.of_agencies(actor.organisation_ids).select_related("agency")[:20])
        calloffs_invitations_send_due(mine)
        found.append(Panel("calloffs/dashboard/mine.html", {"rows": [(c, c.state_label(now)) for c in mine]}))
    if actor.is_supplier:
        invited = list(CallOff.objects.invitations_of(actor.organisation_ids, now).select_related("agency")[:20])
        calloffs_invitations_send_due(invited)
        found.append(Panel("calloffs/dashboard/invitations.html",
                           {"rows": [(c, c.state_label(now)) for c in invited]}))
    if actor.is_framework_manager:
        agreements = (agreements_managed(actor).filter(published_at__isnull=False)
                      .annotate(published_calloffs=Count("lots__calloffs", filter=Q(
                          lots__calloffs__published_at__lte=now))).order_by("reference"))
        found.append(Panel("calloffs/dashboard/agreements.html", {"agreements": agreements}))
    return found
