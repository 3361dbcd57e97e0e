"""The catalogue API: public reading; suppliers write their own solutions with a personal token."""

import pytest

from innokop.catalogue.models import Solution, SolutionStatus

from ..factories import api_token
from .conftest import VALUES

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(supplier):
    return api_token(supplier)


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_anyone_searches_published_solutions_with_facets(client, published):
    response = client.get("/api/solutions", {"q": "avfall", "cpv": "90"})
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1 and data["items"][0]["id"] == published.pk
    assert "<mark>" in data["items"][0]["snippet"]
    cpv = next(facet for facet in data["facets"] if facet["name"] == "cpv")
    assert cpv["values"] == [{"value": "90", "label": cpv["values"][0]["label"], "count": 1, "selected": True}]


def test_anyone_reads_a_published_solution_but_not_a_draft(client, published, supplier, supplier_org):
    from innokop.catalogue import services

    other_draft = services.solution_create(actor=supplier, supplier=supplier_org, title="Utkast", summary="x")
    assert client.get(f"/api/solutions/{published.pk}").json()["title"] == "Smart avfallshantering"
    response = client.get(f"/api/solutions/{other_draft.pk}")
    assert response.status_code == 404
    assert response.json() | {"detail": ""} == {"detail": "", "code": "not_found", "problems": []}


def test_a_supplier_reads_its_own_draft_with_a_token(client, draft, token):
    response = client.get(f"/api/solutions/{draft.pk}", **bearer(token))
    assert response.status_code == 200 and response.json()["status"] == "draft"


def test_supplier_profile(client, published, supplier_org):
    data = client.get(f"/api/suppliers/{supplier_org.pk}").json()
    assert data["name"] == supplier_org.name and [s["id"] for s in data["solutions"]] == [published.pk]


def test_writing_needs_authentication(client):
    assert client.post("/api/solutions", {"title": "x", "summary": "y"}, content_type="application/json").status_code == 401


def test_a_supplier_creates_updates_and_submits_with_a_token(client, supplier, token, clock):
    response = client.post("/api/solutions", {"title": "Via API", **VALUES}, content_type="application/json",
                           **bearer(token))
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    response = client.put(f"/api/solutions/{pk}", {"title": "Via API, nytt namn"}, content_type="application/json",
                          **bearer(token))
    assert response.status_code == 200 and response.json()["title"] == "Via API, nytt namn"
    response = client.post(f"/api/solutions/{pk}/submit", **bearer(token))
    assert response.status_code == 200 and response.json()["status"] == SolutionStatus.SUBMITTED


def test_put_on_a_published_solution_proposes_changes(client, published, token):
    response = client.put(f"/api/solutions/{published.pk}", {"title": "Nytt"}, content_type="application/json",
                          **bearer(token))
    assert response.status_code == 200
    assert response.json()["title"] == "Smart avfallshantering"
    assert response.json()["pending_changes"] == {"title": "Nytt"}


def test_another_supplier_gets_403_on_a_published_solution_and_404_on_a_draft(client, published, supplier,
                                                                              supplier_org, supplier_b):
    from innokop.catalogue import services

    draft = services.solution_create(actor=supplier, supplier=supplier_org, title="Utkast", summary="x")
    headers = bearer(api_token(supplier_b))
    assert client.put(f"/api/solutions/{published.pk}", {"title": "Kapad"}, content_type="application/json",
                      **headers).status_code == 403
    assert client.put(f"/api/solutions/{draft.pk}", {"title": "Kapad"}, content_type="application/json",
                      **headers).status_code == 404
    assert client.post(f"/api/solutions/{published.pk}/submit", **headers).status_code == 403


def test_an_agency_cannot_create_solutions(client, agency_procurer, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(agency_procurer)
    response = client.post("/api/solutions", {"title": "x", "summary": "y"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not change this solution.", "code": "forbidden", "problems": []}


def test_a_refused_transition_is_a_400_with_the_reason(client, supplier, token, supplier_org):
    from innokop.catalogue import services

    solution = services.solution_create(actor=supplier, supplier=supplier_org, title="Tom", summary="x")
    response = client.post(f"/api/solutions/{solution.pk}/submit", **bearer(token))
    assert response.status_code == 400 and response.json()["detail"]
    assert response.json()["code"] == "catalogue_refused" and response.json()["problems"] == []
    assert Solution.objects.get(pk=solution.pk).status == SolutionStatus.DRAFT
