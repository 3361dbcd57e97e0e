"""Every change to pre-studies and needs: one service each, checked, audited, notified on commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Membership, Organisation, OrganisationKind
from innokop.accounts.permissions import actor_for
from innokop.agreements.models import FrameworkAgreement
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused
from innokop.reference.models import CpvCode, NutsRegion

from ..models import DECIDED_STATUSES, Need, NeedInterest, PreStudy, PreStudyStatus, PreStudyStep, RfiResponse, Urgency
from ..permissions import agency_memberships


class PreStudyError(Refused):
    code = "prestudy_refused"


class NeedError(Refused):
    code = "need_refused"


# --- pre-studies -----------------------------------------------------------------------------------------------


@dataclass
class PreStudyInput:
    title: str
    area: str
    questions: str
    starts_on: date
    needs_until: date
    concludes_on: date
    cpv_codes: list[CpvCode] = field(default_factory=list)
    team: list = field(default_factory=list)


def _clean_prestudy(owner: Organisation, given: PreStudyInput) -> None:
    problems = []
    if not given.title.strip():
        problems.append(Problem("title", _("Give the pre-study a title.")))
    if not given.area.strip():
        problems.append(Problem("area", _("Describe the area the pre-study covers.")))
    if not given.questions.strip():
        problems.append(Problem("questions", _("Write at least one question the pre-study must answer.")))
    if not given.cpv_codes:
        problems.append(Problem("cpv_codes", _("Give at least one CPV code.")))
    if given.needs_until < given.starts_on:
        problems.append(Problem("needs_until", _("The last day to collect needs comes on or after the start.")))
    if given.concludes_on < given.needs_until:
        problems.append(Problem("concludes_on", _("The conclusion comes on or after the last day to collect "
                                                  "needs.")))
    members = set(Membership.objects.filter(organisation=owner).values_list("user_id", flat=True))
    outsiders = [user for user in given.team if user.pk not in members]
    if outsiders:
        problems.append(Problem("team", _("The team is made of the purchasing body's own people: %(names)s is not "
                                          "one of them.") % {"names": ", ".join(str(u) for u in outsiders)}))
    if problems:
        raise PreStudyError(problems[0].message, code="invalid_prestudy", problems=problems)


def _require_manager(actor, prestudy: PreStudy | None = None, owner: Organisation | None = None) -> None:
    owner_id = prestudy.owner_id if prestudy else owner.pk
    if owner_id not in actor_for(actor).managed_organisation_ids:
        raise PreStudyError(_("Only the purchasing body's framework managers run its pre-studies."),
                            code="not_manager", status=403)


def prestudy_create(*, actor, owner: Organisation, given: PreStudyInput) -> PreStudy:
    _require_manager(actor, owner=owner)
    _clean_prestudy(owner, given)
    now = clock.now()
    with transaction.atomic():
        prestudy = PreStudy.objects.create(
            owner=owner, reference=f"FS-tmp-{uuid.uuid4().hex[:20]}", title=given.title.strip(),
            area=given.area.strip(), questions=given.questions.strip(), starts_on=given.starts_on,
            needs_until=given.needs_until, concludes_on=given.concludes_on, created_by=actor, created_at=now,
            updated_at=now)
        prestudy.reference = f"FS-{given.starts_on.year}-{prestudy.pk:04d}"
        prestudy.save(update_fields=["reference"])
        prestudy.cpv_codes.set(given.cpv_codes)
        prestudy.team.set(given.team or [actor])
        audit_log(actor=actor, verb="prestudy.created", obj=prestudy, organisation=owner, payload=_snapshot(prestudy))
    return prestudy


def prestudy_update(*, actor, prestudy: PreStudy, given: PreStudyInput) -> PreStudy:
    _require_manager(actor, prestudy)
    if prestudy.is_decided:
        raise PreStudyError(_("The pre-study is decided and can no longer be changed."), code="prestudy_decided",
                            status=409)
    _clean_prestudy(prestudy.owner, given)
    with transaction.atomic():
        before = _snapshot(prestudy)
        for name in ("title", "area", "questions"):
            setattr(prestudy, name, getattr(given, name).strip())
        prestudy.starts_on, prestudy.needs_until = given.starts_on, given.needs_until
        prestudy.concludes_on, prestudy.updated_at = given.concludes_on, clock.now()
        prestudy.save(update_fields=["title", "area", "questions", "starts_on", "needs_until", "concludes_on",
                                     "updated_at"])
        prestudy.cpv_codes.set(given.cpv_codes)
        prestudy.team.set(given.team or [actor])
        after = _snapshot(prestudy)
        changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        audit_log(actor=actor, verb="prestudy.updated", obj=prestudy, organisation=prestudy.owner, payload=changed)
    return prestudy


def _snapshot(prestudy: PreStudy) -> dict:
    return {"title": prestudy.title, "area": prestudy.area, "questions": prestudy.questions,
            "starts_on": prestudy.starts_on.isoformat(), "needs_until": prestudy.needs_until.isoformat(),
            "concludes_on": prestudy.concludes_on.isoformat(),
            "cpv_codes": sorted(code.pk for code in prestudy.cpv_codes.all()),
            "team": sorted(user.pk for user in prestudy.team.all())}


ADVANCES = {PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING, PreStudyStatus.CONCLUDED}


def prestudy_advance(*, actor, prestudy: PreStudy, to_status: str, note: str = "") -> PreStudy:
    """Moves the pre-study on: planning → collecting → analysing → concluded, or from analysing back to
    collecting (with a note saying why). The team is told."""
    _require_manager(actor, prestudy)
    if to_status not in ADVANCES:
        raise PreStudyError(_("The decision on a concluded pre-study is taken with its reasons, not as a step."),
                            code="use_decide")
    with transaction.atomic():
        locked = PreStudy.objects.select_for_update(no_key=True).get(pk=prestudy.pk)
        if not locked.can_move_to(to_status):
            raise PreStudyError(_("A pre-study that is %(status)s cannot move to %(target)s.") % {
                "status": locked.get_status_display().lower(), "target": PreStudyStatus(to_status).label.lower()},
                code="invalid_transition", status=409)
        backwards = locked.status == PreStudyStatus.ANALYSING and to_status == PreStudyStatus.COLLECTING
        if backwards and not note.strip():
            raise PreStudyError(_("Say why the pre-study goes back to collecting."), code="note_needed",
                                problems=[Problem("note", _("Say why the pre-study goes back to collecting."))])
        _move(actor, locked, to_status, note.strip())
    prestudy.refresh_from_db()
    return prestudy


def _move(actor, prestudy: PreStudy, to_status: str, note: str, update_fields=()) -> None:
    previous = prestudy.status
    prestudy.move_to(to_status)
    prestudy.updated_at = clock.now()
    prestudy.save(update_fields=["status", "updated_at", *update_fields])
    PreStudyStep.objects.create(prestudy=prestudy, from_status=previous, to_status=to_status, note=note, actor=actor,
                                at=prestudy.updated_at)
    audit_log(actor=actor, verb=f"prestudy.{to_status}", obj=prestudy, organisation=prestudy.owner,
              payload={"from": previous, "to": to_status, "note": note})
    team = [user for user in current_team(prestudy) if user.pk != actor.pk]
    notify(recipients=team, kind="prestudy.moved",
           subject=gettext_lazy("Pre-study %(reference)s is now: %(status)s"),
           body=gettext_lazy("%(actor)s moved pre-study %(reference)s (%(title)s) to: %(status)s. %(note)s"),
           params={"reference": prestudy.reference, "title": prestudy.title, "status": PreStudyStatus(to_status).label,
                   "actor": str(actor), "note": note},
           url=reverse("prestudy:prestudy_detail", args=[prestudy.pk]))


def current_team(prestudy: PreStudy) -> list:
    """The team as it stands: people removed from the purchasing body are no longer on it."""
    members = Membership.objects.filter(organisation_id=prestudy.owner_id).values("user_id")
    return list(prestudy.team.filter(pk__in=members, is_active=True))


def prestudy_decide(*, actor, prestudy: PreStudy, outcome: str, reasons: str,
                    agreement: FrameworkAgreement | None = None) -> PreStudy:
    """The go/no-go decision on a concluded pre-study, with its reasons. The agencies whose needs it took up,
    and those that joined them, are told."""
    _require_manager(actor, prestudy)
    if outcome not in DECIDED_STATUSES:
        raise PreStudyError(_("Choose whether a procurement is started or the pre-study is not pursued."),
                            code="invalid_outcome", problems=[Problem("outcome", _("Choose an outcome."))])
    if not reasons.strip():
        raise PreStudyError(_("Give the reasons for the decision."), code="reasons_needed",
                            problems=[Problem("reasons", _("Give the reasons for the decision."))])
    if agreement is not None and (outcome != PreStudyStatus.PROCUREMENT_STARTED
                                  or agreement.owner_id != prestudy.owner_id):
        raise PreStudyError(_("Only a procurement started by this purchasing body leads to one of its agreements."),
                            code="invalid_agreement", problems=[Problem("agreement", _("Choose one of your "
                                                                                      "agreements, or none."))])
    with transaction.atomic():
        locked = PreStudy.objects.select_for_update(no_key=True).get(pk=prestudy.pk)
        if not locked.can_move_to(outcome):
            raise PreStudyError(_("Only a concluded pre-study is decided on, and only once."), code="not_concluded",
                                status=409)
        locked.decision_reasons, locked.decided_at, locked.decided_by = reasons.strip(), clock.now(), actor
        locked.agreement = agreement
        _move(actor, locked, outcome, reasons.strip(), update_fields=["decision_reasons", "decided_at", "decided_by",
                                                                       "agreement"])
        _tell_agencies(locked)
        _tell_suppliers(locked)
    prestudy.refresh_from_db()
    return prestudy


def _tell_agencies(prestudy: PreStudy) -> None:
    agencies = set(Need.objects.filter(prestudy=prestudy).values_list("agency_id", flat=True))
    agencies |= set(NeedInterest.objects.active().filter(need__prestudy=prestudy).values_list("agency_id", flat=True))
    if prestudy.status == PreStudyStatus.PROCUREMENT_STARTED:
        subject = gettext_lazy("A procurement follows from pre-study %(reference)s")
        body = gettext_lazy("The purchasing body has concluded pre-study %(reference)s (%(title)s), which took up "
                            "a need of your agency, and starts a procurement. Reasons: %(reasons)s")
    else:
        subject = gettext_lazy("Pre-study %(reference)s is not pursued")
        body = gettext_lazy("The purchasing body has concluded pre-study %(reference)s (%(title)s), which took up "
                            "a need of your agency, and will not procure now. Reasons: %(reasons)s")
    notify(recipients=_members(agencies), kind=f"prestudy.{prestudy.status}", subject=subject, body=body,
           params={"reference": prestudy.reference, "title": prestudy.title, "reasons": prestudy.decision_reasons},
           url=reverse("prestudy:my_needs"))


def _tell_suppliers(prestudy: PreStudy) -> None:
    """The suppliers that answered the pre-study's requests for information learn the outcome, all with the same
    words and without the purchasing body's internal reasons (equal treatment)."""
    suppliers = set(RfiResponse.objects.filter(dialogue__prestudy=prestudy).values_list("supplier_id", flat=True))
    if not suppliers:
        return
    if prestudy.status == PreStudyStatus.PROCUREMENT_STARTED:
        subject = gettext_lazy("Pre-study %(reference)s leads to a procurement")
        body = gettext_lazy("Thank you for answering the request for information in pre-study %(reference)s "
                            "(%(title)s). The purchasing body has concluded it and will procure: the procurement is "
                            "advertised publicly, and every supplier may take part on the same terms.")
    else:
        subject = gettext_lazy("Pre-study %(reference)s does not lead to a procurement now")
        body = gettext_lazy("Thank you for answering the request for information in pre-study %(reference)s "
                            "(%(title)s). The purchasing body has concluded it and will not procure now.")
    dialogue = prestudy.dialogues.filter(responses__supplier_id__in=suppliers).first()
    notify(recipients=_members(suppliers), kind=f"prestudy.{prestudy.status}.supplier", subject=subject, body=body,
           params={"reference": prestudy.reference, "title": prestudy.title},
           url=reverse("prestudy:rfi_detail", args=[dialogue.pk]) if dialogue else "")


def _members(organisation_ids) -> list:
    return list({m.user.pk: m.user for m in Membership.objects.filter(organisation_id__in=organisation_ids)
                 .select_related("user")}.values())


# --- needs -----------------------------------------------------------------------------------------------------


@dataclass
class NeedInput:
    title: str
    problem: str
    current_situation: str
    desired_effects: str
    effect_measures: str
    affected: str
    volume: int
    volume_unit: str
    needed_year: int
    cpv_codes: list[CpvCode]
    urgency: str
    is_public: bool
    budget: Decimal | None = None
    needed_quarter: int | None = None
    needed_by: date | None = None
    region: NutsRegion | None = None


TEXTS = ("title", "problem", "current_situation", "desired_effects", "effect_measures", "affected", "volume_unit")


def _clean_need(given: NeedInput) -> None:
    problems = [Problem(name, _("Fill this in.")) for name in TEXTS if not str(getattr(given, name) or "").strip()]
    if given.volume is None or given.volume < 1:
        problems.append(Problem("volume", _("Give the volume per year as a whole number, at least 1.")))
    if given.budget is not None and given.budget < 0:
        problems.append(Problem("budget", _("The budget is zero or more.")))
    if not 2000 <= (given.needed_year or 0) <= 2100:
        problems.append(Problem("needed_year", _("Give the year, for example 2028.")))
    if given.needed_quarter is not None and not 1 <= given.needed_quarter <= 4:
        problems.append(Problem("needed_quarter", _("A quarter is 1, 2, 3 or 4.")))
    if given.needed_by is not None and (given.needed_by.year != given.needed_year or (
            given.needed_quarter and (given.needed_by.month - 1) // 3 + 1 != given.needed_quarter)):
        problems.append(Problem("needed_by", _("The date falls outside the year and quarter you gave.")))
    if not given.cpv_codes:
        problems.append(Problem("cpv_codes", _("Give at least one CPV code.")))
    if given.urgency not in Urgency.values:
        problems.append(Problem("urgency", _("Choose how urgent the need is.")))
    if problems:
        raise NeedError(_("Some of the need is missing or wrong: %(fields)s.") % {
            "fields": ", ".join(p.field for p in problems)}, code="invalid_need", problems=problems)


def _require_agency_member(actor, agency: Organisation) -> None:
    if agency.kind != OrganisationKind.AGENCY or agency not in agency_memberships(actor_for(actor)):
        raise NeedError(_("Only the agency's own people register and change its needs."), code="not_agency_member",
                        status=403)


def _need_payload(need: Need) -> dict:
    return {"title": need.title, "volume": need.volume, "volume_unit": need.volume_unit,
            "budget_given": need.budget is not None, "year": need.needed_year, "quarter": need.needed_quarter,
            "needed_by": need.needed_by.isoformat() if need.needed_by else None,
            "region": need.region_id, "urgency": need.urgency, "public": need.is_public,
            "cpv_codes": sorted(code.pk for code in need.cpv_codes.all())}


FIELDS = ("title", "problem", "current_situation", "desired_effects", "effect_measures", "affected", "volume",
          "volume_unit", "budget", "needed_year", "needed_quarter", "needed_by", "region", "urgency", "is_public")


def need_create(*, actor, agency: Organisation, given: NeedInput) -> Need:
    """Registers an agency's need. The budget is kept from everyone but the agency and the purchasing body: the
    audit log records that one was given, not the amount."""
    _require_agency_member(actor, agency)
    _clean_need(given)
    now = clock.now()
    with transaction.atomic():
        need = Need(agency=agency, created_by=actor, created_at=now, updated_at=now)
        _assign(need, given)
        need.save()
        need.cpv_codes.set(given.cpv_codes)
        audit_log(actor=actor, verb="need.created", obj=need, organisation=agency, payload=_need_payload(need))
    return need


def _assign(need: Need, given: NeedInput) -> None:
    for name in FIELDS:
        value = getattr(given, name)
        setattr(need, name, value.strip() if isinstance(value, str) else value)


def need_update(*, actor, need: Need, given: NeedInput) -> Need:
    """Changes a need. A need other agencies have joined stays public: they count on it."""
    _require_agency_member(actor, need.agency)
    _clean_need(given)
    with transaction.atomic():
        locked = Need.objects.select_for_update(no_key=True).get(pk=need.pk)
        if locked.is_public and not given.is_public and locked.interests.active().exists():
            raise NeedError(_("Other agencies have joined this need, so it stays public. They can withdraw first."),
                            code="joined_need_stays_public", status=409,
                            problems=[Problem("is_public", _("Other agencies have joined: the need stays public."))])
        before, budget_before = _need_payload(locked), locked.budget
        _assign(locked, given)
        locked.updated_at = clock.now()
        locked.save(update_fields=[*FIELDS, "updated_at"])
        locked.cpv_codes.set(given.cpv_codes)
        after = _need_payload(locked)
        budget_changed = budget_before != locked.budget
        changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
        audit_log(actor=actor, verb="need.updated", obj=locked, organisation=locked.agency,
                  payload=changed | ({"budget_changed": True} if budget_changed else {}))
    return locked


def need_link(*, actor, need: Need, prestudy: PreStudy | None) -> Need:
    """The purchasing body takes a need up in one of its open pre-studies (or lets it go: `prestudy=None`); the
    agency is told."""
    who = actor_for(actor)
    if prestudy is not None:
        _require_manager(actor, prestudy)
        if prestudy.is_decided or prestudy.status == PreStudyStatus.CONCLUDED:
            raise PreStudyError(_("A concluded pre-study takes up no more needs."), code="prestudy_concluded",
                                status=409)
    elif not (need.prestudy_id and need.prestudy.owner_id in who.managed_organisation_ids):
        raise PreStudyError(_("Only the purchasing body that took the need up lets it go."), code="not_manager",
                            status=403)
    previous = need.prestudy
    if previous is not None and previous.is_decided:
        raise PreStudyError(_("The need belongs to a decided pre-study and stays with it."), code="prestudy_decided",
                            status=409)
    with transaction.atomic():
        need.prestudy = prestudy
        need.save(update_fields=["prestudy"])
        audit_log(actor=actor, verb="need.linked" if prestudy else "need.unlinked", obj=need, organisation=need.agency,
                  payload={"prestudy": prestudy.reference if prestudy else None,
                           "previous": previous.reference if previous else None})
        if prestudy is not None:
            notify(recipients=_members([need.agency_id]), kind="prestudy.need_linked",
                   subject=gettext_lazy("Your need is part of pre-study %(reference)s"),
                   body=gettext_lazy("The purchasing body has taken up your need “%(need)s” in pre-study "
                                     "%(reference)s (%(title)s). You will be told how it concludes."),
                   params={"need": need.title, "reference": prestudy.reference, "title": prestudy.title},
                   url=reverse("prestudy:need_detail", args=[need.pk]))
    return need


def need_join(*, actor, need: Need, agency: Organisation, volume: int, needed_year: int,
              needed_quarter: int | None = None, region: NutsRegion | None = None, comment: str = "") -> NeedInterest:
    """Another agency has the same need: it joins with its own volume and time. The agency of the need is told."""
    _require_agency_member(actor, agency)
    if not need.is_public:
        raise NeedError(_("Only a public need can be joined."), code="need_not_public", status=409)
    if agency.pk == need.agency_id:
        raise NeedError(_("Your agency registered this need: change its volume instead of joining it."),
                        code="own_need")
    problems = []
    if volume is None or volume < 1:
        problems.append(Problem("volume", _("Give the volume per year as a whole number, at least 1.")))
    if not 2000 <= (needed_year or 0) <= 2100:
        problems.append(Problem("needed_year", _("Give the year, for example 2028.")))
    if needed_quarter is not None and not 1 <= needed_quarter <= 4:
        problems.append(Problem("needed_quarter", _("A quarter is 1, 2, 3 or 4.")))
    if problems:
        raise NeedError(problems[0].message, code="invalid_interest", problems=problems)
    try:
        with transaction.atomic():
            interest = NeedInterest.objects.create(
                need=need, agency=agency, volume=volume, needed_year=needed_year, needed_quarter=needed_quarter,
                region=region, comment=comment.strip(), created_by=actor, created_at=clock.now())
            audit_log(actor=actor, verb="need.joined", obj=need, organisation=agency,
                      payload={"agency": agency.name, "volume": volume, "year": needed_year,
                               "quarter": needed_quarter, "region": region.pk if region else None})
            notify(recipients=_members([need.agency_id]), kind="prestudy.need_joined",
                   subject=gettext_lazy("%(agency)s has the same need"),
                   body=gettext_lazy("%(agency)s has joined your need “%(need)s” with a volume of %(volume)s "
                                     "%(unit)s per year from %(when)s."),
                   params={"agency": agency.name, "need": need.title, "volume": volume, "unit": need.volume_unit,
                           "when": interest.when},
                   url=reverse("prestudy:need_detail", args=[need.pk]))
    except IntegrityError:
        raise NeedError(_("%(agency)s has already joined this need.") % {"agency": agency.name},
                        code="already_joined", status=409) from None
    return interest


def need_interest_withdraw(*, actor, interest: NeedInterest) -> NeedInterest:
    _require_agency_member(actor, interest.agency)
    with transaction.atomic():
        locked = NeedInterest.objects.select_for_update(no_key=True).get(pk=interest.pk)
        if locked.withdrawn_at is not None:
            raise NeedError(_("The interest is already withdrawn."), code="already_withdrawn", status=409)
        locked.withdrawn_at, locked.withdrawn_by = clock.now(), actor
        locked.save(update_fields=["withdrawn_at", "withdrawn_by"])
        audit_log(actor=actor, verb="need.interest_withdrawn", obj=locked.need, organisation=locked.agency,
                  payload={"agency": locked.agency.name, "volume": locked.volume})
        notify(recipients=_members([locked.need.agency_id]), kind="prestudy.interest_withdrawn",
               subject=gettext_lazy("%(agency)s no longer joins your need"),
               body=gettext_lazy("%(agency)s has withdrawn from your need “%(need)s”."),
               params={"agency": locked.agency.name, "need": locked.need.title},
               url=reverse("prestudy:need_detail", args=[locked.need_id]))
    return locked
