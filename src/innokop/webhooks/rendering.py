"""What a delivery carries: the API's own answer to the endpoint's organisation, read inside the process.

The request goes through the API's URL configuration and operation like any other (the same permission checks,
schemas and side effects of reading), as the endpoint's creator limited to the endpoint's organisation: what a
token of that organisation would read at that moment. A 404 or 403 means the organisation may not see the object,
and nothing is delivered.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.urls import resolve, reverse
from django.utils import translation

from innokop.accounts.permissions import actor_for

from .models import Endpoint

API_ROOT_NAME = "api:api-root"


def api_url(path: str) -> str:
    """`calloffs/12` → `/api/calloffs/12`, wherever the API is mounted."""
    return reverse(API_ROOT_NAME) + path


def _request(path: str, endpoint: Endpoint) -> HttpRequest:
    site = urlsplit(settings.SITE_URL)
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    request.META = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
                    "SERVER_NAME": site.hostname or "localhost", "HTTP_HOST": site.netloc or "localhost",
                    "SERVER_PORT": str(site.port or (443 if site.scheme == "https" else 80)),
                    "wsgi.url_scheme": site.scheme or "https", "HTTP_ACCEPT": "application/json"}
    # A fresh user object: `only_organisation_id` must not leak into anything else that holds the creator.
    user = get_user_model().objects.get(pk=endpoint.created_by_id)
    user.only_organisation_id = endpoint.organisation_id
    request.user = user
    request.actor = actor_for(user)
    request.auth_token = True  # as the token middleware marks a token's request: no session, no CSRF
    request._dont_enforce_csrf_checks = True
    return request


def api_read(path: str, endpoint: Endpoint) -> tuple[int, object]:
    """The API's status and JSON answer for a GET of `path` (e.g. /api/calloffs/12) by the endpoint's organisation."""
    match = resolve(path)
    request = _request(path, endpoint)
    request.resolver_match = match
    if not request.user.is_active:
        return 404, None
    with translation.override(settings.LANGUAGE_CODE):
        response = match.func(request, *match.args, **match.kwargs)
    return response.status_code, json.loads(response.content) if response.content else None
