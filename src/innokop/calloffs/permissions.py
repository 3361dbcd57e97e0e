"""Who may see and change call-offs (DESIGN.md §5).

A draft is seen only by the agency's own members. A published call-off is seen by the agency and
by the suppliers invited to it. Everyone else gets 404 (the CPB's summary view comes later).
Within the agency, every member may read; only the call-off's team changes it (403 for others).
"""

from innokop.accounts.models import OrganisationKind, Role
from innokop.core.permissions import get_for_actor

from .models import CallOff

BUYER_ROLES = {Role.PROCURER, Role.BUSINESS_DEVELOPER}


def get_calloff_for_actor(actor, pk, *, write: bool = False) -> CallOff:
    visible = CallOff.objects.visible_to(actor).select_related("agency", "lot__agreement", "created_by")
    return get_for_actor(visible, CallOff.objects.changeable_by(actor), pk, write=write)


def is_agency_member(actor, calloff: CallOff) -> bool:
    return calloff.agency_id in actor.organisation_ids


def is_team_member(actor, calloff: CallOff) -> bool:
    return CallOff.objects.changeable_by(actor).filter(pk=calloff.pk).exists()


def calling_off_organisations(actor) -> list:
    """The actor's agencies where they are a procurer or business developer: who may start a call-off."""
    return list({m.organisation_id: m.organisation for m in actor.memberships
                 if m.role in BUYER_ROLES and m.organisation.kind == OrganisationKind.AGENCY}.values())


def may_start(actor, lot, today) -> bool:
    """An agency procurer or business developer whose agency is entitled, while the agreement is active."""
    from innokop.agreements.permissions import entitled_organisations_of

    buyers = {org.pk for org in calling_off_organisations(actor)}
    return any(org.pk in buyers for org in entitled_organisations_of(actor, lot.agreement, today))
