"""The JSON API: one NinjaAPI; each domain app adds its router here."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from innokop.accounts.api import router as accounts_router
from innokop.agreements.api import router as agreements_router
from innokop.calloffs.api import router as calloffs_router
from innokop.catalogue.api import router as catalogue_router
from innokop.core.api import router as core_router
from innokop.followup.api import router as followup_router
from innokop.core.refusals import Refused, refusal_body


class PersonalToken(HttpBearer):
    """`Authorization: Bearer ik_...`: a personal API token (created under Account → API tokens)."""

    def authenticate(self, request, token: str):
        # ApiTokenMiddleware has already checked the token and set request.user.
        if getattr(request, "auth_token", False):
            return request.user
        return None


api = NinjaAPI(
    title="Innoköp API",
    version="1",
    description=(
        "Innoköp's API for integrators (e-procurement systems, case management). Authenticate with a "
        "personal API token in an `Authorization: Bearer` header, or with a browser session."
    ),
    auth=[PersonalToken(), django_auth],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", agreements_router)
api.add_router("/", catalogue_router)
api.add_router("/", calloffs_router)
api.add_router("/", followup_router)


@api.exception_handler(Refused)
@api.exception_handler(ValidationError)
def refused(request, error: Refused | ValidationError):
    """Every service's refusal, for every endpoint: `{"detail", "code", "problems"}` with its status."""
    return api.create_response(request, refusal_body(error), status=getattr(error, "status", 400))


@api.exception_handler(PermissionDenied)
def forbidden(request, error: PermissionDenied):
    """A visible object the caller may not change: 403, with the reason when the check gave one."""
    return api.create_response(request, {"detail": str(error) or _("You may not do this."), "code": "forbidden",
                                         "problems": []}, status=403)
