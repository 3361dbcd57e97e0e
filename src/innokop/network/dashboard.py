"""The network on the dashboard: framework managers see the good-practice cases waiting for their review and
any partner feed refused at its last import."""

from innokop.core.dashboard import Panel

from .models import CaseStatus, GoodPracticeCase, Subscription
from .permissions import may_subscribe


def panels(request) -> list[Panel]:
    if not may_subscribe(request.actor):
        return []
    return [Panel("network/dashboard/review.html", {
        "waiting": list(GoodPracticeCase.objects.filter(status=CaseStatus.IN_REVIEW).select_related("organisation")
                        .order_by("updated_at", "pk")[:10]),
        "refused": Subscription.objects.exclude(last_error=None).count()})]
