from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .permissions import actor_for
from .services import api_token_authenticate
from .two_factor import confirmed_device

# Pages a user who still has to complete two-factor authentication may reach.
TWO_FACTOR_EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accessibility/")


class ApiTokenMiddleware:
    """`Authorization: Bearer ik_...` authenticates API requests; it never creates a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and request.path.startswith("/api/"):
            user = api_token_authenticate(header.removeprefix("Bearer ").strip())
            if user is not None:
                request.user = user
                request.auth_token = True
                request._dont_enforce_csrf_checks = True
        request.actor = actor_for(request.user)
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """A user with a device must verify it; buyers must set one up where settings require it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not getattr(request, "auth_token", False)
            and not user.is_verified()
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
        ):
            target = self._target(request)
            if target and request.path.startswith("/api/"):
                # A session that has not completed two-factor authentication gets no API either.
                return JsonResponse({"detail": _("Complete two-factor authentication before using the API."),
                                     "code": "two_factor_required", "problems": []}, status=403)
            if target and request.path not in {target, reverse("accounts:logout")}:
                return redirect(f"{target}?next={request.get_full_path()}")
        return self.get_response(request)

    def _target(self, request) -> str | None:
        if confirmed_device(request.user) is not None:
            return reverse("accounts:two_factor_verify")
        if settings.INNOKOP_REQUIRE_2FA and request.actor.is_buyer:
            return reverse("accounts:two_factor_setup")
        return None
