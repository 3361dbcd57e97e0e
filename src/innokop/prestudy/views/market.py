"""Pages of the market dialogue: the public request for information, the suppliers' answers (the purchasing body
and each supplier its own), meetings on equal terms, the equal-treatment log and market entries."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import clock
from innokop.core.forms import add_service_errors, posted, service_button
from innokop.core.refusals import REFUSALS

from ..forms import (
    ContactForm,
    DialogueDocumentForm,
    DialogueForm,
    MarketEntryForm,
    MeetingForm,
    MinutesForm,
    RfiAnswerForm,
    SummaryForm,
)
from ..models import DialogueStatus, MarketDialogue, MeetingSlot, RfiResponse
from ..permissions import (
    get_dialogue_for_actor,
    get_dialogue_for_cpb,
    get_prestudy_for_actor,
    get_response_for_actor,
    manages_dialogue,
    represented_suppliers,
)
from ..services import market as services


@require_safe
def rfi_list(request):
    dialogues = MarketDialogue.objects.published().select_related("prestudy__owner").order_by("-published_at")
    return render(request, "prestudy/rfi_list.html", {"dialogues": dialogues, "now": clock.now()})


@login_required
@require_http_methods(["GET", "POST"])
def rfi_create(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    form = DialogueForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            dialogue = services.market_dialogue_create(actor=request.user, prestudy=prestudy, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is saved as a draft. Add documents, then publish it."))
            return redirect("prestudy:rfi_detail", dialogue.pk)
    return render(request, "prestudy/rfi_form.html", {"prestudy": prestudy, "form": form},
                  status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def rfi_edit(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    form = DialogueForm(posted(request), initial={"title": dialogue.title, "description": dialogue.description,
                                                  "questions": dialogue.questions, "deadline": dialogue.deadline})
    if request.method == "POST" and form.is_valid():
        try:
            services.market_dialogue_update(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The request is saved."))
            return redirect("prestudy:rfi_detail", dialogue.pk)
    return render(request, "prestudy/rfi_form.html", {"prestudy": dialogue.prestudy, "form": form,
                                                      "dialogue": dialogue}, status=422 if form.errors else 200)


@require_safe
def rfi_detail(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk)
    now = clock.now()
    suppliers = represented_suppliers(request.actor)
    own = list(RfiResponse.objects.filter(dialogue=dialogue, supplier__in=suppliers).select_related("supplier"))
    slots = list(dialogue.slots.select_related("supplier")) if own else []
    booked = [slot for slot in slots if slot.supplier_id in {r.supplier_id for r in own}]
    return render(request, "prestudy/rfi_detail.html", {
        "dialogue": dialogue, "documents": services.dialogue_documents(dialogue), "is_open": dialogue.is_open(now),
        "manages": manages_dialogue(request.actor, dialogue), "is_draft": dialogue.status == DialogueStatus.DRAFT,
        "is_supplier": bool(suppliers), "own": own, "booked": booked,
        "free_slots": [s for s in slots if s.supplier_id is None and s.starts_at > now] if not booked else []})


@login_required
@require_http_methods(["GET", "POST"])
def rfi_document_add(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    form = DialogueDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.market_dialogue_document_add(actor=request.user, dialogue=dialogue,
                                                  title=form.cleaned_data["title"], uploaded=form.cleaned_data["file"])
        except ValidationError as error:  # the file, as `core.documents` judged it
            form.add_error("file", error)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The document is added."))
            return redirect("prestudy:rfi_detail", dialogue.pk)
    return render(request, "prestudy/market_form.html", {
        "dialogue": dialogue, "form": form, "title": _("Add a document"), "button": _("Add the document"),
        "multipart": True}, status=422 if form.errors else 200)


@login_required
@require_POST
def rfi_publish(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    service_button(request, services.market_dialogue_publish,
                   _("The request is published. The suppliers with matching CPV codes are told."), dialogue=dialogue)
    return redirect("prestudy:rfi_detail", dialogue.pk)


@login_required
@require_http_methods(["GET", "POST"])
def rfi_answer(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk)
    suppliers = represented_suppliers(request.actor)
    if not suppliers or dialogue.status != DialogueStatus.PUBLISHED:
        raise PermissionDenied(_("Registered suppliers answer a published request for information."))
    chosen = suppliers[0]
    if request.method == "POST" and len(suppliers) > 1:
        chosen = next((s for s in suppliers if str(s.pk) == request.POST.get("supplier")), suppliers[0])
    earlier = RfiResponse.objects.filter(dialogue=dialogue, supplier=chosen).first()
    form = RfiAnswerForm(posted(request), dialogue=dialogue, suppliers=suppliers,
                         initial=RfiAnswerForm.initial_from(earlier) | {"supplier": chosen.pk})
    if request.method == "POST" and form.is_valid():
        try:
            response = services.rfi_answer(actor=request.user, dialogue=dialogue,
                                           supplier=form.cleaned_data["supplier"], answers=form.answers(),
                                           secrecy_parts=form.cleaned_data["secrecy_parts"],
                                           secrecy_reasons=form.cleaned_data["secrecy_reasons"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is received. Only the purchasing body reads it here; you may "
                                        "change it until the last time to answer."))
            return redirect("prestudy:rfi_response", response.pk)
    return render(request, "prestudy/rfi_answer.html", {
        "dialogue": dialogue, "form": form, "earlier": earlier, "is_open": dialogue.is_open(clock.now())},
        status=422 if form.errors else 200)


@login_required
@require_safe
def rfi_response(request, pk: int):
    response = get_response_for_actor(request.actor, pk)
    dialogue = response.dialogue
    return render(request, "prestudy/rfi_response.html", {
        "response": response, "dialogue": dialogue, "manages": manages_dialogue(request.actor, dialogue),
        "own": response.supplier_id in request.actor.organisation_ids, "is_open": dialogue.is_open(clock.now())})


@login_required
@require_safe
def rfi_responses(request, pk: int):
    dialogue = get_dialogue_for_cpb(request.actor, pk)
    now = clock.now()
    return render(request, "prestudy/rfi_responses.html", {
        "dialogue": dialogue, "manages": manages_dialogue(request.actor, dialogue), "is_open": dialogue.is_open(now),
        "responses": dialogue.responses.select_related("supplier", "answered_by"),
        "slots": dialogue.slots.select_related("supplier"), "now": now,
        "may_offer": dialogue.status == DialogueStatus.PUBLISHED and dialogue.prestudy.is_open})


@login_required
@require_http_methods(["GET", "POST"])
def rfi_summary(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    form = SummaryForm(posted(request), initial={"summary": dialogue.summary})
    if request.method == "POST" and form.is_valid():
        try:
            services.market_dialogue_summary_publish(actor=request.user, dialogue=dialogue,
                                                     summary=form.cleaned_data["summary"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The summary is published on the public page."))
            return redirect("prestudy:rfi_detail", dialogue.pk)
    return render(request, "prestudy/market_form.html", {
        "dialogue": dialogue, "form": form, "title": _("Publish an anonymised summary"),
        "button": _("Publish the summary"), "open_warning": dialogue.is_open(clock.now())},
        status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_offer(request, pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    form = MeetingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_offer(actor=request.user, dialogue=dialogue, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The meeting time is offered. Every supplier that answered is told."))
            return redirect("prestudy:rfi_responses", dialogue.pk)
    return render(request, "prestudy/market_form.html", {
        "dialogue": dialogue, "form": form, "title": _("Offer a meeting time"), "button": _("Offer the time"),
        "back": "responses"}, status=422 if form.errors else 200)


@login_required
@require_POST
def meeting_book(request, pk: int, slot_pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk)
    slot = get_object_or_404(MeetingSlot, pk=slot_pk, dialogue=dialogue)
    suppliers = represented_suppliers(request.actor)
    if not suppliers:
        raise PermissionDenied(_("Suppliers that answered book meetings."))
    answered = RfiResponse.objects.filter(dialogue=dialogue, supplier__in=suppliers).values_list("supplier_id",
                                                                                                flat=True)
    supplier = next((s for s in suppliers if s.pk in set(answered)), suppliers[0])
    service_button(request, services.meeting_book, _("The meeting is booked. The purchasing body is told."),
                   slot=slot, supplier=supplier)
    return redirect("prestudy:rfi_detail", dialogue.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, pk: int, slot_pk: int):
    dialogue = get_dialogue_for_actor(request.actor, pk, write=True)
    slot = get_object_or_404(MeetingSlot.objects.select_related("supplier"), pk=slot_pk, dialogue=dialogue)
    form = MinutesForm(posted(request), initial={"minutes": slot.minutes, "shared": slot.shared})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_minutes_record(actor=request.user, slot=slot, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The minutes are recorded in the equal-treatment log."))
            return redirect("prestudy:rfi_responses", dialogue.pk)
    return render(request, "prestudy/market_form.html", {
        "dialogue": dialogue, "form": form, "slot": slot, "button": _("Record the minutes"), "back": "responses",
        "title": _("Minutes of the meeting with %(supplier)s") % {
            "supplier": slot.supplier.name if slot.supplier else "–"}}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contact_log(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=request.method == "POST")
    form = ContactForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.contact_record(actor=request.user, prestudy=prestudy, supplier=data["supplier"],
                                    kind=data["kind"], summary=data["summary"], shared=data["shared"],
                                    document_title=data["document_title"], uploaded=data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact is recorded in the equal-treatment log."))
            return redirect("prestudy:contact_log", prestudy.pk)
    entries = prestudy.contacts.select_related("supplier", "actor", "dialogue", "document")
    return render(request, "prestudy/contact_log.html", {
        "prestudy": prestudy, "entries": entries, "shared": services.shared_with_some(prestudy), "form": form,
        "manages": prestudy.owner_id in request.actor.managed_organisation_ids}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def market_entry_add(request, pk: int):
    prestudy = get_prestudy_for_actor(request.actor, pk, write=True)
    form = MarketEntryForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.market_entry_add(actor=request.user, prestudy=prestudy, **form.cleaned_data)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The entry is added to the market overview."))
            return redirect("prestudy:prestudy_detail", prestudy.pk)
    return render(request, "prestudy/market_form.html", {
        "prestudy": prestudy, "form": form, "title": _("Add ongoing development"), "button": _("Add the entry")},
        status=422 if form.errors else 200)
