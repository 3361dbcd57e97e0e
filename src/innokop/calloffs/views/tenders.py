"""Pages of the call-off's tenders section: the supplier builds, checks, submits, withdraws and replaces its tender.

Every tender page is the supplier's own: the agency gets 404 (a supplier's tender is not its to
see, and a 404 says nothing about whether one exists), a user of an invited supplier who is not
its representative gets 403. The agency's section of the call-off page reads nothing about tenders
at all before opening, so nothing in it can depend on whether, or how many, tenders exist (rule 6).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import clock
from innokop.core.forms import add_service_errors
from innokop.core.refusals import REFUSALS

from ..models import CallOff, CallOffStatus, TenderSubmission
from ..permissions import get_tendering_supplier, represented_supplier
from ..services import CallOffError, tenders
from ..tender_forms import AttachmentForm, SubmitForm, TenderForm


def _closed(request, calloff: CallOff):
    """Tender pages that change something are only for while tenders are taken: say why, go back."""
    if calloff.status == CallOffStatus.CANCELLED:
        messages.info(request, _("The call-off is cancelled, so tenders can no longer be submitted or changed."))
    else:
        messages.info(request, _("Tenders can no longer be submitted or changed: the tender deadline has passed."))
    return redirect("calloffs:calloff_detail", pk=calloff.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tender_edit(request, pk: int):
    """The tender form: "Save draft", "Save and check", and with JavaScript an autosave (an HTMX partial)."""
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    if not calloff.may_tender(clock.now()) and request.method == "GET":
        return _closed(request, calloff)
    tender = tenders.tender_of(calloff, supplier)
    previous, scope = tenders.read_draft(tender), tenders.tender_scope(calloff)
    form = TenderForm(request.POST or None, scope=scope, initial=TenderForm.initial_from(previous))
    saved = None
    if request.method == "POST":
        saved = _save(request, calloff, form, previous)
        if request.htmx:
            return render(request, "calloffs/tenders/draft_status.html", {"saved": saved, "form": form})
        if saved and not form.errors:
            if request.POST.get("action") == "check":
                return redirect("calloffs:tender_check", pk=calloff.pk)
            messages.success(request, _("Your draft is saved. Only your company's representatives can read it."))
            return redirect("calloffs:tender_edit", pk=calloff.pk)
    return render(request, "calloffs/tenders/edit.html", _page(calloff, supplier, tender) | {
        "form": form, "saved": saved, "attachments": previous.attachments})


def _save(request, calloff: CallOff, form: TenderForm, previous):
    """Saves what could be read; amounts that could not be read, and prices above the ceiling, become errors."""
    form.is_valid()  # every field is optional: errors are only amounts that could not be read
    content = form.content(previous)
    try:
        tender = tenders.tender_save_draft(actor=request.user, calloff=calloff, content=content)
    except REFUSALS as error:
        add_service_errors(form, error)
        return None
    for refusal in tenders.price_refusals(form.scope, content):
        if refusal.field not in form.errors:
            form.add_error(refusal.field, refusal.message)
    return tender


def _page(calloff: CallOff, supplier, tender) -> dict:
    return {"calloff": calloff, "supplier": supplier, "tender": tender,
            "current": tenders.current_submission(tender), "caps": _caps()}


def _caps() -> dict:
    return {"file_mb": tenders.ATTACHMENT_MAX_BYTES // 1_048_576,
            "total_mb": tenders.ATTACHMENTS_MAX_TOTAL_BYTES // 1_048_576, "count": tenders.ATTACHMENTS_MAX_COUNT}


@login_required
@require_http_methods(["GET", "POST"])
def tender_attachments(request, pk: int):
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    if not calloff.may_tender(clock.now()) and request.method == "GET":
        return _closed(request, calloff)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = tenders.tender_attachment_add(actor=request.user, calloff=calloff,
                                                  uploaded=form.cleaned_data["file"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s is attached to your draft.") % {"name": added.name})
            return redirect("calloffs:tender_attachments", pk=calloff.pk)
    tender = tenders.tender_of(calloff, supplier)
    attachments = tenders.read_draft(tender).attachments
    return render(request, "calloffs/tenders/attachments.html", _page(calloff, supplier, tender) | {
        "form": form, "attachments": attachments, "total": sum(a.size for a in attachments)})


@login_required
@require_POST
def tender_attachment_remove(request, pk: int, sha256: str):
    calloff, _supplier = get_tendering_supplier(request.actor, pk)
    try:
        removed = tenders.tender_attachment_remove(actor=request.user, calloff=calloff, sha256=sha256)
    except CallOffError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is removed from your draft.") % {"name": removed.name})
    return redirect("calloffs:tender_attachments", pk=calloff.pk)


@login_required
@require_http_methods(["GET", "POST"])
def tender_check(request, pk: int):
    """Check your answers; the POST seals exactly the draft that was shown (its SHA-256 is sent back)."""
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    now = clock.now()
    if not calloff.may_tender(now) and request.method == "GET":
        return _closed(request, calloff)
    form, refusal = SubmitForm(request.POST or None), None
    if request.method == "POST":
        try:
            expected = form.cleaned_data["expected_sha256"] if form.is_valid() else "-"
            submission = tenders.tender_submit(actor=request.user, calloff=calloff, expected_sha256=expected)
        except CallOffError as error:
            refusal = error
        else:
            messages.success(request, _("Your tender is sealed and submitted. Keep the receipt."))
            return redirect("calloffs:tender_receipt", pk=calloff.pk, number=submission.number)
    tender = tenders.tender_of(calloff, supplier)
    content, scope = tenders.read_draft(tender), tenders.tender_scope(calloff)
    return render(request, "calloffs/tenders/check.html", _page(calloff, supplier, tender) | {
        "content": content, "sha256": content.sha256(), "size": len(content.to_bytes()),
        "problems": tenders.submission_problems(scope, content),
        "warnings": tenders.submission_warnings(scope, content),
        "answers": _answers(scope, content), "refusal": refusal, "may_tender": calloff.may_tender(now)})


def _answers(scope, content) -> dict:
    """The draft next to what the call-off asks, in the order of the form, for the check page."""
    return {
        "requirements": [(r, content.requirements.get(r.pk)) for r in scope.requirements],
        "criteria": [(c, content.criteria.get(c.pk, "")) for c in scope.criteria],
        "prices": [(row, content.prices.get(row.pk)) for row in scope.price_rows],
    }


@login_required
@require_safe
def tender_receipt(request, pk: int, number: int):
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    submission = get_object_or_404(
        TenderSubmission.objects.select_related("tender__calloff__agency", "tender__supplier", "submitted_by"),
        tender__calloff=calloff, tender__supplier=supplier, number=number)
    return render(request, "calloffs/tenders/receipt.html", {
        "calloff": calloff, "receipt": tenders.receipt(submission), "submission": submission})


@login_required
@require_http_methods(["GET", "POST"])
def tender_withdraw(request, pk: int):
    """A confirmation page, then the withdrawal; the supplier may submit again until the deadline."""
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    if request.method == "POST":
        try:
            withdrawn = tenders.tender_withdraw(actor=request.user, calloff=calloff)
        except CallOffError as error:
            messages.error(request, str(error))
            return redirect("calloffs:calloff_detail", pk=calloff.pk)
        return redirect("calloffs:tender_withdrawn", pk=calloff.pk, number=withdrawn.number)
    current = tenders.current_submission(tenders.tender_of(calloff, supplier))
    if current is None or not calloff.may_tender(clock.now()):
        messages.info(request, _("You have no submitted tender that can be withdrawn."))
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return render(request, "calloffs/tenders/withdraw.html", {"calloff": calloff, "current": current})


@login_required
@require_safe
def tender_withdrawn(request, pk: int, number: int):
    """The confirmation of a withdrawal, like the receipt of a submission: what happened and what happens next."""
    calloff, supplier = get_tendering_supplier(request.actor, pk)
    submission = get_object_or_404(TenderSubmission.objects.select_related("withdrawn_by"), tender__calloff=calloff,
                                   tender__supplier=supplier, number=number, withdrawn_at__isnull=False)
    return render(request, "calloffs/tenders/withdrawn.html", {
        "calloff": calloff, "submission": submission, "may_tender": calloff.may_tender(clock.now())})


def detail_context(request, calloff: CallOff, now, *, agency: bool) -> dict:
    if agency:
        # Rule 6: nothing about tenders is read for the agency, so nothing shown can depend on them.
        return {"tenders_unopened": calloff.status == CallOffStatus.OPEN and calloff.tender_deadline is not None}
    supplier = represented_supplier(request.actor, calloff)
    if supplier is None or not calloff.is_renewed_competition:
        return {}
    tender = tenders.tender_of(calloff, supplier)
    submissions = list(tender.submissions.select_related("submitted_by").order_by("-number")) if tender else []
    content = tenders.read_draft(tender)
    return {"tender_section": {
        "tender": tender, "submissions": submissions, "current": next((s for s in submissions if s.is_current), None),
        "may_tender": calloff.may_tender(now), "started": bool(tender and tender.draft),
        "answers_done": not tenders.submission_problems(tenders.tender_scope(calloff), content),
        "attachments": len(content.attachments),
    }}


urlpatterns = [
    path("call-offs/<int:pk>/tender/", tender_edit, name="tender_edit"),
    path("call-offs/<int:pk>/tender/attachments/", tender_attachments, name="tender_attachments"),
    path("call-offs/<int:pk>/tender/attachments/<str:sha256>/remove/", tender_attachment_remove,
         name="tender_attachment_remove"),
    path("call-offs/<int:pk>/tender/check/", tender_check, name="tender_check"),
    path("call-offs/<int:pk>/tender/receipts/<int:number>/", tender_receipt, name="tender_receipt"),
    path("call-offs/<int:pk>/tender/withdraw/", tender_withdraw, name="tender_withdraw"),
    path("call-offs/<int:pk>/tender/withdrawn/<int:number>/", tender_withdrawn, name="tender_withdrawn"),
]
