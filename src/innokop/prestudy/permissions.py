"""Who sees and changes pre-studies and needs (DESIGN.md §5).

- A pre-study is its purchasing body's: its framework managers see and change it, its team (members of that
  body, while they are) read it. Everyone else gets 404. `managing_cpb` is the one answer to "may this actor
  act for the purchasing body here", for the parts that come later (surveys, market dialogue, the report).
- A public need is read by anyone, an internal one by its agency and the purchasing body; every member of
  the agency changes it (403 for others who see it).
- A need's budget is seen by its agency and the purchasing body only (OSL 19:3): `may_see_budget`, used by
  the pages, the API and every total.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core.permissions import get_for_actor

from .models import Need, NeedInterest, PreStudy


def agency_memberships(actor) -> list[Organisation]:
    """The agencies the actor belongs to, in a stable order."""
    found = {m.organisation_id: m.organisation for m in actor.memberships
             if m.organisation.kind == OrganisationKind.AGENCY}
    return sorted(found.values(), key=lambda organisation: (organisation.name, organisation.pk))


def managing_cpb(actor) -> Organisation | None:
    """The purchasing body the actor runs pre-studies for (a framework manager of it), or None."""
    managed = sorted(actor.managed_organisation_ids)
    return next((m.organisation for m in actor.memberships if managed and m.organisation_id == managed[0]), None)


def get_prestudy_for_actor(actor, pk, *, write: bool = False) -> PreStudy:
    visible = PreStudy.objects.visible_to(actor).select_related("owner", "created_by", "decided_by", "agreement")
    return get_for_actor(visible, PreStudy.objects.managed_by(actor), pk, write=write,
                         denied=_("Only the purchasing body's framework managers change a pre-study."))


def may_see_budget(actor, need: Need) -> bool:
    """The budget of a need: its own agency and the purchasing body (OSL 19:3), nobody else."""
    return need.agency_id in actor.organisation_ids or actor.is_framework_manager


def may_see_prestudy_of(actor, need: Need) -> bool:
    """Which pre-study took a need up: the agencies concerned (its own, those that joined it) and the purchasing
    body. Pre-studies are not public, so nobody else learns of one through a need."""
    if actor.is_framework_manager or need.agency_id in actor.organisation_ids:
        return True
    return need.interests.filter(withdrawn_at__isnull=True, agency_id__in=actor.organisation_ids).exists()


def get_need_for_actor(actor, pk, *, write: bool = False) -> Need:
    visible = Need.objects.visible_to(actor).select_related("agency", "region", "prestudy", "created_by")
    return get_for_actor(visible, Need.objects.of_agencies(actor), pk, write=write,
                         denied=_("Only the agency that registered the need changes it."))


def get_need_for_cpb(actor, pk) -> Need:
    """A need the purchasing body links to a pre-study: 403 for others who see it."""
    need = get_need_for_actor(actor, pk)
    if not actor.is_framework_manager:
        raise PermissionDenied(_("Only the purchasing body links needs to pre-studies."))
    return need


def joining_agencies(actor, need: Need) -> list[Organisation]:
    """The actor's agencies that may join the need: every one but the need's own."""
    return [agency for agency in agency_memberships(actor) if agency.pk != need.agency_id]


def get_need_to_join(actor, pk) -> Need:
    """A public need another agency joins: 404 when it is not public, 403 for those with no other agency."""
    need = get_need_for_actor(actor, pk)
    if not need.is_public:
        raise Http404
    if not joining_agencies(actor, need):
        raise PermissionDenied(_("Another agency joins a need; the agency that registered it changes it instead."))
    return need


def get_interest_for_actor(actor, pk, *, write: bool = False) -> NeedInterest:
    """An agency's interest in a need: seen with its need, withdrawn by the joining agency's members."""
    visible = NeedInterest.objects.filter(need__in=Need.objects.visible_to(actor)).select_related("need", "agency")
    return get_for_actor(visible, NeedInterest.objects.filter(agency_id__in=actor.organisation_ids), pk, write=write,
                         denied=_("Only the agency that joined withdraws its interest."))
