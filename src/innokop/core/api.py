from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from .models import Notification
from .notifications import notification_mark_read
from .schemas import MarkedOut, MarkReadIn, NotificationOut

router = Router(tags=["notifications"])


@router.get("/notifications", response=list[NotificationOut], summary="Your notifications, newest first")
@paginate(LimitOffsetPagination)
def notifications(request, unread: bool = False):
    queryset = Notification.objects.filter(recipient=request.user)
    return queryset.unread() if unread else queryset


@router.post("/notifications/read", response=MarkedOut, summary="Mark notifications as read (all, or the ids given)")
def notifications_read(request, payload: MarkReadIn):
    return {"marked": notification_mark_read(user=request.user, notification_ids=payload.ids)}
