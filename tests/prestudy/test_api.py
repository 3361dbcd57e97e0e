"""The API answers as the pages do: public needs for anyone without the budget, an agency writes its own with a
token, the purchasing body reads its pre-studies."""

from innokop.prestudy import services
from innokop.prestudy.models import Need

from ..factories import api_token

BODY = {"title": "Snabbare handläggning av bygglov", "problem": "Handläggningen tar för lång tid.",
        "current_situation": "Manuell granskning av varje ansökan.", "desired_effects": "Beslut inom fyra veckor.",
        "effect_measures": "Median handläggningstid i dagar.", "affected": "Sökande och handläggare.",
        "volume": 1200, "volume_unit": "ärenden", "budget": 800000, "needed_year": 2028, "needed_quarter": 1,
        "cpv_codes": ["72000000-5"], "region": "SE110", "urgency": "high", "is_public": True}


def _headers(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def test_an_agency_writes_its_need_with_a_token_and_gets_the_warnings(client, agency_procurer, agency, supplier_org):
    body = BODY | {"problem": "Vi vill ha det som Leverantör Ett AB har."}
    created = client.post("/api/needs", body, content_type="application/json", **_headers(agency_procurer))
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["agency_id"] == agency.pk and data["budget"] == "800000"
    assert [w["name"] for w in data["warnings"]] == ["Leverantör Ett AB"]
    need = Need.objects.get()
    changed = client.put(f"/api/needs/{need.pk}", BODY | {"volume": 1500}, content_type="application/json",
                         **_headers(agency_procurer))
    assert changed.status_code == 200 and changed.json()["volume"] == 1500 and changed.json()["warnings"] == []


def test_writing_is_refused_outside_the_agency_and_with_unknown_codes(client, agency_procurer, need, supplier,
                                                                      other_agency_procurer):
    assert client.post("/api/needs", BODY, content_type="application/json").status_code == 401
    assert client.post("/api/needs", BODY, content_type="application/json", **_headers(supplier)).status_code == 403
    assert client.put(f"/api/needs/{need.pk}", BODY, content_type="application/json",
                      **_headers(other_agency_procurer)).status_code == 403
    wrong = client.post("/api/needs", BODY | {"cpv_codes": ["99999999"]}, content_type="application/json",
                        **_headers(agency_procurer))
    assert wrong.status_code == 400 and wrong.json()["code"] == "unknown_cpv"
    assert client.post("/api/needs", BODY | {"volume": "12"}, content_type="application/json",
                       **_headers(agency_procurer)).status_code == 422


def test_the_budget_is_null_for_everyone_but_the_agency_and_the_purchasing_body(
        client, need, internal_need, agency_colleague, other_agency_procurer, supplier, cpb_manager):
    anonymous = client.get("/api/needs").json()
    assert [item["id"] for item in anonymous] == [need.pk] and anonymous[0]["budget"] is None
    assert client.get(f"/api/needs/{internal_need.pk}").status_code == 404
    for reader in (other_agency_procurer, supplier):
        assert client.get(f"/api/needs/{need.pk}", **_headers(reader)).json()["budget"] is None
        assert client.get(f"/api/needs/{internal_need.pk}", **_headers(reader)).status_code == 404
    for reader in (agency_colleague, cpb_manager):
        assert client.get(f"/api/needs/{need.pk}", **_headers(reader)).json()["budget"] == "1200000"
        assert client.get(f"/api/needs/{internal_need.pk}", **_headers(reader)).json()["budget"] == "900000"
    totals = client.get("/api/needs/totals").json()
    assert totals["needs"] == 1 and totals["budget"] is None
    assert totals["by_cpv_division"][0]["key"] == "90" and totals["by_cpv_division"][0]["volume"] == 400


def test_the_purchasing_body_reads_its_pre_studies(client, prestudy, need, internal_need, cpb_manager,
                                                   agency_procurer):
    services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    services.need_link(actor=cpb_manager, need=internal_need, prestudy=prestudy)
    data = client.get(f"/api/prestudies/{prestudy.pk}", **_headers(cpb_manager)).json()
    assert data["status"] == "planning" and sorted(data["need_ids"]) == sorted([need.pk, internal_need.pk])
    assert data["totals"]["needs"] == 2 and data["totals"]["budget"] == "2100000"
    assert [p["id"] for p in client.get("/api/prestudies", **_headers(cpb_manager)).json()] == [prestudy.pk]
    assert client.get("/api/prestudies", **_headers(agency_procurer)).json() == []
    assert client.get(f"/api/prestudies/{prestudy.pk}", **_headers(agency_procurer)).status_code == 404
    assert client.get(f"/api/prestudies/{prestudy.pk}").status_code == 401
