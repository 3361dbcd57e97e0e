"""Who may see and change call-offs (DESIGN.md §5).

A draft is seen only by the agency's own members. A published call-off is seen by the agency and
by the suppliers invited to it. Everyone else gets 404 (the CPB's summary view comes later).
Within the agency, every member may read; only the call-off's team changes it (403 for others).
"""

from innokop.core.permissions import get_for_actor

from .models import CallOff


def get_calloff_for_actor(actor, pk, *, write: bool = False) -> CallOff:
    visible = CallOff.objects.visible_to(actor).select_related("agency", "lot__agreement", "created_by")
    return get_for_actor(visible, CallOff.objects.changeable_by(actor), pk, write=write)


def is_agency_member(actor, calloff: CallOff) -> bool:
    return calloff.agency_id in actor.organisation_ids


def is_team_member(actor, calloff: CallOff) -> bool:
    return CallOff.objects.changeable_by(actor).filter(pk=calloff.pk).exists()

