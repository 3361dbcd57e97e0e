"""The tenders API: a supplier's integration builds, submits, replaces and withdraws its tender with a token."""

import base64
import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from innokop.calloffs.models import CallOff, Tender, TenderSubmission
from innokop.calloffs.services import tenders
from innokop.core.models import AuditEvent

from ..factories import api_token
from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    PHRASE,
    calloff,
    complete,
    english,
    priced_lot,
    requirement,
    row,
    submit,
    supplier_clerk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.4\n% referenser\n"


def bearer(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def _json(content) -> dict:
    """TenderContent as the API takes it (the ids as JSON object keys, amounts as strings)."""
    return {"requirements": {str(pk): {"meets": a.meets, "evidence": a.evidence}
                             for pk, a in content.requirements.items()},
            "criteria": {str(pk): text for pk, text in content.criteria.items()},
            "total_price": str(content.total_price), "prices": {str(pk): str(p) for pk, p in content.prices.items()}}


def _base(calloff) -> str:
    return f"/api/calloffs/{calloff.pk}/tender"


def test_a_supplier_builds_and_submits_a_tender_with_a_token(client, calloff, supplier, supplier_org):
    auth = bearer(supplier)
    status = client.get(_base(calloff), **auth).json()
    assert status["status"] == "not_started" and status["may_tender"] is True and status["receipts"] == []
    assert [r["identifier"] for r in status["asks"]["requirements"]] == ["K1", "K2", "K4"]
    assert [p["label"] for p in status["asks"]["price_rows"]] == ["Konsulttimme", "Licens"]
    assert {c["name"] for c in status["asks"]["criteria"]} == {"Pris", "Kvalitet"}

    content = complete(calloff)
    saved = client.put(f"{_base(calloff)}/draft", _json(content), content_type="application/json", **auth)
    assert saved.status_code == 200, saved.content
    stored = tenders.read_draft(Tender.objects.get())
    assert stored == content and stored.salt != content.salt  # the server salts what it keeps
    assert saved.json()["problems"] == [] and saved.json()["sha256"] == stored.sha256()
    content = stored

    receipt = client.post(f"{_base(calloff)}/submit", {"expected_sha256": content.sha256()},
                          content_type="application/json", **auth)
    assert receipt.status_code == 201, receipt.content
    body = receipt.json()
    assert body["number"] == 1 and body["status"] == "current" and body["supplier"] == supplier_org.name
    assert body["sha256"] == hashlib.sha256(content.to_bytes()).hexdigest()
    assert body["size"] == len(content.to_bytes()) and body["submitted_at"].startswith("2027-03-15T09:00:00")
    assert client.get(f"{_base(calloff)}/receipts/1", **auth).json() == body
    status = client.get(_base(calloff), **auth).json()
    assert status["status"] == "submitted" and status["receipts"] == [body]


def test_the_draft_reads_back_with_what_stops_submission(client, calloff, supplier):
    auth = bearer(supplier)
    hourly = row(calloff, "Konsulttimme")
    content = complete(calloff)
    payload = _json(content) | {"prices": {str(hourly.pk): "1300.00"}}
    body = client.put(f"{_base(calloff)}/draft", payload, content_type="application/json", **auth).json()
    assert [p["field"] for p in body["problems"]] == [f"price_{hourly.pk}", f"price_{row(calloff, 'Licens').pk}"]
    assert "above the framework agreement's ceiling price" in body["problems"][0]["message"]
    assert client.get(f"{_base(calloff)}/draft", **auth).json() == body
    refused = client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth)
    assert refused.status_code == 400
    assert refused.json()["problems"] == body["problems"]
    assert refused.json()["detail"].startswith("The tender cannot be submitted yet")
    assert refused.json()["code"] == "tender_incomplete"
    assert not TenderSubmission.objects.exists()


def test_amounts_are_checked_by_the_schema(client, calloff, supplier):
    auth = bearer(supplier)
    for bad in ("-5", "12.345", "tusen"):
        response = client.put(f"{_base(calloff)}/draft", {"total_price": bad}, content_type="application/json",
                              **auth)
        assert response.status_code == 422, bad
    assert not Tender.objects.exists()


def test_answers_to_what_the_call_off_does_not_ask_are_refused(client, calloff, supplier):
    response = client.put(f"{_base(calloff)}/draft", {"criteria": {"999999": "Svar"}},
                          content_type="application/json", **bearer(supplier))
    assert response.status_code == 400
    assert response.json()["problems"][0]["field"] == "criteria"
    assert "asks for no criterion with the id(s) 999999" in response.json()["detail"]
    assert response.json()["code"] == "invalid"  # a ValidationError from the service


def test_attachments_as_base64_with_the_same_checks_as_uploads(client, calloff, supplier):
    auth = bearer(supplier)
    url = f"{_base(calloff)}/attachments"
    added = client.post(url, {"name": "Referenser.pdf", "data": base64.b64encode(PDF).decode()},
                        content_type="application/json", **auth)
    assert added.status_code == 201, added.content
    attachment, = added.json()["attachments"]
    assert attachment == {"name": "Referenser.pdf", "content_type": "application/pdf", "size": len(PDF),
                          "sha256": hashlib.sha256(PDF).hexdigest()}
    for payload, message in [({"name": "x.pdf", "data": "inte base64!"}, "not valid base64"),
                             ({"name": "x.pdf", "data": base64.b64encode(b"MZ\x90\x00").decode()}, "not of a kind"),
                             ({"name": "y.pdf", "data": base64.b64encode(PDF).decode()}, "already attached"),
                             ({}, "a name and its content")]:
        refused = client.post(url, payload, content_type="application/json", **auth)
        assert refused.status_code == 400 and message in refused.json()["detail"], payload
    removed = client.delete(f"{url}/{attachment['sha256']}", **auth)
    assert removed.status_code == 200 and removed.json()["attachments"] == []


def test_a_put_with_attachments_replaces_them_and_without_keeps_them(client, calloff, supplier):
    auth = bearer(supplier)
    files = [{"name": "a.txt", "data": base64.b64encode(b"Ett").decode()},
             {"name": "a.txt", "data": base64.b64encode(b"Tva").decode()}]
    body = client.put(f"{_base(calloff)}/draft", _json(complete(calloff)) | {"attachments": files},
                      content_type="application/json", **auth).json()
    assert [a["name"] for a in body["attachments"]] == ["a.txt", "a-2.txt"]
    body = client.put(f"{_base(calloff)}/draft", _json(complete(calloff)), content_type="application/json",
                      **auth).json()
    assert len(body["attachments"]) == 2
    submission = client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth).json()
    assert submission["sha256"] == tenders.read_draft(Tender.objects.get()).sha256()


def test_replace_and_withdraw_through_the_api(client, calloff, supplier):
    auth = bearer(supplier)
    client.put(f"{_base(calloff)}/draft", _json(complete(calloff)), content_type="application/json", **auth)
    first = client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth).json()
    client.put(f"{_base(calloff)}/draft", _json(complete(calloff, price=Decimal(1000))),
               content_type="application/json", **auth)
    second = client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth).json()
    assert (first["number"], second["number"]) == (1, 2)
    assert client.get(f"{_base(calloff)}/receipts/1", **auth).json()["status"] == "replaced"
    withdrawn = client.post(f"{_base(calloff)}/withdraw", **auth)
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"
    assert withdrawn.json()["number"] == 2
    assert client.get(_base(calloff), **auth).json()["status"] == "withdrawn"
    again = client.post(f"{_base(calloff)}/withdraw", **auth)
    assert again.status_code == 400 and "no submitted tender" in again.json()["detail"]
    assert AuditEvent.objects.filter(verb__startswith="tender.").count() == 4  # started, submitted, replaced, withdrawn


def test_a_changed_draft_is_not_submitted_through_the_api(client, calloff, supplier):
    auth = bearer(supplier)
    client.put(f"{_base(calloff)}/draft", _json(complete(calloff)), content_type="application/json", **auth)
    response = client.post(f"{_base(calloff)}/submit", {"expected_sha256": "0" * 64},
                           content_type="application/json", **auth)
    assert response.status_code == 400 and "changed since you checked it" in response.json()["detail"]


def test_the_api_refuses_a_late_tender_and_takes_one_at_the_deadline(client, calloff, supplier, clock):
    auth = bearer(supplier)
    client.put(f"{_base(calloff)}/draft", _json(complete(calloff)), content_type="application/json", **auth)
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    late = client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth)
    assert late.status_code == 400 and "has passed" in late.json()["detail"]
    assert late.json()["code"] == "calloff_refused" and late.json()["problems"] == []
    assert client.get(_base(calloff), **auth).json()["may_tender"] is False
    clock.set(calloff.tender_deadline)
    assert client.post(f"{_base(calloff)}/submit", content_type="application/json", **auth).status_code == 201


@pytest.mark.parametrize("persona, status", [("agency_procurer", 404), ("agency_colleague", 404),
                                             ("other_agency_procurer", 404), ("supplier_off_lot", 404),
                                             ("cpb_manager", 404), ("supplier_clerk", 403)])
def test_only_the_suppliers_representatives_use_the_tender_api(client, calloff, supplier, persona, status, request):
    submit(supplier, calloff)
    auth = bearer(request.getfixturevalue(persona))
    base = _base(calloff)
    answers = [client.get(base, **auth), client.get(f"{base}/draft", **auth),
               client.get(f"{base}/receipts/1", **auth),
               client.put(f"{base}/draft", {}, content_type="application/json", **auth),
               client.post(f"{base}/submit", content_type="application/json", **auth),
               client.post(f"{base}/withdraw", **auth),
               client.post(f"{base}/attachments", {}, content_type="application/json", **auth)]
    assert [r.status_code for r in answers] == [status] * len(answers)
    assert TenderSubmission.objects.get().is_current  # nothing changed
    assert PHRASE not in "".join(r.content.decode() for r in answers)


def test_without_a_token_the_api_answers_401(client, calloff):
    assert client.get(_base(calloff)).status_code == 401
    assert client.post(f"{_base(calloff)}/submit", content_type="application/json").status_code == 401


def test_the_receipt_of_another_supplier_is_not_found(client, calloff, supplier, supplier_b):
    submit(supplier, calloff)
    assert client.get(f"{_base(calloff)}/receipts/1", **bearer(supplier_b)).status_code == 404
    assert client.get(_base(calloff), **bearer(supplier_b)).json()["receipts"] == []


def test_the_evaluated_requirement_k4_is_asked_as_evaluated(client, calloff, supplier):
    asked = client.get(_base(calloff), **bearer(supplier)).json()["asks"]["requirements"]
    assert {r["identifier"]: r["kind"] for r in asked} == {"K1": "mandatory", "K2": "mandatory", "K4": "evaluated"}
    assert asked[0]["id"] == requirement(calloff, "K1").pk


def test_there_is_no_tender_in_ranking_order(login, calloff, supplier):
    CallOff.objects.filter(pk=calloff.pk).update(method="ranking")
    client = login(supplier)
    assert client.get(f"/api/calloffs/{calloff.pk}/tender").status_code == 404
    assert client.get(reverse("calloffs:tender_edit", args=[calloff.pk])).status_code == 404


def test_the_supplier_learns_of_its_qualification_only_with_the_decision(login, calloff, supplier):
    submit(supplier, calloff)
    Tender.objects.filter(calloff=calloff).update(status="rejected", rejection_reason="K1")
    CallOff.objects.filter(pk=calloff.pk).update(status="opened")
    client = login(supplier)
    assert client.get(f"/api/calloffs/{calloff.pk}/tender").json()["status"] == "submitted"
    CallOff.objects.filter(pk=calloff.pk).update(status="awarded")
    assert client.get(f"/api/calloffs/{calloff.pk}/tender").json()["status"] == "rejected"
