"""The purchasing body's summary of the call-offs made from its agreements (DESIGN.md §5).

The framework manager sees that a call-off exists and how far it has come: never a draft, never a
question's asker, never anything about tenders (not even their number); the award decision and the
contract once they exist.

The call-offs are listed fifty to a page; the totals (how many, in each state, the contracted value) are
counted in the database over all of them.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from innokop.agreements.permissions import get_agreement_for_actor
from innokop.core import clock

from ..models import CallOff, CallOffStatus, effective_state_expression

PAGE_SIZE = 50


@login_required
@require_safe
def agreement_calloffs(request, pk: int):
    agreement = get_agreement_for_actor(request.actor, pk, write=True)
    now = clock.now()
    published = CallOff.objects.published(now).filter(lot__agreement=agreement)
    states = dict(published.order_by().annotate(state=effective_state_expression(now)).values_list("state")
                  .annotate(n=Count("pk")).values_list("state", "n"))
    contracted = published.aggregate(total=Sum("contract__value"))["total"] or 0
    page = Paginator(
        published.select_related("agency", "lot", "decision__winner__supplier", "contract__supplier")
        .order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted for the page's call-offs only: grouping every call-off's invitations and questions is what took time.
    counts = {pk: (invited, answered) for pk, invited, answered in CallOff.objects.filter(
        pk__in=[calloff.pk for calloff in page]).order_by().annotate(
        invited=Count("invitations", distinct=True),
        answered=Count("questions", filter=Q(questions__answered_at__isnull=False), distinct=True),
    ).values_list("pk", "invited", "answered")}
    for calloff in page:
        calloff.state_name = CallOffStatus(calloff.effective_state(now)).label
        calloff.invited, calloff.answered = counts[calloff.pk]
    return render(request, "calloffs/summary/agreement_calloffs.html", {
        "agreement": agreement, "page": page, "calloffs": page.object_list, "total": sum(states.values()),
        "states": sorted((str(CallOffStatus(state).label), n) for state, n in states.items()),
        "contracted": contracted})


urlpatterns = [
    path("agreements/<int:pk>/call-offs/", agreement_calloffs, name="agreement_calloffs"),
]
