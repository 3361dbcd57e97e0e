"""The JSON API: one NinjaAPI; each domain app adds its router here.

Every error, whatever its status, is one shape (`core.schemas.ErrorOut`): `{"detail", "code", "problems"}`.
The handlers below make it so for a service's refusal, a permission check, an unknown object, a request
that does not match the API's description, a missing authentication, a body over the size limit and a rate
limit.
Each operation documents the statuses it can answer (`core.schemas.responses`).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as RequestInvalid
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from innokop.accounts.api import router as accounts_router
from innokop.agreements.api import router as agreements_router
from innokop.calloffs.api import router as calloffs_router
from innokop.calloffs.api_evaluation import router as calloffs_evaluation_router
from innokop.calloffs.api_procedure import router as calloffs_procedure_router
from innokop.catalogue.api import router as catalogue_router
from innokop.core.api import router as core_router
from innokop.core.ratelimit import RateLimited
from innokop.core.refusals import Refused, refusal_body
from innokop.followup.api import router as followup_router
from innokop.followup.api_plans import router as followup_plans_router
from innokop.followup.api_register import router as followup_register_router
from innokop.network.api import router as network_router
from innokop.opendata.api import router as opendata_router
from innokop.prestudy.api import router as prestudy_router
from innokop.webhooks.api import router as webhooks_router


class PersonalToken(HttpBearer):
    """`Authorization: Bearer ik_...`: a personal API token (created under Account → API tokens)."""

    def authenticate(self, request, token: str):
        # ApiTokenMiddleware has already checked the token and set request.user.
        if getattr(request, "auth_token", False):
            return request.user
        return None


class CsrfFailed(HttpError):
    def __init__(self):
        super().__init__(403, _("A change made with a browser session needs the CSRF token in an X-CSRFToken "
                                "header. A program should use a personal API token instead."))


class BrowserSession(SessionAuth):
    """The logged-in browser's session cookie. Without a session the caller is not authenticated (401),
    whatever the method; a session's changes need the CSRF token (403 without it)."""

    def __init__(self):
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            return None
        if check_csrf(request) is not None:
            raise CsrfFailed()
        return request.user


api = NinjaAPI(
    title="Innoköp API",
    version="1",
    description=(
        "Innoköp's API for integrators (e-procurement systems, case management). Authenticate with a "
        "personal API token in an `Authorization: Bearer` header, or with a browser session.\n\n"
        "A token acts for one of its owner's organisations, chosen when it is created, and has a scope: `read` "
        "(only reads) or `read_write`. A read token's POST, PUT, PATCH or DELETE answers 403 with the code "
        "`insufficient_scope`, whatever the operation. A token that writes for a buyer (an agency or a central "
        "purchasing body) needs its owner to have two-factor authentication, when it is created and each time "
        "it writes (403 `two_factor_required`).\n\n"
        "Every error answers `{\"detail\", \"code\", \"problems\"}` (the schema `ErrorOut`): `detail` for "
        "people, `code` for programs, `problems` field by field. Each operation lists the statuses it can "
        "answer.\n\n"
        "Lists page with a cursor: the body is the page's list; `limit` (1 to 500, default 100) sets its size. "
        "When more follow, the response has an `X-Next-Cursor` header and a `Link: <...>; rel=\"next\"` header "
        "with the next page's address; pass the cursor back as `cursor` with the same other parameters. A "
        "cursor is opaque: one the API did not give answers 422. Not paged this way: two short lists (the sales "
        "report quarters, a call-off's team), and the answers that are a page object of their own "
        "(`/api/solutions`, the OCDS packages under `/api/ocds/` with `links.next`)."
    ),
    auth=[PersonalToken(), BrowserSession()],
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/", accounts_router)
api.add_router("/", agreements_router)
api.add_router("/", catalogue_router)
api.add_router("/", calloffs_router)
api.add_router("/", calloffs_procedure_router)
api.add_router("/", calloffs_evaluation_router)
api.add_router("/", prestudy_router)
api.add_router("/", followup_router)
api.add_router("/", followup_plans_router)
api.add_router("/", followup_register_router)
api.add_router("/", opendata_router)
api.add_router("/", network_router)
api.add_router("/", webhooks_router)


def _error(request, status: int, detail: str, code: str, problems: list[dict] | None = None):
    return api.create_response(request, {"detail": detail, "code": code, "problems": problems or []}, status=status)


@api.exception_handler(Refused)
@api.exception_handler(ValidationError)
def refused(request, error: Refused | ValidationError):
    """Every service's refusal, for every endpoint: `{"detail", "code", "problems"}` with its status."""
    return api.create_response(request, refusal_body(error), status=getattr(error, "status", 400))


@api.exception_handler(PermissionDenied)
def forbidden(request, error: PermissionDenied):
    """A visible object the caller may not change: 403, with the reason when the check gave one."""
    return _error(request, 403, str(error) or _("You may not do this."), "forbidden")


@api.exception_handler(Http404)
def not_found(request, error: Http404):
    """Absent and invisible alike: the same 404, which says nothing about whether the object exists."""
    return _error(request, 404, _("There is nothing here, or you may not see it."), "not_found")


@api.exception_handler(RequestInvalid)
def request_invalid(request, error: RequestInvalid):
    """A parameter or body that does not match the operation's description: 422, each problem by where it is."""
    problems = [{"field": _location(request, problem.get("loc", ())), "message": problem.get("msg", "")}
                for problem in error.errors]
    return _error(request, 422, _("The request does not match the API's description: see problems."),
                  "invalid_request", problems)


def _location(request, loc) -> str:
    """`query.page_size`, `query.trl.0`, `path.calloff_id`, `body.rows.0.amount`: where, then what.

    ninja puts the name of the function's parameter that holds a body or a query schema second (`body.payload.
    title`); that name is the code's, not the API's, so it is left out.
    """
    parts = [str(part) for part in loc]
    in_body = parts[:1] == ["body"] and len(parts) > 1
    in_query_schema = parts[:1] == ["query"] and len(parts) > 2 and parts[1] not in request.GET
    if in_body or in_query_schema:
        del parts[1]
    return ".".join(parts)


@api.exception_handler(AuthenticationError)
def not_authenticated(request, error: AuthenticationError):
    return _error(request, 401, _("Authenticate with a personal API token in an Authorization: Bearer header, "
                                  "or with a browser session."), "not_authenticated")


@api.exception_handler(CsrfFailed)
def csrf_failed(request, error: CsrfFailed):
    return _error(request, 403, error.message, "csrf_failed")


@api.exception_handler(HttpError)
def http_error(request, error: HttpError):
    """ninja's own: 400 for a body that is not JSON."""
    if error.status_code == 400:
        return _error(request, 400, _("The request body is not valid JSON."), "bad_json")
    return _error(request, error.status_code, str(error), "error")


@api.exception_handler(RequestDataTooBig)
def too_large(request, error: RequestDataTooBig):
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _error(request, 413, _("The request is too large: at most %(size)s MB.") % {"size": megabytes},
                  "too_large")



@api.exception_handler(RateLimited)
def rate_limited(request, error: RateLimited):
    """An operation that counts its uses (`core.ratelimit.check`) and lists 429: when to try again, in seconds."""
    response = _error(request, 429, error.message, "rate_limited")
    response["Retry-After"] = str(error.retry_after)
    return response
