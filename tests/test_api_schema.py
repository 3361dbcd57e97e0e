"""The OpenAPI document tells the truth (issue 9, point 19).

schemathesis calls every operation through the WSGI application, in this process and on the test
database, as an anonymous visitor and with the personal API token of a supplier's representative and of
an agency procurer, with data that fits the document and data that does not. It fails on a server error,
a status the operation does not document, a body or content type outside the document, and an ill-typed
request that is not refused.

The supplier's run has every phase: the examples, the coverage phase (each parameter and field at its
boundaries and with the wrong type, a deterministic list) and random fuzzing. Validation comes before
any persona's own path, so the agency procurer's run fuzzes only, to reach its side of the call-off; the
visitor's run fuzzes only too, as every operation but the public ones answers it 401 before reading
anything.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from innokop.catalogue import services as catalogue_services

from .agreements.conftest import agreement, published  # noqa: F401  (fixtures)
from .calloffs.conftest import draft, lot, open_calloff, ready  # noqa: F401  (fixtures)
from .catalogue.conftest import VALUES
from .factories import api_token

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]
PHASES = {
    "supplier": {"coverage": {"unexpected-methods": [], "generation": {"mode": "negative"}}},
    "agency": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
    "anonymous": {"examples": {"enabled": False}, "coverage": {"enabled": False}},
}


@pytest.fixture
def world(open_calloff, supplier, supplier_org, cpb_manager):  # noqa: F811
    """A call-off open for tenders with the supplier invited, and the supplier's published solution."""
    solution = catalogue_services.solution_create(actor=supplier, supplier=supplier_org,
                                                  title="Smart avfallshantering", **VALUES)
    catalogue_services.solution_submit(actor=supplier, solution=solution)
    catalogue_services.solution_publish(actor=cpb_manager, solution=solution)
    return open_calloff


@pytest.fixture(params=["anonymous", "supplier", "agency"])
def persona(request) -> str:
    return request.param


@pytest.fixture
def caller(persona, world, supplier, agency_procurer) -> dict:
    """The headers of the persona calling: none, or its personal API token."""
    user = {"anonymous": None, "supplier": supplier, "agency": agency_procurer}[persona]
    if user is None:
        return {}
    return {"Authorization": f"Bearer {api_token(user)}"}


@pytest.fixture
def api_schema(request, persona, world, client):
    """The document as the API serves it, with the persona's phases."""
    # schemathesis 4.32 renames the test node for its report through `_nodeid`, which pytest 9 no longer
    # has; giving it one keeps the report and changes nothing else.
    request.node._nodeid = request.node.nodeid
    config = SchemathesisConfig.from_dict({"generation": {"max-examples": 6}, "phases": PHASES[persona]})
    schema = schemathesis.openapi.from_dict(client.get("/api/openapi.json").json(), config=config)
    schema.app = get_wsgi_application()
    # As in Django's test client (which connects them again after each of its own requests): the end of a
    # request does not close the connection that holds the test's transaction (PostgreSQL).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_its_document_says(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)


ERROR_OUT = "#/components/schemas/ErrorOut"


@pytest.mark.django_db
def test_every_error_an_operation_documents_is_the_one_error_schema(client):
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            errors = {int(status) for status in responses if int(status) >= 400}
            assert 403 in errors, (method, path)  # a session without two-factor authentication, at least
            for status in errors:
                assert responses[str(status)]["content"]["application/json"]["schema"] == {"$ref": ERROR_OUT}
            if operation.get("security"):
                assert {401, 403} <= errors, (method, path)
            if "requestBody" in operation:
                assert {400, 413, 422} <= errors, (method, path)
            if any(parameter["in"] == "path" for parameter in operation.get("parameters", [])):
                assert {404, 422} <= errors, (method, path)
    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"detail", "code"}


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["page_size[a]=1", 'page_size={"a":1}', "page_size=101", "page_size=0",
                                   "trl=10", "cpv=9", "verified=maybe", "lot=-1"])
def test_an_ill_typed_search_parameter_is_refused(client, query):
    response = client.get(f"/api/solutions?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert response.json()["problems"][0]["field"].startswith("query." + query.split("=")[0].split("[")[0])


@pytest.mark.django_db
def test_a_json_body_over_the_limit_answers_413_with_the_error_schema(client, supplier, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    token = api_token(supplier)
    response = client.post("/api/solutions", {"title": "x" * 2000, "summary": "y"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["code"] == "too_large"


@pytest.mark.django_db
def test_an_anonymous_write_answers_401_not_a_csrf_403():
    strict = Client(enforce_csrf_checks=True)
    for method, path in [("post", "/api/solutions"), ("put", "/api/solutions/1"),
                         ("delete", "/api/calloffs/1/tender/attachments/abc"), ("post", "/api/notifications/read")]:
        response = getattr(strict, method)(path, {}, content_type="application/json")
        assert response.status_code == 401, (method, path)
        assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token_and_says_so(supplier):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(supplier)
    refused = strict.post("/api/notifications/read", {}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    strict.get("/")  # the page sets the CSRF cookie
    marked = strict.post("/api/notifications/read", {}, content_type="application/json",
                         HTTP_X_CSRFTOKEN=strict.cookies["csrftoken"].value)
    assert marked.status_code == 200


@pytest.mark.django_db
def test_a_problem_names_the_field_as_the_document_does(client, supplier):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api_token(supplier)}"}
    listed = client.post("/api/notifications/read", [1], content_type="application/json", **headers)
    assert [p["field"] for p in listed.json()["problems"]] == ["body"]
    wrong = client.post("/api/notifications/read", {"ids": [1, "2"], "all": True}, content_type="application/json",
                        **headers)
    assert sorted(p["field"] for p in wrong.json()["problems"]) == ["body.all", "body.ids.1"]
    assert client.get("/api/solutions/abc").json()["problems"][0]["field"] == "path.solution_id"
    assert client.get("/api/solutions?trl=0").json()["problems"][0]["field"] == "query.trl.0"


@pytest.mark.django_db
def test_text_with_a_nul_character_is_refused_before_the_database_sees_it(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/solutions?q=avfall%00")
    assert response.status_code == 422
    assert response.json()["problems"] == [{"field": "query.q", "message": "Text may not contain the NUL character."}]


def test_a_rate_limit_answers_429_with_the_error_schema_and_when_to_try_again(rf):
    from innokop.config.api import api
    from innokop.core.ratelimit import RateLimited

    response = api.on_exception(rf.post("/api/x"), RateLimited(action="question", retry_after=90))
    assert response.status_code == 429 and response["Retry-After"] == "90"
    assert json.loads(response.content)["code"] == "rate_limited"


@pytest.mark.django_db
@pytest.mark.parametrize("field, value", [("year", "2026"), ("quarter", True), ("quarter", 1.0)])
def test_a_number_in_a_body_is_a_json_number(client, supplier, field, value):
    body = {"agreement_id": 1, "supplier_id": 1, "year": 2026, "quarter": 1, "zero": True} | {field: value}
    response = client.post("/api/sales-reports", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {api_token(supplier)}")
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == f"body.{field}"
