"""The call-off's dialogue section: clarifications, the tender deadline, and dialogue meetings (rule 5)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core import clock
from innokop.core.calendar import warns_non_working
from innokop.core.formats import when
from innokop.core.forms import add_service_errors
from innokop.core.refusals import REFUSALS, refusal_message

from ..dialogue_forms import ClarificationForm, DeadlineForm, KeepDeadlineForm, MinutesForm, SlotOfferForm
from ..models import CallOff
from ..permissions import get_calloff_for_actor, get_representing_supplier, is_team_member, represented_supplier
from ..services import dialogue as services


def _clarifications(calloff: CallOff) -> list:
    return services.with_document_history(
        list(calloff.clarifications.select_related("document_version__document", "published_by")))


def detail_context(request, calloff: CallOff, now, *, agency: bool) -> dict:
    if calloff.published_at is None or not calloff.is_renewed_competition:
        return {}  # a call-off in ranking order is offered, not clarified or discussed
    clarifications = _clarifications(calloff)
    context = {"dialogue_section": True, "clarifications": clarifications,
               "late_days": services.late_change_days(calloff),
               "uses_dialogue": services.uses_dialogue(calloff)}
    if agency:
        return context | _agency_context(request, calloff, now, clarifications)
    return context | _supplier_context(request, calloff, now)


def _agency_context(request, calloff: CallOff, now, clarifications) -> dict:
    team = is_team_member(request.actor, calloff)
    context = {"dialogue_team": team, "may_clarify": team and calloff.may_clarify(now),
               "may_extend": team and calloff.may_clarify(now),
               "late_change": services.late_change(calloff, now, clarifications)}
    if services.uses_dialogue(calloff):
        context |= {"slots": list(calloff.slots.select_related("supplier", "booked_by", "minutes_by")),
                    "may_offer_slots": team and services.may_offer_slots(calloff, now)}
    return context


def _supplier_context(request, calloff: CallOff, now) -> dict:
    if not services.uses_dialogue(calloff):
        return {}
    supplier = represented_supplier(request.actor, calloff)
    slots = list(calloff.slots.filter(supplier__isnull=True, starts_at__gt=now)) if supplier else []
    own = calloff.slots.filter(supplier=supplier).first() if supplier else None
    return {"own_slot": own, "free_slots": slots, "own_slot_cancellable": bool(own and own.starts_at > now),
            "may_book": bool(supplier) and own is None and services.may_book(calloff, now)}


@login_required
@require_http_methods(["GET", "POST"])
def clarification_publish(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    form = ClarificationForm(request.POST or None, request.FILES or None,
                             documents=services.calloff_documents(calloff))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            clarification = services.clarification_publish(
                actor=request.user, calloff=calloff, kind=data["kind"], title=data["title"], text=data["text"],
                uploaded=data["file"], document=data["document"], comment=data["text"][:500])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is published to every invited supplier.")
                             % {"title": clarification.title})
            if services.is_late_change(calloff, clarification.published_at):
                return redirect("calloffs:deadline_extend", pk=calloff.pk)
            return redirect(reverse("calloffs:calloff_detail", args=[calloff.pk]) + "#clarifications")
    return render(request, "calloffs/dialogue/clarification_form.html", {
        "calloff": calloff, "form": form, "late_days": services.late_change_days(calloff),
        "open": calloff.may_clarify(clock.now())})


@login_required
@require_safe
def clarification_file(request, pk: int, clarification_pk: int):
    """A published clarification's document, for whoever may see the call-off."""
    calloff = get_calloff_for_actor(request.actor, pk)
    clarification = get_object_or_404(calloff.clarifications.select_related("document_version"),
                                      pk=clarification_pk, document_version__isnull=False)
    version = clarification.document_version
    response = FileResponse(version.file.open("rb"), as_attachment=True, filename=version.safe_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _suggestion(calloff: CallOff, now):
    return services.suggested_deadline(calloff, now) if calloff.may_clarify(now) else None


def _deadline_page(request, calloff: CallOff, *, form=None, keep_form=None):
    """The extension form, with the late-change prompt and the choice to keep the deadline where one is due."""
    now = clock.now()
    suggestion = _suggestion(calloff, now)
    return render(request, "calloffs/dialogue/deadline.html", {
        "calloff": calloff, "form": form or DeadlineForm(initial={"tender_deadline": suggestion}),
        "keep_form": keep_form or KeepDeadlineForm(), "late": services.late_change(calloff, now),
        "suggestion": suggestion, "late_days": services.late_change_days(calloff), "may_extend": bool(suggestion)})


@login_required
@require_http_methods(["GET", "POST"])
def deadline_extend(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    form = DeadlineForm(request.POST or None, initial={"tender_deadline": _suggestion(calloff, clock.now())})
    if request.method == "POST" and form.is_valid():
        new = form.cleaned_data["tender_deadline"]
        try:
            services.calloff_extend_deadline(actor=request.user, calloff=calloff, tender_deadline=new,
                                             reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The tender deadline is now %(when)s. Every invited supplier is told.")
                             % {"when": when(new)})
            if warns_non_working(new):
                messages.warning(request, _("The new deadline falls on a weekend or public holiday. Suppliers may "
                                            "need a working day: consider moving it."))
            return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return _deadline_page(request, calloff, form=form)


@login_required
@require_POST
def deadline_keep(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    form = KeepDeadlineForm(request.POST)
    if form.is_valid():
        try:
            services.calloff_keep_deadline(actor=request.user, calloff=calloff, reason=form.cleaned_data["reason"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The tender deadline stays as it is. Your reason is kept in the record."))
            return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return _deadline_page(request, calloff, keep_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_slots_offer(request, pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    now = clock.now()
    waiting = services.suppliers_without_booking(calloff)
    needed = max(0, waiting - calloff.slots.filter(supplier__isnull=True, starts_at__gt=now).count())
    form = SlotOfferForm(request.POST or None, rows=max(needed, min(10, needed + 2), 3), required_rows=needed)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.dialogue_slots_offer(actor=request.user, calloff=calloff, slots=form.slots)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(count)s meeting times are offered to every invited supplier.")
                             % {"count": len(created)})
            return redirect(reverse("calloffs:calloff_detail", args=[calloff.pk]) + "#dialogue")
    return render(request, "calloffs/dialogue/slots_offer.html", {
        "calloff": calloff, "form": form, "waiting": waiting, "needed": needed,
        "open": services.may_offer_slots(calloff, now),
        "slots": calloff.slots.select_related("supplier")})


def _supplier_slot(request, pk: int, slot_pk: int):
    """The call-off and one of its meetings; only the invited suppliers' representatives act on bookings."""
    calloff, _supplier = get_representing_supplier(request.actor, pk)
    return calloff, get_object_or_404(calloff.slots, pk=slot_pk)


@login_required
@require_POST
def dialogue_slot_book(request, pk: int, slot_pk: int):
    calloff, slot = _supplier_slot(request, pk, slot_pk)
    try:
        slot = services.dialogue_slot_book(actor=request.user, slot=slot)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Your dialogue meeting is booked: %(when)s, %(place)s.")
                         % {"when": when(slot.starts_at), "place": slot.place})
    return redirect(reverse("calloffs:calloff_detail", args=[calloff.pk]) + "#dialogue")


@login_required
@require_POST
def dialogue_booking_cancel(request, pk: int, slot_pk: int):
    calloff, slot = _supplier_slot(request, pk, slot_pk)
    try:
        services.dialogue_booking_cancel(actor=request.user, slot=slot)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Your booking is cancelled and the time is free for the others."))
    return redirect(reverse("calloffs:calloff_detail", args=[calloff.pk]) + "#dialogue")


@login_required
@require_http_methods(["GET", "POST"])
def dialogue_minutes(request, pk: int, slot_pk: int):
    calloff = get_calloff_for_actor(request.actor, pk, write=True)
    slot = get_object_or_404(calloff.slots.select_related("supplier", "minutes_by"), pk=slot_pk)
    form = MinutesForm(request.POST or None, initial={"minutes": slot.minutes})
    if request.method == "POST" and form.is_valid():
        share = request.POST.get("action") == "share"
        try:
            services.dialogue_minutes_record(actor=request.user, slot=slot, minutes=form.cleaned_data["minutes"],
                                             share=share)
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            if slot.minutes_shared_at or share:
                messages.success(request, _("The minutes are shared with %(supplier)s.")
                                 % {"supplier": slot.supplier.name})
            else:
                messages.success(request, _("The minutes are saved. Share them with the supplier when they are "
                                            "final."))
            return redirect(reverse("calloffs:calloff_detail", args=[calloff.pk]) + "#dialogue")
    return render(request, "calloffs/dialogue/minutes.html", {
        "calloff": calloff, "slot": slot, "form": form, "held": slot.starts_at <= clock.now()})


urlpatterns = [
    path("call-offs/<int:pk>/clarifications/new/", clarification_publish, name="clarification_publish"),
    path("call-offs/<int:pk>/clarifications/<int:clarification_pk>/file/", clarification_file,
         name="clarification_file"),
    path("call-offs/<int:pk>/deadline/", deadline_extend, name="deadline_extend"),
    path("call-offs/<int:pk>/deadline/keep/", deadline_keep, name="deadline_keep"),
    path("call-offs/<int:pk>/meetings/offer/", dialogue_slots_offer, name="dialogue_slots_offer"),
    path("call-offs/<int:pk>/meetings/<int:slot_pk>/book/", dialogue_slot_book, name="dialogue_slot_book"),
    path("call-offs/<int:pk>/meetings/<int:slot_pk>/cancel/", dialogue_booking_cancel,
         name="dialogue_booking_cancel"),
    path("call-offs/<int:pk>/meetings/<int:slot_pk>/minutes/", dialogue_minutes, name="dialogue_minutes"),
]
