from django.conf import settings


def site(request) -> dict:
    user = getattr(request, "user", None)
    unread = 0
    if user is not None and user.is_authenticated:
        unread = user.notifications.unread().count()
    return {
        "DEMO_MODE": settings.INNOKOP_DEMO,
        "REQUIRE_2FA": settings.INNOKOP_REQUIRE_2FA,
        "unread_notifications": unread,
        "actor": getattr(request, "actor", None),
    }
