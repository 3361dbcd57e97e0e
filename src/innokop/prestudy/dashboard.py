from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.dashboard import Panel

from .models import (
    DOCUMENT_REQUEST_DECIDED,
    DocumentRequest,
    MarketDialogue,
    Need,
    NeedInterest,
    PreStudy,
    Survey,
    SurveyStatus,
)
from .permissions import agency_memberships, represented_suppliers


def panels(request) -> list[Panel]:
    actor = request.actor
    found = []
    agencies = [agency.pk for agency in agency_memberships(actor)]
    if agencies:
        found.append(Panel("prestudy/dashboard/needs.html", {
            "needs": Need.objects.filter(agency_id__in=agencies).count(),
            "joined": NeedInterest.objects.active().filter(agency_id__in=agencies).count()}))
        surveys = list(Survey.objects.filter(status=SurveyStatus.SENT, deadline__gte=clock.now(),
                                             recipients__in=agencies).distinct().select_related("prestudy__owner")
                       .order_by("deadline")[:10])
        if surveys:
            found.append(Panel("prestudy/dashboard/surveys.html", {"surveys": surveys}))
    if represented_suppliers(actor):
        found.append(Panel("prestudy/dashboard/rfis.html", {
            "dialogues": list(MarketDialogue.objects.published().filter(deadline__gte=clock.now())
                              .select_related("prestudy__owner").order_by("deadline")[:10])}))
    if actor.is_framework_manager:
        found.append(Panel("prestudy/dashboard/prestudies.html", {
            "prestudies": list(PreStudy.objects.managed_by(actor).filter(status__in=[
                "planning", "collecting", "analysing", "concluded"])[:10])}))
    _public_documents(actor, found)
    return found


def _public_documents(actor, found: list[Panel]) -> None:
    """The reviewers' requests for public documents still to decide, with the overdue ones marked."""
    waiting = list(DocumentRequest.objects.reviewed_by(actor).exclude(status__in=DOCUMENT_REQUEST_DECIDED)
                   .order_by("due_on", "pk")[:10])
    if waiting:
        today = local_date(clock.now())
        found.append(Panel("prestudy/dashboard/public_documents.html", {
            "requests": [(item, item.is_overdue(today)) for item in waiting]}))
