from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from .models import Notification
from .notifications import notification_mark_read
from .schemas import (
    BODY,
    SIGNED_IN,
    MarkedOut,
    MarkReadIn,
    NotificationOut,
    refuse_undescribed_parameters,
    responses,
)

router = Router(tags=["notifications"])


@router.get("/notifications", response=responses(list[NotificationOut], SIGNED_IN, 422),
            summary="Your notifications, newest first")
@paginate(LimitOffsetPagination)
def notifications(request, unread: bool = False):
    refuse_undescribed_parameters(request, ("unread", "limit", "offset"))
    queryset = Notification.objects.filter(recipient=request.user)
    return queryset.unread() if unread else queryset


@router.post("/notifications/read", response=responses(MarkedOut, SIGNED_IN, BODY),
             summary="Mark notifications as read (all, or the ids given)")
def notifications_read(request, payload: MarkReadIn):
    return {"marked": notification_mark_read(user=request.user, notification_ids=payload.ids)}
