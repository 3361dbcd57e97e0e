"""Pages of the opening: two of the team open the sealed tenders after the deadline, and read them.

These pages are the agency's: 404 to anyone outside it (suppliers included), 403 to agency members
outside the call-off's team when they would change something. Before the deadline they say only
that the tenders are sealed (rule 6).
"""

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innokop.core import clock
from innokop.core.documents import safe_filename, sniff
from innokop.core.forms import service_button

from ..models import CallOff, CallOffStatus, OpeningRecord
from ..permissions import get_calloff_for_agency, is_team_member, tenders_sealed
from ..services import evaluating, opening
from ..services.opening import OpenedTender


def opened_or_404(calloff: CallOff, tender_pk: int) -> OpenedTender:
    try:
        return opening.opened_tender(calloff, tender_pk)
    except LookupError:
        raise Http404 from None


def opening_context(request, calloff: CallOff) -> dict:
    """Before the deadline only that the tenders are sealed: no record, no names, no count (rule 6)."""
    now = clock.now()
    sealed = tenders_sealed(calloff, now)
    record = None if sealed else (OpeningRecord.objects.filter(calloff=calloff)
                                  .select_related("started_by", "confirmed_by").first())
    entries = [entry | {"submitted": datetime.fromisoformat(entry["submitted_at"])}
               for entry in opening.opened_entries(record)]
    return {"calloff": calloff, "sealed": sealed, "may_open": calloff.may_open(now), "record": record,
            "entries": entries, "withdrawn": opening.withdrawn_count(record),
            "is_team": is_team_member(request.actor, calloff),
            "started_by_me": record is not None and record.started_by_id == request.user.pk}


def opened_tender_context(request, calloff: CallOff, opened) -> dict:
    content = opened.content
    record = OpeningRecord.objects.get(calloff=calloff)
    entry = next(e for e in opening.opened_entries(record) if e["tender"] == opened.pk)
    context = {"calloff": calloff, "opened": opened, "entry": entry, "content": content,
               "failures": evaluating.mandatory_failures(calloff, opened),
               "suggestion": evaluating.rejection_suggestion(calloff, opened),
               "may_decide": calloff.status == CallOffStatus.OPENED and is_team_member(request.actor, calloff)}
    if content is None:
        return context
    criteria = calloff.criteria.select_related("lot_criterion")
    return context | {
        "requirement_rows": [(r, content.requirements.get(r.pk)) for r in evaluating.call_off_requirements(calloff)],
        "criterion_rows": [(c, content.criteria.get(c.pk, "")) for c in criteria],
        "price_rows": [(row, content.prices.get(row.pk)) for row in calloff.lot.price_rows.all()],
        "attachments": list(enumerate(content.attachments))}


# --- opening --------------------------------------------------------------------------------------


@login_required
@require_safe
def opening_page(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    if calloff.published_at is None:
        return redirect("calloffs:calloff_detail", pk=calloff.pk)
    return render(request, "calloffs/award/opening.html", opening_context(request, calloff))


@login_required
@require_POST
def opening_start(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    service_button(request, opening.opening_start, _("The opening is started. A second team member confirms it."),
                   calloff=calloff)
    return redirect("calloffs:opening", pk=calloff.pk)


@login_required
@require_POST
def opening_confirm(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk, write=True)
    service_button(request, opening.opening_confirm, _("The tenders are opened. The opening record lists them."),
                   calloff=calloff)
    return redirect("calloffs:opening", pk=calloff.pk)


# --- an opened tender ---------------------------------------------------------------------------


@login_required
@require_safe
def opened_tender(request, pk: int, tender_pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    opened = opened_or_404(calloff, tender_pk)
    return render(request, "calloffs/award/opened_tender.html", opened_tender_context(request, calloff, opened))


@login_required
@require_safe
def opened_attachment(request, pk: int, tender_pk: int, index: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    opened = opened_or_404(calloff, tender_pk)
    if opened.content is None or not 0 <= index < len(opened.content.attachments):
        raise Http404
    attachment = opened.content.attachments[index]
    kind = sniff(attachment.data)
    response = HttpResponse(attachment.data, content_type=kind.content_type if kind else "application/octet-stream")
    name = safe_filename(attachment.name, kind) if kind else "attachment.bin"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


urlpatterns = [
    path("call-offs/<int:pk>/opening/", opening_page, name="opening"),
    path("call-offs/<int:pk>/opening/start/", opening_start, name="opening_start"),
    path("call-offs/<int:pk>/opening/confirm/", opening_confirm, name="opening_confirm"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/", opened_tender, name="opened_tender"),
    path("call-offs/<int:pk>/opened/<int:tender_pk>/attachments/<int:index>/", opened_attachment,
         name="opened_attachment"),
]
