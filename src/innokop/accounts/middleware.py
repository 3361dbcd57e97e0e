from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import ApiTokenScope
from .permissions import actor_for
from .services import api_token_authenticate
from .two_factor import confirmed_device

# Pages a user who still has to complete two-factor authentication may reach.
TWO_FACTOR_EXEMPT_PREFIXES = ("/static/", "/healthz", "/i18n/", "/accessibility/")


SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class ApiTokenMiddleware:
    """`Authorization: Bearer ik_...` authenticates API requests; it never creates a session.

    The token acts for its user in its one organisation (`user.only_organisation_id`, which every
    `actor_for(user)` honours) and within its scope: here, for every operation, a read token may not change
    anything (403 `insufficient_scope`), and a buyer's read-and-write token changes nothing while its user
    has no confirmed two-factor device (403 `two_factor_required`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and request.path.startswith("/api/"):
            token = api_token_authenticate(header.removeprefix("Bearer ").strip())
            if token is not None:
                user = token.user
                user.only_organisation_id = token.organisation_id
                request.user = user
                request.auth_token = True
                request.auth_token_scope = token.scope
                request._dont_enforce_csrf_checks = True
        request.actor = actor_for(request.user)
        if getattr(request, "auth_token_scope", None) and request.method not in SAFE_METHODS:
            refusal = self._refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _refusal(self, request) -> JsonResponse | None:
        if request.auth_token_scope != ApiTokenScope.READ_WRITE:
            return _forbidden(_("This token may only read. Create a token that may read and write to make "
                                "changes."), "insufficient_scope")
        if request.actor.is_buyer and confirmed_device(request.user) is None:
            return _forbidden(_("A token that writes for a buyer needs its owner to have two-factor "
                                "authentication. Set it up again under My account."), "two_factor_required")
        return None


def _forbidden(detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code, "problems": []}, status=403)


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
