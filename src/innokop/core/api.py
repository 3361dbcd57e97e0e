from django.http import HttpResponse
from ninja import Router

from .models import Notification
from .notifications import notification_mark_read
from .pagination import DEFAULT_LIMIT, PAGE_PARAMETERS, Cursor, Limit, cursor_page
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
            summary="Your notifications, newest first (only the unread ones with `unread=true`)")
def notifications(request, response: HttpResponse, unread: bool = False, cursor: Cursor = None,
                  limit: Limit = DEFAULT_LIMIT):
    refuse_undescribed_parameters(request, ("unread", *PAGE_PARAMETERS))
    queryset = Notification.objects.filter(recipient=request.user)
    if unread:
        queryset = queryset.unread()
    return cursor_page(request, response, queryset, order=("-created_at", "-pk"), cursor=cursor, limit=limit)


@router.post("/notifications/read", response=responses(MarkedOut, SIGNED_IN, BODY),
             summary="Mark notifications as read (all, or the ids given)")
def notifications_read(request, payload: MarkReadIn):
    return {"marked": notification_mark_read(user=request.user, notification_ids=payload.ids)}
