"""Pages of the award decision and the contract, and the call-off page's section from opening to contract.

Writing the decision and signing the contract are the team's (404 outside the agency, 403 for
colleagues outside the team). The decision is read by the agency, by every tenderer and by the
purchasing body that owns the agreement; the contract by the agency and the contracted supplier
(`may_read_decision`, `may_read_contract`).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import translation
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from innokop.core import clock
from innokop.core.forms import add_service_errors, posted
from innokop.core.refusals import REFUSALS

from .. import decision_documents
from ..award_forms import ContractForm, DecisionForm
from ..models import DECISION_LANGUAGE, AwardDecision, CallOff, CallOffStatus, OpeningRecord
from ..permissions import (
    get_calloff_for_agency,
    get_contract_for_actor,
    get_decision_for_actor,
    is_agency_member,
    is_team_member,
    may_read_contract,
    may_read_decision,
    tenders_sealed,
)
from ..services import award as awarding
from ..services import opening


def _tasks(calloff: CallOff, now, *, is_team: bool) -> list[dict]:
    """The agency's steps from opening to contract, each with where to go and how far it has come.

    Colleagues outside the team get links only to what they may read: no link to write the decision
    or to sign the contract.
    """
    status, after = calloff.status, opening.AFTER_OPENING
    done, todo, later = _("Completed"), _("Not started"), _("Cannot start yet")
    if status in after:
        opened = done
    elif calloff.may_open(now):
        opened = _("Waiting for a second person") if OpeningRecord.objects.filter(calloff=calloff).exists() else todo
    else:
        opened = later
    evaluated = done if status in after - {CallOffStatus.OPENED} else (
        _("In progress") if status == CallOffStatus.OPENED else later)
    decided = done if status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED) else (
        todo if status == CallOffStatus.EVALUATED else later)
    signed = done if status == CallOffStatus.CONTRACTED else (
        todo if status in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED) else later)
    decision_url = ("calloffs:award_decision" if status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
                    else "calloffs:decision_prepare")
    contract_url = "calloffs:contract_detail" if status == CallOffStatus.CONTRACTED else "calloffs:contract_sign"
    tasks = [
        {"key": "opening", "label": _("Open the tenders, two people together"), "url": "calloffs:opening",
         "status": opened},
        {"key": "evaluation", "label": _("Qualify, score and rank the tenders"), "url": "calloffs:evaluation_overview",
         "status": evaluated, "active": status in after},
        {"key": "decision", "label": _("Send the award decision"), "url": decision_url, "status": decided,
         "active": status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
         or (is_team and status == CallOffStatus.EVALUATED)},
        {"key": "contract", "label": _("Sign the call-off contract"), "url": contract_url, "status": signed,
         "active": status == CallOffStatus.CONTRACTED
         or (is_team and status in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED))},
    ]
    tasks[0]["active"] = True
    if not calloff.is_renewed_competition:
        tasks = tasks[3:]
    for task in tasks:
        task["kind"] = "done" if task["status"] == done else "later" if task["status"] == later else "todo"
    return tasks


def detail_context(request, calloff: CallOff, now, *, agency: bool) -> dict:
    """The award section of the call-off page. Before the opening it shows nothing about tenders (rule 6)."""
    if calloff.published_at is None:
        return {"award": None}
    if agency:
        if calloff.status == CallOffStatus.CANCELLED:
            if not OpeningRecord.objects.filter(calloff=calloff, opened_at__isnull=False).exists():
                return {"award": None}
            return {"award": {"tasks": [{"key": "opening", "label": _("Opening record"), "url": "calloffs:opening",
                                         "status": _("Completed"), "active": True, "kind": "done"}]}}
        tasks = _tasks(calloff, now, is_team=is_team_member(request.actor, calloff))
        return {"award": {"tasks": tasks, "deadline": calloff.tender_deadline,
                          "sealed": tenders_sealed(calloff, now)}}
    reads_decision = (calloff.status in (CallOffStatus.AWARDED, CallOffStatus.CONTRACTED)
                      and may_read_decision(request.actor, calloff))
    has_contract = calloff.status == CallOffStatus.CONTRACTED and may_read_contract(request.actor, calloff)
    if not (reads_decision or has_contract):
        return {"award": None}
    return {"award": {"decision": reads_decision, "contract": has_contract}}


# --- the award decision --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def decision_prepare(request, pk: int):
    """Write the decision, check it as the tenderers will read it, and send it."""
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    if calloff.status != CallOffStatus.EVALUATED:
        messages.info(request, _("The award decision is written once the evaluation is completed."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    initial = awarding.decision_prefill(calloff) | {"standstill": "yes",
                                                    "evaluation": awarding.evaluation_version(calloff)}
    form = DecisionForm(posted(request), initial=initial)
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid() and action in ("preview", "send"):
        data = form.cleaned_data
        if action == "preview":
            content = awarding.decision_preview(calloff, request.actor, reasons=data["reasons"],
                                                advantages=data["advantages"], standstill=data["standstill"])
            return render(request, "calloffs/award/decision_preview.html", {
                "calloff": calloff, "form": form, "content": content,
                "standstill_text": decision_documents.standstill_text(content)})
        try:
            awarding.award_decision_send(actor=request.user, calloff=calloff, **data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The award decision is sent to every tenderer."))
            return redirect("calloffs:award_decision", pk=calloff.pk)
    return render(request, "calloffs/award/decision_prepare.html", {"calloff": calloff, "form": form})


def _version(request, default: str) -> str:
    """The language a decision is read in: the one asked for (`?language=`), or `default`."""
    asked = request.GET.get("language", "")
    return asked if asked in dict(settings.LANGUAGES) else default


IN_LANGUAGE = {"sv": gettext_lazy("in Swedish"), "en": gettext_lazy("in English")}


def _versions() -> list[dict]:
    """The decision in each language, named in the page's language: the Swedish text is the legal one."""
    return [{"code": code, "in_language": IN_LANGUAGE.get(code, get_language_info(code)["name_translated"]),
             "legal": code == DECISION_LANGUAGE} for code, _name in settings.LANGUAGES]


@login_required
@require_safe
def award_decision(request, pk: int):
    """The decision in the page's language, or the one asked for; the Swedish text is the legal one."""
    calloff = get_decision_for_actor(request.actor, pk).calloff
    version = _version(request, translation.get_language())
    with translation.override(version):
        content = awarding.decision_content(calloff, request.actor)
        standstill_text = decision_documents.standstill_text(content)
        version_note = decision_documents.version_note(content)
    return render(request, "calloffs/award/decision.html", {
        "calloff": calloff, "content": content, "version": version, "version_note": version_note,
        "versions": _versions(), "page_language": translation.get_language(),
        "is_team": is_agency_member(request.actor, calloff) and is_team_member(request.actor, calloff),
        "may_see_calloff": CallOff.objects.visible_to(request.actor).filter(pk=calloff.pk).exists(),
        "may_read_contract": may_read_contract(request.actor, calloff),
        "standstill_text": standstill_text})


def _document(request, pk: int, render_document, content_type: str, extension: str) -> HttpResponse:
    """The decision as a document: the Swedish legal text, or a version in the language asked for."""
    calloff = get_decision_for_actor(request.actor, pk).calloff
    with translation.override(_version(request, DECISION_LANGUAGE)):
        content = awarding.decision_content(calloff, request.actor)
        document = render_document(content)
        name = decision_documents.filename(content, extension)
    response = HttpResponse(document, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def award_decision_pdf(request, pk: int):
    return _document(request, pk, decision_documents.decision_pdf, decision_documents.PDF_CONTENT_TYPE, "pdf")


@login_required
@require_safe
def award_decision_docx(request, pk: int):
    return _document(request, pk, decision_documents.decision_docx, decision_documents.DOCX_CONTENT_TYPE, "docx")


# --- the contract ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def contract_sign(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    if calloff.status == CallOffStatus.CONTRACTED:
        return redirect("calloffs:contract_detail", pk=calloff.pk)
    if calloff.status not in (CallOffStatus.AWARDED, CallOffStatus.ACCEPTED):
        messages.info(request, _("The contract is signed after the award decision, or after a supplier accepts "
                                 "the offer in ranking order."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    form = ContractForm(posted(request), initial=awarding.contract_defaults(calloff))
    if request.method == "POST" and form.is_valid():
        try:
            awarding.contract_sign(actor=request.user, calloff=calloff, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contract is signed and ready for follow-up."))
            return redirect("calloffs:contract_detail", pk=calloff.pk)
    decision = calloff.decision if calloff.status == CallOffStatus.AWARDED else None
    return render(request, "calloffs/award/contract_sign.html", {
        "calloff": calloff, "form": form, "supplier": awarding.contract_supplier(calloff),
        "locked": decision is not None and awarding.signing_locked(decision, clock.now()),
        "opens_at": awarding.signing_opens_at(decision) if decision else None, "decision": decision,
        "requirements": calloff.requirements.order_by("identifier")})


@login_required
@require_safe
def contract_detail(request, pk: int):
    contract = get_contract_for_actor(request.actor, pk)
    return render(request, "calloffs/award/contract.html", {
        "calloff": contract.calloff, "contract": contract,
        "has_decision": AwardDecision.objects.filter(calloff_id=contract.calloff_id).exists(),
        "requirements": contract.requirements.order_by("identifier")})


urlpatterns = [
    path("call-offs/<int:pk>/decision/prepare/", decision_prepare, name="decision_prepare"),
    path("call-offs/<int:pk>/decision/", award_decision, name="award_decision"),
    path("call-offs/<int:pk>/decision/pdf/", award_decision_pdf, name="award_decision_pdf"),
    path("call-offs/<int:pk>/decision/docx/", award_decision_docx, name="award_decision_docx"),
    path("call-offs/<int:pk>/contract/sign/", contract_sign, name="contract_sign"),
    path("call-offs/<int:pk>/contract/", contract_detail, name="contract_detail"),
]
