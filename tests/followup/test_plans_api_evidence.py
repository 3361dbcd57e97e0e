"""A supplier answers a follow-up round through the API with evidence documents (multipart/form-data), checked as
the page checks them (`core.documents`): size (413), kind by content (422), a safe name; nothing saved when one file
is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from innokop.core.models import AuditEvent, Document
from innokop.followup.models import FollowUpRound, RoundStatus
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


def _url(followup_round) -> str:
    return f"/api/follow-up/rounds/{followup_round.pk}/answer-with-evidence"


def test_the_answer_takes_evidence_files_under_safe_names(client, followup_round, supplier):
    answered = client.post(_url(followup_round), {
        "answer": "Se granskningsrapporten.",
        "evidence": [SimpleUploadedFile("../../granskning 2027.pdf", b"%PDF-1.4 rapport"),
                     SimpleUploadedFile("intyg.txt", b"Intyg om tillganglighet")]}, **_headers(supplier))
    assert answered.status_code == 200, answered.content
    body = answered.json()
    assert body["status"] == RoundStatus.ANSWERED and len(body["documents"]) == 2
    documents = Document.objects.filter(attached_to=followup_round.document_key, owner=followup_round.supplier)
    assert documents.count() == 2
    names = {d.current.safe_name for d in documents}
    assert all("/" not in name and ".." not in name for name in names)
    assert AuditEvent.objects.get(verb="followup_round.answered").payload["documents"] == body["documents"]


def test_a_file_of_a_kind_not_accepted_refuses_the_whole_answer_with_422(client, followup_round, supplier):
    refused = client.post(_url(followup_round), {
        "answer": "Svar",
        "evidence": [SimpleUploadedFile("rapport.pdf", b"%PDF-1.4 ok"),
                     SimpleUploadedFile("rapport2.pdf", b"MZ\x90\x00 not a pdf")]}, **_headers(supplier))
    assert refused.status_code == 422
    assert refused.json()["code"] == "file_bad_type"
    assert refused.json()["problems"][0]["field"] == "evidence"
    assert FollowUpRound.objects.get(pk=followup_round.pk).status == RoundStatus.REQUESTED
    assert not Document.objects.filter(attached_to=followup_round.document_key).exists()


def test_a_file_over_the_size_limit_answers_413(client, followup_round, supplier, settings):
    settings.INNOKOP_MAX_UPLOAD_BYTES = 1024
    refused = client.post(_url(followup_round), {
        "answer": "Svar", "evidence": [SimpleUploadedFile("stor.pdf", b"%PDF-1.4 " + b"x" * 2048)]},
        **_headers(supplier))
    assert refused.status_code == 413 and refused.json()["code"] == "file_too_large"
    assert not Document.objects.filter(attached_to=followup_round.document_key).exists()


def test_only_the_supplier_answers_and_a_missing_answer_is_422(client, followup_round, supplier, supplier_b,
                                                                agency_procurer):
    assert client.post(_url(followup_round), {"answer": "x"}, **_headers(supplier_b)).status_code == 404
    assert client.post(_url(followup_round), {"answer": "x"}, **_headers(agency_procurer)).status_code == 403
    assert client.post(_url(followup_round), {}, **_headers(supplier)).status_code == 422
    no_files = client.post(_url(followup_round), {"answer": "Inga filer behövs."}, **_headers(supplier))
    assert no_files.status_code == 200 and no_files.json()["documents"] == []
