"""The JSON API: one NinjaAPI; each domain app adds its router here."""

from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from innokop.accounts.api import router as accounts_router
from innokop.agreements.api import router as agreements_router
from innokop.calloffs.api import router as calloffs_router
from innokop.catalogue.api import router as catalogue_router
from innokop.core.api import router as core_router


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
