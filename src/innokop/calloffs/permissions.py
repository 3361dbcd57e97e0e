"""Who may see and change call-offs and what belongs to them (DESIGN.md §5): one helper per question.

A draft is seen only by the agency's own members. A published call-off is seen by the agency and
by the suppliers invited to it. Everyone else gets 404 (the CPB reads its summary of call-offs and
the award decisions). Within the agency, every member may read; only the call-off's team changes
it (403 for others). What is only the agency's (the opening, the evaluation, the record) answers
404 to invited suppliers too, and a supplier's own tender answers 404 to the agency: an object a
user may not see answers 404, one they may see but not change answers 403. Pages and the API
fetch through these helpers, so both answer the same.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from innokop.accounts.models import Organisation, Role
from innokop.accounts.permissions import Actor
from innokop.core.permissions import get_for_actor

from .models import AwardDecision, CallOff, CallOffStatus, Contract, OpeningRecord


def get_calloff_for_actor(actor: Actor, pk, *, write: bool = False) -> CallOff:
    visible = CallOff.objects.visible_to(actor).select_related("agency", "lot__agreement", "created_by")
    return get_for_actor(visible, CallOff.objects.changeable_by(actor), pk, write=write)


def get_calloff_for_agency(actor: Actor, pk, *, write: bool = False) -> CallOff:
    """The agency's own side of a call-off (opening, evaluation, award, contract signing, the record).

    404 for everyone outside the agency, invited suppliers included: these pages are not theirs to
    see. 403 for a change by an agency member outside the call-off's team.
    """
    visible = (CallOff.objects.filter(agency_id__in=actor.organisation_ids)
               .select_related("agency", "lot__agreement", "created_by"))
    return get_for_actor(visible, CallOff.objects.changeable_by(actor), pk, write=write)


def get_calloff_for_supplier(actor: Actor, pk) -> CallOff:
    """A call-off an invited supplier acts in (answers an offer): 404 when invisible, 403 for the agency's people."""
    calloff = get_calloff_for_actor(actor, pk)
    if is_agency_member(actor, calloff):
        raise PermissionDenied(_("You may not do this in this call-off."))
    return calloff


def get_representing_supplier(actor: Actor, pk) -> tuple[CallOff, Organisation]:
    """The call-off and the invited supplier the actor represents in it (books a dialogue meeting).

    404 when the call-off is invisible; 403 for the agency's people and for a user of an invited
    supplier who is not its representative.
    """
    calloff = get_calloff_for_supplier(actor, pk)
    supplier = represented_supplier(actor, calloff)
    if supplier is None:
        raise PermissionDenied(_("You may not do this in this call-off."))
    return calloff, supplier


def get_tendering_supplier(actor: Actor, pk) -> tuple[CallOff, Organisation]:
    """The call-off and the invited supplier whose tender the actor writes.

    404 for the agency (a supplier's tender is not its to see, and 404 says nothing about whether
    one exists) and in ranking order (no tenders); 403 for a user of an invited supplier who is not
    its representative.
    """
    calloff = get_calloff_for_actor(actor, pk)
    if is_agency_member(actor, calloff) or not calloff.is_renewed_competition:
        raise Http404
    supplier = represented_supplier(actor, calloff)
    if supplier is None:
        raise PermissionDenied(_("Only representatives of the suppliers invited to the call-off can tender in it."))
    return calloff, supplier


def get_decision_for_actor(actor: Actor, calloff_pk) -> AwardDecision:
    """The sent award decision of a call-off, with its call-off; 404 unless `may_read_decision`."""
    try:
        decision = (AwardDecision.objects.select_related("calloff__agency", "calloff__lot__agreement")
                    .get(calloff_id=calloff_pk))
    except (AwardDecision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not may_read_decision(actor, decision.calloff):
        raise Http404
    return decision


def get_contract_for_actor(actor: Actor, calloff_pk) -> Contract:
    """The signed call-off contract, with its call-off and parties; 404 unless `may_read_contract`."""
    readable = Contract.objects.filter(_contract_parties(actor)).select_related(
        "calloff__agency", "calloff__lot__agreement", "agency", "supplier", "signed_by")
    try:
        return readable.get(calloff_id=calloff_pk)
    except (Contract.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def is_agency_member(actor: Actor, calloff: CallOff) -> bool:
    return calloff.agency_id in actor.organisation_ids


def is_team_member(actor: Actor, calloff: CallOff) -> bool:
    """On the call-off's team and, at this moment, a member of its agency (`CallOffQuerySet.changeable_by`)."""
    return CallOff.objects.changeable_by(actor).filter(pk=calloff.pk).exists()


def current_team(calloff: CallOff):
    """The team as it stands now: the people on it who still belong to the agency, with active accounts.

    Everything the team is told goes to them (and only them), and the team's rights are theirs
    (`is_team_member` is the same rule seen from the user). Someone removed from the agency stays
    listed in `calloff.team` until taken off it, but is neither told nor allowed anything.
    """
    return calloff.team.filter(is_active=True, memberships__organisation_id=calloff.agency_id).distinct()


def represented_supplier(actor: Actor, calloff: CallOff) -> Organisation | None:
    """The invited supplier the actor represents in this call-off, or None: only they ask, book and tender."""
    represented = {m.organisation_id for m in actor.memberships if m.role == Role.SUPPLIER_REPRESENTATIVE}
    invitation = (calloff.invitations.filter(supplier_id__in=represented).select_related("supplier")
                  .order_by("supplier__name").first())
    return invitation.supplier if invitation else None


def tenderer_supplier_ids(calloff: CallOff) -> set[int]:
    """Every supplier whose tender was opened: the tenderers the decision goes to, rejected ones included.

    Withdrawn tenders are in the opening record only as a count, so they are not tenderers.
    """
    record = OpeningRecord.objects.filter(calloff=calloff, opened_at__isnull=False).first()
    return set() if record is None else {e["supplier_id"] for e in record.tenders if not e.get("withdrawn")}


def may_read_decision(actor: Actor, calloff: CallOff) -> bool:
    """The award decision is read by the agency, every tenderer and the purchasing body that owns the agreement."""
    ids = actor.organisation_ids
    return (calloff.agency_id in ids or calloff.lot.agreement.owner_id in ids
            or bool(tenderer_supplier_ids(calloff) & ids))


def may_read_contract(actor: Actor, calloff: CallOff) -> bool:
    """The contract is read by its parties: the agency and the contracted supplier."""
    return Contract.objects.filter(_contract_parties(actor), calloff=calloff).exists()


def _contract_parties(actor: Actor) -> Q:
    ids = actor.organisation_ids
    return Q(agency_id__in=ids) | Q(supplier_id__in=ids)


def tenders_sealed(calloff: CallOff, now: datetime) -> bool:
    """Rule 6: until the tender deadline has passed nothing about the tenders is shown, not even their count.

    Nothing can be opened either: the tenders are unsealed only by the opening, after the deadline.
    """
    return calloff.status in (CallOffStatus.DRAFT, CallOffStatus.OPEN) and not calloff.is_past_deadline(now)
