"""The purchasing body's summary of the call-offs made from its agreements (DESIGN.md §5).

The framework manager sees that a call-off exists and how far it has come: never a draft, never a
question's asker, never anything about tenders (not even their number); the award decision and the
contract once they exist.
"""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from innokop.agreements.permissions import get_agreement_for_actor
from innokop.core import clock

from ..models import CallOff, CallOffStatus


@login_required
@require_safe
def agreement_calloffs(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    now = clock.now()
    calloffs = list(
        CallOff.objects.published(now).filter(lot__agreement=agreement)
        .select_related("agency", "lot", "decision__winner__supplier", "contract__supplier")
        .annotate(invited=Count("invitations", distinct=True),
                  answered=Count("questions", filter=Q(questions__answered_at__isnull=False), distinct=True))
        .order_by("-published_at", "-pk"))
    for calloff in calloffs:
        calloff.state = calloff.effective_state(now)
        calloff.state_name = CallOffStatus(calloff.state).label
    states = Counter(calloff.state_name for calloff in calloffs)
    contracted = sum(c.contract.value for c in calloffs if hasattr(c, "contract"))
    return render(request, "calloffs/summary/agreement_calloffs.html", {
        "agreement": agreement, "calloffs": calloffs, "states": sorted(states.items()), "contracted": contracted})


urlpatterns = [
    path("agreements/<int:pk>/call-offs/", agreement_calloffs, name="agreement_calloffs"),
]
