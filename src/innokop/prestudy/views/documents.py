"""Pages for requests for public documents: the public form (anyone, anonymous allowed), the requester's page behind
a signed link, the reviewers' part-by-part review, and a supplier's secrecy request on its tender."""

from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import calendar, clock
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.ratelimit import rate_limit
from innokop.core.refusals import REFUSALS

from .. import redaction
from ..models import (
    DialogueStatus,
    DocumentRequest,
    DocumentRequestStatus,
    MarketDialogue,
    SecrecyProvision,
    TenderSecrecyRequest,
)
from ..permissions import get_document_request_for_reviewer, get_own_tender
from ..services import documents as services


class DocumentRequestForm(forms.Form):
    dialogue = forms.ModelChoiceField(
        label=gettext_lazy("Answers to a request for information"), required=False,
        queryset=MarketDialogue.objects.filter(status=DialogueStatus.PUBLISHED).order_by("-published_at"),
        help_text=gettext_lazy("Choose the request for information whose answers you ask for, or give a call-off."))
    calloff_reference = forms.CharField(label=gettext_lazy("Or: the reference of a call-off whose tenders you ask for"),
                                        required=False, max_length=20)
    description = forms.CharField(label=gettext_lazy("What do you ask for?"), widget=forms.Textarea(attrs={"rows": 4}),
                                  help_text=gettext_lazy("For example: the answer from a named supplier."))
    name = forms.CharField(label=gettext_lazy("Your name (optional)"), required=False, max_length=200,
                           help_text=gettext_lazy("You do not have to say who you are."))
    email = forms.EmailField(label=gettext_lazy("E-mail address for the answer (optional)"), required=False)


class PartForm(forms.Form):
    released = forms.TypedChoiceField(
        label=gettext_lazy("Decision on the part"), widget=forms.RadioSelect, coerce=lambda value: value == "yes",
        choices=[("yes", gettext_lazy("Released")), ("no", gettext_lazy("Withheld"))])
    provision = forms.ChoiceField(label=gettext_lazy("Provision (when withheld)"), required=False,
                                  choices=[("", "–"), *SecrecyProvision.choices])
    reasons = forms.CharField(label=gettext_lazy("Reasons (when withheld)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    provision.conditionally_required = True
    reasons.conditionally_required = True


class DecisionForm(forms.Form):
    reasons = forms.CharField(label=gettext_lazy("Reasons for the decision"), widget=forms.Textarea(attrs={"rows": 4}))


class SecrecyForm(forms.Form):
    parts = forms.CharField(label=gettext_lazy("Which parts of the tender should be secret?"),
                            widget=forms.Textarea(attrs={"rows": 3}))
    reasons = forms.CharField(label=gettext_lazy("Why would disclosing them harm your business (OSL 31:16)?"),
                              widget=forms.Textarea(attrs={"rows": 4}))


@rate_limit("document_request")
@require_http_methods(["GET", "POST"])
def document_request_new(request):
    initial = {}
    if request.GET.get("dialogue", "").isdigit():
        initial["dialogue"] = int(request.GET["dialogue"])
    form = DocumentRequestForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registered = services.document_request_register(
                actor=request.user, dialogue=data["dialogue"], calloff_reference=data["calloff_reference"],
                description=data["description"], name=data["name"], email=data["email"],
                language=translation.get_language() or "sv")
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request is registered. Keep the address of this page to follow it."))
            return redirect("prestudy:document_request_status", services.request_token(registered))
    return render(request, "prestudy/documents/request_form.html", {
        "form": form, "days": settings.INNOKOP_DOCUMENT_REQUEST_DAYS},
                  status=422 if form.errors else 200)


def _by_token(token: str) -> DocumentRequest:
    found = services.request_from_token(token)
    if found is None:
        raise Http404
    return found


@require_safe
def document_request_status(request, token: str):
    found = _by_token(token)
    return render(request, "prestudy/documents/status.html", {
        "found": found, "token": token, "title": redaction.document_title(found),
        "appeal": redaction.appeal_both_languages() if found.is_decided else []})


@require_safe
def document_request_copy(request, token: str):
    found = _by_token(token)
    if found.copy_id is None:
        raise Http404
    version = found.copy.versions.order_by("-number").first()
    with version.file.open("rb") as file:
        data = file.read()
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}.pdf"'
    return response


@login_required
@require_safe
def document_request_list(request):
    today = calendar.local_date(clock.now())
    found = DocumentRequest.objects.reviewed_by(request.actor).select_related("dialogue", "calloff")
    return render(request, "prestudy/documents/list.html", {
        "requests": [(item, item.is_overdue(today)) for item in found]})


@login_required
@require_safe
def document_request_detail(request, pk: int):
    found = get_document_request_for_reviewer(request.actor, pk)
    return _detail(request, found)


def _detail(request, found, *, part_form=None, failed_part=None, decision_form=None, status=200):
    today = calendar.local_date(clock.now())
    parts = [(part, part_form if failed_part == part.pk else PartForm(prefix=f"part{part.pk}", initial={
        "released": {True: "yes", False: "no"}.get(part.released), "provision": part.provision,
        "reasons": part.reasons})) for part in found.parts.all()]
    sealed = bool(found.calloff_id) and not services.has_award_decision(found.calloff)
    return render(request, "prestudy/documents/detail.html", {
        "found": found, "title": redaction.document_title(found), "overdue": found.is_overdue(today),
        "documents": services.reviewable_documents(found) if found.status == DocumentRequestStatus.REGISTERED else [],
        "sealed": sealed, "parts": parts, "secrecy": services.secrecy_request_of(found),
        "decision_form": decision_form or DecisionForm(), "token": services.request_token(found),
        "all_decided": all(part.released is not None for part in found.parts.all()),
        "appeal": redaction.appeal_both_languages()}, status=status)


@login_required
@require_POST
def document_request_review(request, pk: int):
    found = get_document_request_for_reviewer(request.actor, pk)
    document = request.POST.get("document", "")
    # `partial`: the service's own argument is also called `request`.
    service_button(request, partial(services.document_request_review, request=found,
                                    document_pk=int(document) if document.isdigit() else 0),
                   _("The review has started: decide each part."))
    return redirect("prestudy:document_request_detail", found.pk)


@login_required
@require_POST
def document_request_refuse(request, pk: int):
    found = get_document_request_for_reviewer(request.actor, pk)
    service_button(request, partial(services.document_request_refuse_sealed, request=found),
                   _("The request is refused under OSL 19:3; the decision is recorded."))
    return redirect("prestudy:document_request_detail", found.pk)


@login_required
@require_POST
def document_request_part(request, pk: int, part_pk: int):
    found = get_document_request_for_reviewer(request.actor, pk)
    part = found.parts.filter(pk=part_pk).first()
    if part is None:
        raise Http404
    form = PartForm(request.POST, prefix=f"part{part.pk}")
    if form.is_valid():
        try:
            services.document_request_part_decide(actor=request.user, request=found, part=part, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Part %(number)s is decided.") % {"number": part.number})
            return redirect("prestudy:document_request_detail", found.pk)
    return _detail(request, found, part_form=form, failed_part=part.pk, status=422)


@login_required
@require_POST
def document_request_decide(request, pk: int):
    found = get_document_request_for_reviewer(request.actor, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.document_request_decide(actor=request.user, request=found, reasons=form.cleaned_data["reasons"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The decision is recorded and the copy is made."))
            return redirect("prestudy:document_request_detail", found.pk)
    return _detail(request, found, decision_form=form, status=422)


@login_required
@require_http_methods(["GET", "POST"])
def tender_secrecy(request, pk: int):
    tender = get_own_tender(request.actor, pk)
    asked = TenderSecrecyRequest.objects.filter(tender=tender).first()
    form = SecrecyForm(posted(request), initial={"parts": asked.parts, "reasons": asked.reasons} if asked else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_secrecy_request(actor=request.user, tender=tender, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your request for secrecy is recorded. It is reviewed if someone asks for "
                                        "the tender after the award decision."))
            return redirect("prestudy:tender_secrecy", tender.pk)
    return render(request, "prestudy/documents/tender_secrecy.html", {"tender": tender, "form": form, "asked": asked},
                  status=422 if form.errors else 200)
