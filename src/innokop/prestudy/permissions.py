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

from innokop.accounts.models import Organisation, OrganisationKind, Role
from innokop.calloffs.models import Tender
from innokop.core.permissions import get_for_actor

from .models import (
    DocumentRequest,
    MarketDialogue,
    Need,
    NeedInterest,
    PreStudy,
    RfiResponse,
    Survey,
    SurveyStatus,
)


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
    ids = actor.organisation_ids
    if not ids:
        return False
    # Over `interests.all()`: a list of needs has prefetched them, so asking costs no query per need.
    return any(i.withdrawn_at is None and i.agency_id in ids for i in need.interests.all())


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


# --- surveys ---------------------------------------------------------------------------------------------------


def get_survey_for_cpb(actor, pk, *, write: bool = False) -> Survey:
    """A survey on the purchasing body's side (its questions, its results): those who see the pre-study read it,
    its framework managers change it; 404 for everyone else, the agencies asked included."""
    visible = Survey.objects.filter(prestudy__in=PreStudy.objects.visible_to(actor)).select_related("prestudy")
    return get_for_actor(visible, Survey.objects.filter(prestudy__owner_id__in=actor.managed_organisation_ids), pk,
                         write=write, denied=_("Only the purchasing body's framework managers change a survey."))


def answering_agencies(actor, survey: Survey) -> list[Organisation]:
    """The actor's agencies the survey was sent to: each answers once."""
    asked = set(survey.recipients.values_list("pk", flat=True))
    return [agency for agency in agency_memberships(actor) if agency.pk in asked]


def get_survey_to_answer(actor, pk) -> Survey:
    """A sent survey, for the members of the agencies it was sent to; 404 for everyone else."""
    try:
        survey = Survey.objects.select_related("prestudy__owner").get(pk=pk, status=SurveyStatus.SENT)
    except (Survey.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not answering_agencies(actor, survey):
        raise Http404
    return survey


# --- the market ------------------------------------------------------------------------------------------------


def represented_suppliers(actor) -> list[Organisation]:
    """The suppliers the actor represents (a supplier representative of them): they answer requests for
    information and book meetings."""
    found = {m.organisation_id: m.organisation for m in actor.memberships
             if m.organisation.kind == OrganisationKind.SUPPLIER and m.role == Role.SUPPLIER_REPRESENTATIVE}
    return sorted(found.values(), key=lambda organisation: (organisation.name, organisation.pk))


def get_dialogue_for_actor(actor, pk, *, write: bool = False) -> MarketDialogue:
    """A request for information: anyone reads a published one; a draft only its purchasing body; its framework
    managers change it (403 for others who see it)."""
    visible = MarketDialogue.objects.visible_to(actor).select_related("prestudy__owner")
    writable = MarketDialogue.objects.filter(prestudy__owner_id__in=actor.managed_organisation_ids)
    return get_for_actor(visible, writable, pk, write=write,
                         denied=_("Only the purchasing body's framework managers change a request for information."))


def manages_dialogue(actor, dialogue: MarketDialogue) -> bool:
    return dialogue.prestudy.owner_id in actor.managed_organisation_ids


def get_dialogue_for_cpb(actor, pk) -> MarketDialogue:
    """The purchasing body's side of a request for information (the answers, the log): its framework managers
    and the pre-study's team; 404 for everyone else, suppliers included."""
    visible = MarketDialogue.objects.filter(prestudy__in=PreStudy.objects.visible_to(actor))
    return get_for_actor(visible.select_related("prestudy__owner"), None, pk)


def get_response_for_actor(actor, pk) -> RfiResponse:
    """An answer to a request for information: the purchasing body and the answering supplier only (DESIGN.md
    §5); 404 for everyone else, other suppliers and agencies included."""
    visible = RfiResponse.objects.visible_to(actor).select_related("dialogue__prestudy__owner", "supplier",
                                                                    "answered_by")
    return get_for_actor(visible, None, pk)


# --- public documents and secrecy ------------------------------------------------------------------------------


def get_document_request_for_reviewer(actor, pk) -> DocumentRequest:
    """A request for a public document: its reviewers only (the purchasing body's framework managers for RFI answers,
    the call-off's team for tenders), who alone see the requester's contact details; 404 for everyone else, the
    supplier concerned included."""
    visible = DocumentRequest.objects.reviewed_by(actor).select_related(
        "dialogue__prestudy__owner", "calloff__agency", "rfi_response__supplier", "tender__supplier", "decided_by",
        "copy")
    return get_for_actor(visible, None, pk)


def get_own_tender(actor, pk):
    """A tender the actor's supplier submitted, for its secrecy request: its representatives only; 404 for others."""
    supplier_ids = [supplier.pk for supplier in represented_suppliers(actor)]
    visible = Tender.objects.filter(supplier_id__in=supplier_ids).exclude(status="draft").select_related(
        "calloff", "supplier")
    return get_for_actor(visible, None, pk)


# --- analysis: the matches of a need ---------------------------------------------------------------------------


def may_see_matches(actor, need: Need) -> bool:
    """The matches of a need (and the similar needs of other agencies): its own agency and the purchasing body."""
    return need.agency_id in actor.organisation_ids or actor.is_framework_manager


def get_need_matches_for_actor(actor, pk) -> Need:
    """A need's matches: 404 when the need is invisible, 403 for others who see it."""
    need = get_need_for_actor(actor, pk)
    if not may_see_matches(actor, need):
        raise PermissionDenied(_("The matches of a need are for its agency and the purchasing body."))
    return need


def get_need_for_its_agencies(actor, pk) -> Need:
    """A need for the agencies whose need it is (it registered or joined it): they name the call-offs that answer
    it. 404 when the need is invisible, 403 for others who see it."""
    need = get_need_for_actor(actor, pk)
    agencies = {need.agency_id} | set(need.interests.filter(withdrawn_at__isnull=True).values_list("agency_id",
                                                                                                  flat=True))
    if not agencies & {agency.pk for agency in agency_memberships(actor)}:
        raise PermissionDenied(_("Only an agency whose need it is names the call-offs that answer it."))
    return need
