"""Needs surveys of a pre-study: written by the purchasing body, sent to agencies, answered once per agency and
changed until the deadline, reminded before it (each reminder once), aggregated per question.

"All entitled agencies of an area" is read from the data Innoköp has: an agency's sector (central government,
region, municipality, other). The purchasing body sends to the agencies it chooses, to every agency of one
sector, or to every agency registered in Innoköp; a sector rule is resolved when the survey is sent, so an agency
registered in between is asked too.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.accounts.models import Organisation, OrganisationKind, Sector
from innokop.accounts.permissions import actor_for
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.notifications import notify
from innokop.core.refusals import Problem

from ..models import (
    PreStudy,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAnswerItem,
    SurveyQuestion,
    SurveyReminder,
    SurveyStatus,
)
from ..permissions import agency_memberships
from . import PreStudyError, _members, _require_manager

ALL_AGENCIES = "all"
# Reminders to agencies that have not answered: a week and a day before the deadline, each once.
REMINDERS = {"week": timedelta(days=7), "day": timedelta(days=1)}
MAX_QUESTIONS = 40


class SurveyError(PreStudyError):
    code = "survey_refused"


def recipient_rule(sector: str | None) -> str:
    return f"sector:{sector}" if sector else "chosen"


def rule_label(survey: Survey) -> str:
    if survey.recipient_rule == "chosen":
        return _("Agencies chosen by the purchasing body")
    sector = survey.recipient_rule.partition(":")[2]
    if sector == ALL_AGENCIES:
        return _("Every agency in Innoköp")
    return _("Every agency of the sector: %(sector)s") % {"sector": Sector(sector).label}


def agencies_of(sector: str):
    agencies = Organisation.objects.filter(kind=OrganisationKind.AGENCY)
    return agencies if sector == ALL_AGENCIES else agencies.filter(sector=sector)


def _require_open_prestudy(prestudy: PreStudy) -> None:
    if not prestudy.is_open:
        raise SurveyError(_("The pre-study is concluded: it sends no more surveys."), code="prestudy_closed",
                          status=409)


def _clean_survey(*, title: str, introduction: str, deadline: datetime, agencies, sector: str | None) -> list:
    """The chosen agencies, or the refusal naming every field that is wrong."""
    problems = []
    if not title.strip():
        problems.append(Problem("title", _("Give the survey a title.")))
    if not introduction.strip():
        problems.append(Problem("introduction", _("Say why you ask and what the answers are used for.")))
    if deadline is None or deadline <= clock.now():
        problems.append(Problem("deadline", _("The last time to answer is in the future.")))
    if sector and sector != ALL_AGENCIES and sector not in Sector.values:
        problems.append(Problem("sector", _("Choose a sector.")))
    chosen = [agency for agency in agencies if agency.kind == OrganisationKind.AGENCY]
    if not sector and not chosen:
        problems.append(Problem("agencies", _("Choose the agencies to ask, or a sector.")))
    if problems:
        raise SurveyError(problems[0].message, code="invalid_survey", problems=problems)
    return chosen


def survey_create(*, actor, prestudy: PreStudy, title: str, introduction: str, deadline: datetime,
                  agencies=(), sector: str | None = None) -> Survey:
    """A draft survey: questions are added to it, then it is sent. `sector` ("all" or a `Sector` value) asks every
    agency of it; otherwise the `agencies` chosen."""
    _require_manager(actor, prestudy)
    _require_open_prestudy(prestudy)
    chosen = _clean_survey(title=title, introduction=introduction, deadline=deadline, agencies=agencies,
                           sector=sector)
    with transaction.atomic():
        survey = Survey.objects.create(prestudy=prestudy, title=title.strip(), introduction=introduction.strip(),
                                       deadline=deadline, recipient_rule=recipient_rule(sector), created_by=actor,
                                       created_at=clock.now())
        if not sector:
            survey.recipients.set(chosen)
        audit_log(actor=actor, verb="survey.created", obj=survey, organisation=prestudy.owner,
                  payload={"prestudy": prestudy.reference, "title": survey.title, "deadline": deadline.isoformat(),
                           "rule": survey.recipient_rule, "agencies": sorted(a.pk for a in chosen)})
    return survey


def survey_update(*, actor, survey: Survey, title: str, introduction: str, deadline: datetime, agencies=(),
                  sector: str | None = None) -> Survey:
    """Changes a draft survey: its title, introduction, deadline and who is asked."""
    _require_manager(actor, survey.prestudy)
    chosen = _clean_survey(title=title, introduction=introduction, deadline=deadline, agencies=agencies,
                           sector=sector)
    with transaction.atomic():
        locked = Survey.objects.select_for_update(no_key=True).get(pk=survey.pk)
        _require_draft(locked)
        locked.title, locked.introduction, locked.deadline = title.strip(), introduction.strip(), deadline
        locked.recipient_rule = recipient_rule(sector)
        locked.save(update_fields=["title", "introduction", "deadline", "recipient_rule"])
        locked.recipients.set([] if sector else chosen)
        audit_log(actor=actor, verb="survey.updated", obj=locked, organisation=locked.prestudy.owner,
                  payload={"title": locked.title, "deadline": deadline.isoformat(), "rule": locked.recipient_rule,
                           "agencies": sorted(a.pk for a in chosen)})
    survey.refresh_from_db()
    return survey


def _require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise SurveyError(_("The survey is sent: its questions no longer change."), code="survey_sent", status=409)


def survey_question_add(*, actor, survey: Survey, kind: str, text: str, choices: str = "",
                        required: bool = False) -> SurveyQuestion:
    _require_manager(actor, survey.prestudy)
    _require_draft(survey)
    problems = []
    if kind not in QuestionKind.values:
        problems.append(Problem("kind", _("Choose the kind of question.")))
    if not text.strip():
        problems.append(Problem("text", _("Write the question.")))
    options = [line.strip() for line in choices.splitlines() if line.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
        problems.append(Problem("choices", _("Give at least two choices, one per line.")))
    if len(set(options)) != len(options):
        problems.append(Problem("choices", _("Each choice is given once.")))
    if problems:
        raise SurveyError(problems[0].message, code="invalid_question", problems=problems)
    with transaction.atomic():
        locked = Survey.objects.select_for_update(no_key=True).get(pk=survey.pk)
        _require_draft(locked)
        position = (locked.questions.order_by("-position").values_list("position", flat=True).first() or 0) + 1
        if position > MAX_QUESTIONS:
            raise SurveyError(_("A survey has at most %(count)s questions.") % {"count": MAX_QUESTIONS},
                              code="too_many_questions")
        question = SurveyQuestion.objects.create(
            survey=locked, position=position, kind=kind, text=text.strip(), required=required,
            choices="\n".join(options) if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) else "")
        audit_log(actor=actor, verb="survey.question_added", obj=locked, organisation=locked.prestudy.owner,
                  payload={"position": position, "kind": kind, "text": question.text, "choices": question.choice_list,
                           "required": required})
    return question


def survey_question_remove(*, actor, question: SurveyQuestion) -> None:
    survey = question.survey
    _require_manager(actor, survey.prestudy)
    _require_draft(survey)
    with transaction.atomic():
        audit_log(actor=actor, verb="survey.question_removed", obj=survey, organisation=survey.prestudy.owner,
                  payload={"position": question.position, "text": question.text})
        question.delete()


def survey_send(*, actor, survey: Survey) -> Survey:
    """Sends the survey to its agencies (a sector rule is resolved now); their members are told."""
    _require_manager(actor, survey.prestudy)
    _require_open_prestudy(survey.prestudy)
    with transaction.atomic():
        locked = Survey.objects.select_for_update(no_key=True).select_related("prestudy__owner").get(pk=survey.pk)
        _require_draft(locked)
        if not locked.questions.exists():
            raise SurveyError(_("Add at least one question before you send the survey."), code="no_questions")
        if locked.deadline <= clock.now():
            raise SurveyError(_("The last time to answer has passed: change it before you send."),
                              code="deadline_passed", problems=[Problem("deadline", _("Give a later time."))])
        if locked.recipient_rule != "chosen":
            locked.recipients.set(agencies_of(locked.recipient_rule.partition(":")[2]))
        agencies = list(locked.recipients.all())
        if not agencies:
            raise SurveyError(_("No agency matches the rule: choose the agencies instead."), code="no_recipients")
        locked.move_to(SurveyStatus.SENT)
        locked.sent_at, locked.sent_by = clock.now(), actor
        locked.save(update_fields=["status", "sent_at", "sent_by"])
        audit_log(actor=actor, verb="survey.sent", obj=locked, organisation=locked.prestudy.owner,
                  payload={"agencies": sorted(a.pk for a in agencies), "deadline": locked.deadline.isoformat()})
        notify(recipients=_members([a.pk for a in agencies]), kind="prestudy.survey_sent",
               subject=gettext_lazy("A survey from %(body)s: %(title)s"),
               body=gettext_lazy("%(body)s asks your agency about its needs in pre-study %(reference)s "
                                 "(%(prestudy)s). Answer by %(deadline)s; one answer per agency, which you may change "
                                 "until then."),
               params={"body": locked.prestudy.owner.name, "title": locked.title, "deadline": locked.deadline,
                       "reference": locked.prestudy.reference, "prestudy": locked.prestudy.title},
               url=reverse("prestudy:survey_answer", args=[locked.pk]))
    survey.refresh_from_db()
    return survey


def _clean_value(question: SurveyQuestion, raw) -> tuple[dict, Problem | None]:
    """The stored form of one answer, or the problem with it."""
    field = f"q_{question.pk}"
    if question.kind == QuestionKind.TEXT:
        text = str(raw or "").strip()
        if len(text) > 5000:
            return {}, Problem(field, _("Write at most 5000 characters."))
        return ({"text": text} if text else {}), None
    if question.kind == QuestionKind.NUMBER:
        if raw in (None, ""):
            return {}, None
        try:
            number = Decimal(str(raw).replace(" ", "").replace(",", "."))
        except InvalidOperation:
            return {}, Problem(field, _("Give a number."))
        if not number.is_finite() or abs(number) >= Decimal("1e14") or number != number.quantize(Decimal("0.01")):
            return {}, Problem(field, _("Give a number with at most two decimals."))
        return {"number": number}, None
    if question.kind == QuestionKind.SINGLE or isinstance(raw, str):
        chosen = [raw] if raw not in (None, "") else []
    else:
        chosen = list(raw or [])
    options = question.choice_list
    if any(choice not in options for choice in chosen):
        return {}, Problem(field, _("Choose among the choices given."))
    return ({"chosen": [c for c in options if c in chosen]} if chosen else {}), None


def survey_answer(*, actor, survey: Survey, agency: Organisation, values: dict) -> SurveyAnswer:
    """An agency answers (or changes its answer) until the deadline, read from the clock. `values` maps a question's
    id to its answer: text, a number, a choice or a list of choices."""
    if agency.kind != OrganisationKind.AGENCY or agency not in agency_memberships(actor_for(actor)):
        raise SurveyError(_("Only the agency's own people answer for it."), code="not_agency_member", status=403)
    if not survey.recipients.filter(pk=agency.pk).exists() or survey.status != SurveyStatus.SENT:
        raise SurveyError(_("The survey was not sent to %(agency)s.") % {"agency": agency.name},
                          code="not_asked", status=403)
    now = clock.now()
    if not survey.is_open(now):
        raise SurveyError(_("The last time to answer has passed."), code="survey_closed", status=409)
    questions = list(survey.questions.all())
    cleaned, problems = {}, []
    for question in questions:
        value, problem = _clean_value(question, values.get(question.pk))
        if problem is None and question.required and not value:
            problem = Problem(f"q_{question.pk}", _("Answer this question."))
        if problem:
            problems.append(problem)
        cleaned[question] = value
    if problems:
        raise SurveyError(_("Some answers are missing or wrong."), code="invalid_answer", problems=problems)
    with transaction.atomic():
        try:
            with transaction.atomic():
                answer, created = SurveyAnswer.objects.select_for_update(no_key=True).get_or_create(
                    survey=survey, agency=agency,
                    defaults={"answered_by": actor, "created_at": now, "updated_at": now})
        except IntegrityError:  # two colleagues at once: the second changes the first one's answer
            answer, created = SurveyAnswer.objects.select_for_update(no_key=True).get(survey=survey, agency=agency), False
        answer.answered_by, answer.updated_at = actor, now
        answer.save(update_fields=["answered_by", "updated_at"])
        answer.items.all().delete()
        SurveyAnswerItem.objects.bulk_create([
            SurveyAnswerItem(answer=answer, question=question, text=value.get("text", ""), number=value.get("number"),
                             chosen=value.get("chosen", [])) for question, value in cleaned.items() if value])
        audit_log(actor=actor, verb="survey.answered" if created else "survey.answer_changed", obj=survey,
                  organisation=agency, payload={"agency": agency.name, "answered": sum(1 for v in cleaned.values() if v)})
    return answer


# --- reminders -------------------------------------------------------------------------------------------------


def survey_reminders_send(*, now: datetime | None = None) -> int:
    """Reminds the agencies that have not answered, a week and a day before the deadline; returns how many were
    sent. Each (survey, agency, kind) goes once: the `SurveyReminder` row is written in the same transaction as
    the notification, so a task run twice, or two workers at once, send it once. A reminder whose moment came
    before the survey was sent is not sent."""
    now = now or clock.now()
    sent = 0
    surveys = Survey.objects.filter(status=SurveyStatus.SENT, deadline__gt=now).select_related("prestudy__owner")
    for survey in surveys:
        for kind, before in REMINDERS.items():
            if not (survey.sent_at < survey.deadline - before <= now):
                continue
            answered = survey.answers.values("agency_id")
            for agency in survey.recipients.exclude(pk__in=answered):
                if _remind(survey, agency, kind):
                    sent += 1
    return sent


def _remind(survey: Survey, agency: Organisation, kind: str) -> bool:
    try:
        with transaction.atomic():
            SurveyReminder.objects.create(survey=survey, agency=agency, kind=kind, sent_at=clock.now())
            notify(recipients=_members([agency.pk]), kind=f"prestudy.survey_reminder_{kind}",
                   subject=gettext_lazy("Reminder: the survey “%(title)s” closes %(deadline)s"),
                   body=gettext_lazy("%(body)s has not yet had your agency's answer to the survey “%(title)s” in "
                                     "pre-study %(reference)s. Answer by %(deadline)s."),
                   params={"title": survey.title, "deadline": survey.deadline, "body": survey.prestudy.owner.name,
                           "reference": survey.prestudy.reference},
                   url=reverse("prestudy:survey_answer", args=[survey.pk]))
            audit_log(actor=None, verb=f"survey.reminded_{kind}", obj=survey, organisation=agency,
                      payload={"agency": agency.name})
    except IntegrityError:
        return False
    return True


# --- results ---------------------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    counts: list[tuple[str, int]]  # choice → how many agencies chose it
    texts: list[tuple[str, str]]  # agency name, text
    numbers: list[Decimal]
    chart: object = None  # the page's chart of a choice question (`core.charts.Chart`)

    @property
    def total(self) -> Decimal | None:
        return sum(self.numbers, Decimal(0)) if self.numbers else None

    @property
    def median(self) -> Decimal | None:
        return statistics.median(self.numbers) if self.numbers else None


@dataclass
class SurveyResults:
    asked: int
    answered: int
    by_sector: list[tuple[str, int, int]]  # sector label, asked, answered
    questions: list[QuestionResult]

    @property
    def rate(self) -> Decimal | None:
        return (Decimal(self.answered) * 100 / self.asked).quantize(Decimal("0.1")) if self.asked else None


def survey_results(survey: Survey) -> SurveyResults:
    """The response rate (by sector) and every question's answers: counts per choice, the numbers' sum and median,
    the free texts with their agency. A fixed number of queries, whatever the number of answers."""
    recipients = list(survey.recipients.all())
    answers = list(survey.answers.select_related("agency").prefetch_related("items"))
    answered_ids = {answer.agency_id for answer in answers}
    sectors: dict[str, list[int]] = {}
    for agency in recipients:
        label = str(Sector(agency.sector).label) if agency.sector else _("Sector not given")
        row = sectors.setdefault(label, [0, 0])
        row[0] += 1
        row[1] += agency.pk in answered_ids
    items = {}
    for answer in answers:
        for item in answer.items.all():
            items.setdefault(item.question_id, []).append((answer.agency.name, item))
    results = []
    for question in survey.questions.all():
        given = items.get(question.pk, [])
        counts = [(choice, sum(1 for _name, item in given if choice in item.chosen)) for choice in question.choice_list]
        results.append(QuestionResult(
            question=question, answered=len(given), counts=counts,
            texts=[(name, item.text) for name, item in given if item.text],
            numbers=sorted(item.number for _name, item in given if item.number is not None)))
    return SurveyResults(asked=len(recipients), answered=len(answered_ids & {a.pk for a in recipients}),
                         by_sector=[(label, row[0], row[1]) for label, row in sorted(sectors.items())],
                         questions=results)
