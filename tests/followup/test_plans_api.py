"""The follow-up API with tokens: a supplier reads its requests, answers them and proposes a corrective action;
the agency reads what it follows up; each answers as the pages do (404 invisible, 403 the other side's step)."""

import pytest

from innokop.followup.models import DeviationStatus, RoundStatus
from innokop.followup.services import plans as services

from ..factories import api_token
from .test_plans_setup import at, build


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


@pytest.fixture
def followup_round(clock, cpb, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b):
    clock.set(at(2027, 5, 3, 8))
    setup = build(cpb=cpb, cpb_manager=cpb_manager, agency=agency, agency_procurer=agency_procurer,
                  supplier_org=supplier_org, supplier_org_b=supplier_org_b)
    plan = services.plan_create_for_contract(actor=agency_procurer, contract=setup.contract)
    return services.round_request(actor=agency_procurer, item=plan.items.get(identifier="K2"), supplier=supplier_org)


def test_a_supplier_reads_answers_and_proposes_a_corrective_action(client, followup_round, supplier, agency_procurer):
    headers = _headers(supplier)
    [listed] = client.get("/api/follow-up/rounds", **headers).json()
    assert listed["reference"] == followup_round.reference and listed["status"] == "requested"
    assert listed["overdue"] is False and listed["history"][0]["kind"] == "requested"
    empty = client.post(f"/api/follow-up/rounds/{followup_round.pk}/answer", {"answer": ""},
                        content_type="application/json", **headers)
    assert empty.status_code == 422
    answered = client.post(f"/api/follow-up/rounds/{followup_round.pk}/answer", {"answer": "Uppfyllt, se rapport."},
                           content_type="application/json", **headers)
    assert answered.status_code == 200 and answered.json()["status"] == RoundStatus.ANSWERED
    again = client.post(f"/api/follow-up/rounds/{followup_round.pk}/answer", {"answer": "Igen"},
                        content_type="application/json", **headers)
    assert again.status_code == 409 and again.json()["code"] == "already_answered"
    no_deviation = client.post(f"/api/follow-up/rounds/{followup_round.pk}/corrective-action",
                               {"action": "x", "deadline": "2027-06-01"}, content_type="application/json", **headers)
    assert no_deviation.status_code == 409
    services.round_assess(actor=agency_procurer, followup_round=followup_round, met=False, reason="Saknar bevis.")
    proposed = client.post(f"/api/follow-up/rounds/{followup_round.pk}/corrective-action",
                           {"action": "Skickar bevis.", "deadline": "2027-06-01"}, content_type="application/json",
                           **headers)
    assert proposed.status_code == 200
    assert proposed.json()["deviation"]["status"] == DeviationStatus.ACTION_PLANNED


def test_the_api_answers_as_the_pages_do(client, followup_round, supplier_b, agency_procurer, agency_colleague,
                                         cpb_manager):
    url = f"/api/follow-up/rounds/{followup_round.pk}"
    assert client.get(url, **_headers(supplier_b)).status_code == 404
    assert client.get(url, **_headers(cpb_manager)).status_code == 404
    assert client.get(url, **_headers(agency_colleague)).json()["id"] == followup_round.pk
    refused = client.post(f"{url}/answer", {"answer": "Svar"}, content_type="application/json",
                          **_headers(agency_procurer))
    assert refused.status_code == 403
    assert client.get("/api/follow-up/rounds", **_headers(supplier_b)).json() == []
    [plan] = client.get("/api/follow-up/plans", **_headers(agency_procurer)).json()
    assert {item["identifier"] for item in plan["items"]} == {"K1", "K2", "B1"}
    assert client.get(f"/api/follow-up/plans/{plan['id']}", **_headers(supplier_b)).status_code == 404
