"""The procedure API: an agency's integration starts, prepares and publishes a call-off, answers questions, publishes
clarifications and offers dialogue meetings with a personal token; a supplier's asks questions. The same services
as the pages, so the same rules, audit events and notifications."""

import base64
from dataclasses import asdict
from datetime import date, datetime, timedelta

import pytest
from django.test import Client

from innokop.calloffs import rules, services
from innokop.calloffs.models import CallOff, CallOffQuestion, Clarification, DialogueSlot
from innokop.core import clock as app_clock
from innokop.core.calendar import at_local, local_date
from innokop.core.models import AuditEvent, Notification

from ..factories import api_token

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 3, 16)
NEED = {"title": "AI-stöd i handläggningen", "need": "Handläggarna behöver stöd.", "estimated_value": "3000000"}
PDF = b"%PDF-1.4\n% krav\n"


def bearer(user) -> dict:
    """A personal token that reads and writes (for a buyer, its user has two-factor authentication)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user)}"}


def call(client, method: str, url: str, auth: dict, body=None):
    return getattr(client, method)(f"/api{url}", body, content_type="application/json", **auth)


def _timetable(lot, publish_on: date | None = None) -> dict:
    """The suggested timetable, published today (even on a weekend) unless `publish_on` is given."""
    day = publish_on or local_date(app_clock.now())
    timetable = asdict(rules.suggest_timetable(lot, day)) | {"publish_on": day}
    return {field: value.isoformat() for field, value in timetable.items()}


def _evaluation(lot) -> dict:
    price_weight, weights = rules.middle_weights(lot)
    return {"evaluation_model": "price_quality", "price_weight": price_weight,
            "weights": {str(pk): weight for pk, weight in weights.items()}}


def _meeting(hour: int, place: str | None = None) -> dict:
    return {"starts_at": at_local(TUESDAY, hour).isoformat(), "ends_at": at_local(TUESDAY, hour + 1).isoformat(),
            "place": place or f"Rum {hour}"}


def _verbs(calloff) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="calloffs.calloff", object_id=str(calloff.pk))
                .order_by("pk").values_list("verb", flat=True))


def _notified(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.fixture
def agency_auth(agency_procurer):
    return bearer(agency_procurer)


@pytest.fixture
def supplier_auth(supplier):
    return bearer(supplier)


# Start, the draft's steps, publication

def test_an_agency_starts_prepares_and_publishes_a_call_off(client, lot, agency_auth, agency_procurer, supplier,
                                                            supplier_b, supplier_org, supplier_org_b,
                                                            django_capture_on_commit_callbacks):
    started = call(client, "post", f"/lots/{lot.pk}/calloffs", agency_auth, NEED)
    assert started.status_code == 201, started.content
    body = started.json()
    calloff = CallOff.objects.get(pk=body["id"])
    assert body["status"] == "draft" and body["reference"] == calloff.reference and body["title"] == NEED["title"]
    assert body["method"] == lot.call_off_method and body["lot_id"] == lot.pk
    assert [c["name"] for c in body["criteria"]] == ["Pris", "Kvalitet"]
    assert [r["identifier"] for r in body["requirements"]] == ["K1", "K2"]  # not lot 2's K3
    assert body["steps_done"] == {"need": True, "evaluation": False, "timetable": False}
    assert body["publication_problems"]
    assert list(calloff.team.all()) == [agency_procurer]

    evaluated = call(client, "put", f"/calloffs/{calloff.pk}/draft/evaluation", agency_auth, _evaluation(lot))
    assert evaluated.status_code == 200, evaluated.content
    assert {c["id"]: c["weight"] for c in evaluated.json()["criteria"]} == rules.middle_weights(lot)[1]
    timed = call(client, "put", f"/calloffs/{calloff.pk}/draft/timetable", agency_auth, _timetable(lot))
    assert timed.status_code == 200, timed.content
    assert timed.json()["publication_problems"] == [] and all(timed.json()["steps_done"].values())

    with django_capture_on_commit_callbacks(execute=True):
        published = call(client, "post", f"/calloffs/{calloff.pk}/publish", agency_auth)
    assert published.status_code == 200, published.content
    assert published.json()["status"] == "open" and published.json()["scheduled"] is False
    assert published.json()["published_at"].startswith("2027-03-15T09:00:00")
    assert set(CallOff.objects.get(pk=calloff.pk).invitations.values_list("supplier_id", flat=True)) == {
        supplier_org.pk, supplier_org_b.pk}
    assert _notified("calloff.invited") == {supplier.pk, supplier_b.pk}
    assert _verbs(calloff) == ["calloff.started", "calloff.step_saved", "calloff.step_saved", "calloff.published"]
    assert call(client, "get", f"/calloffs/{calloff.pk}/draft", agency_auth).json() == published.json()


def test_the_need_is_changed_in_the_draft(client, draft, agency_auth):
    changed = call(client, "put", f"/calloffs/{draft.pk}/draft/need", agency_auth,
                   NEED | {"title": "Ny titel", "estimated_value": "2500000"})
    assert changed.status_code == 200, changed.content
    draft.refresh_from_db()
    assert draft.title == "Ny titel" and draft.estimated_value == 2_500_000


def test_a_later_publication_day_schedules_the_publication_and_it_can_be_taken_back(
        client, draft, lot, agency_auth, supplier, django_capture_on_commit_callbacks):
    later = TUESDAY + timedelta(days=1)
    evaluated = call(client, "put", f"/calloffs/{draft.pk}/draft/evaluation", agency_auth, _evaluation(lot))
    assert evaluated.status_code == 200
    timed = call(client, "put", f"/calloffs/{draft.pk}/draft/timetable", agency_auth,
                 _timetable(lot, later))
    assert timed.status_code == 200, timed.content
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = call(client, "post", f"/calloffs/{draft.pk}/publish", agency_auth)
    assert scheduled.status_code == 200, scheduled.content
    assert scheduled.json()["scheduled"] is True
    assert datetime.fromisoformat(scheduled.json()["published_at"]) == at_local(later, 0)  # the start of that day
    assert _notified("calloff.invited") == set()  # nobody is told before the publication day
    assert "calloff.publication_scheduled" in _verbs(draft)

    back = call(client, "post", f"/calloffs/{draft.pk}/unschedule", agency_auth)
    assert back.status_code == 200 and back.json()["status"] == "draft" and back.json()["published_at"] is None
    again = call(client, "post", f"/calloffs/{draft.pk}/unschedule", agency_auth)
    assert again.status_code == 409 and again.json()["code"] == "calloff_refused"


def test_a_call_off_in_ranking_order_is_published_by_offering_it(client, published, agency_auth, supplier,
                                                                  django_capture_on_commit_callbacks):
    ranking_lot = published.lots.get(number=2)
    started = call(client, "post", f"/lots/{ranking_lot.pk}/calloffs", agency_auth, NEED)
    assert started.status_code == 201 and started.json()["method"] == "ranking"
    pk = started.json()["id"]
    timetable = _timetable(ranking_lot)
    refused = call(client, "put", f"/calloffs/{pk}/draft/timetable", agency_auth, timetable)
    assert refused.status_code == 400 and refused.json()["code"] == "ranking_order"
    period = {key: timetable[key] for key in ("contract_start", "contract_end")}
    assert call(client, "put", f"/calloffs/{pk}/draft/contract-period", agency_auth, period).status_code == 200
    answer_by = at_local(TUESDAY + timedelta(days=7), 12)
    with django_capture_on_commit_callbacks(execute=True):
        offered = call(client, "post", f"/calloffs/{pk}/publish", agency_auth, {"answer_by": answer_by.isoformat()})
    assert offered.status_code == 200, offered.content
    assert offered.json()["status"] == "offered"
    assert CallOff.objects.get(pk=pk).offers.get().answer_by == answer_by


def test_the_contract_period_alone_is_for_ranking_order(client, draft, agency_auth):
    refused = call(client, "put", f"/calloffs/{draft.pk}/draft/contract-period", agency_auth,
                   {"contract_start": "2027-06-01", "contract_end": "2028-05-31"})
    assert refused.status_code == 400 and refused.json()["code"] == "not_ranking_order"


# Refusals of the start and the draft

def test_a_supplier_cannot_start_a_call_off(client, lot, supplier_auth):
    refused = call(client, "post", f"/lots/{lot.pk}/calloffs", supplier_auth, NEED)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert not CallOff.objects.exists()


def test_an_unknown_lot_answers_404(client, lot, agency_auth):
    assert call(client, "post", f"/lots/{lot.pk + 999}/calloffs", agency_auth, NEED).status_code == 404


@pytest.mark.parametrize("body", [{"title": "Utan behov"}, NEED | {"method": "ranking"},
                                  NEED | {"estimated_value": "-1"}, NEED | {"title": "x" * 201}])
def test_a_start_that_does_not_match_the_description_answers_422(client, lot, agency_auth, body):
    refused = call(client, "post", f"/lots/{lot.pk}/calloffs", agency_auth, body)
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_request"
    assert not CallOff.objects.exists()


def test_another_agency_does_not_see_the_draft(client, draft, other_agency_procurer):
    auth = bearer(other_agency_procurer)
    for method, url, body in [("get", f"/calloffs/{draft.pk}/draft", None),
                              ("put", f"/calloffs/{draft.pk}/draft/need", NEED),
                              ("post", f"/calloffs/{draft.pk}/publish", None)]:
        answer = call(client, method, url, auth, body)
        assert answer.status_code == 404 and answer.json()["code"] == "not_found", url


def test_a_colleague_outside_the_team_reads_but_may_not_change(client, draft, agency_colleague):
    auth = bearer(agency_colleague)
    assert call(client, "get", f"/calloffs/{draft.pk}/draft", auth).status_code == 200
    assert call(client, "put", f"/calloffs/{draft.pk}/draft/need", auth, NEED).status_code == 403
    assert call(client, "post", f"/calloffs/{draft.pk}/publish", auth).status_code == 403


def test_an_invited_supplier_may_not_act_for_the_agency(client, open_calloff, supplier_auth):
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/draft", supplier_auth).status_code == 404
    for url, body in [(f"/calloffs/{open_calloff.pk}/publish", None),
                      (f"/calloffs/{open_calloff.pk}/clarifications/publish",
                       {"kind": "addendum", "title": "T", "text": "X"}),
                      (f"/calloffs/{open_calloff.pk}/meetings/offer", {"slots": [_meeting(10)]})]:
        answer = call(client, "post", url, supplier_auth, body)
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden", url


def test_a_token_that_only_reads_changes_nothing(client, ready, agency_procurer):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token(agency_procurer, scope='read')}"}
    assert call(client, "get", f"/calloffs/{ready.pk}/draft", auth).status_code == 200
    refused = call(client, "post", f"/calloffs/{ready.pk}/publish", auth)
    assert refused.status_code == 403 and refused.json()["code"] == "insufficient_scope"
    ready.refresh_from_db()
    assert ready.status == "draft"


def test_a_draft_that_is_not_ready_is_not_published(client, draft, agency_auth):
    refused = call(client, "post", f"/calloffs/{draft.pk}/publish", agency_auth)
    assert refused.status_code == 400 and refused.json()["code"] == "calloff_refused"
    assert "timetable" in refused.json()["detail"].lower()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_published_call_off_has_no_draft_to_change(client, open_calloff, agency_auth):
    refused = call(client, "put", f"/calloffs/{open_calloff.pk}/draft/need", agency_auth, NEED)
    assert refused.status_code == 400 and refused.json()["code"] == "calloff_refused"


def test_weights_outside_the_lot_s_ranges_are_refused_field_by_field(client, draft, lot, agency_auth):
    body = _evaluation(lot) | {"price_weight": 90}
    refused = call(client, "put", f"/calloffs/{draft.pk}/draft/evaluation", agency_auth, body)
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    assert refused.json()["problems"]
    draft.refresh_from_db()
    assert draft.evaluation_model == ""


def test_the_team_takes_in_a_colleague_who_may_then_change_the_draft(client, draft, agency_auth, agency_procurer,
                                                                      agency_colleague, other_agency_procurer):
    colleague_auth = bearer(agency_colleague)
    assert call(client, "put", f"/calloffs/{draft.pk}/draft/need", colleague_auth, NEED).status_code == 403
    refused = call(client, "post", f"/calloffs/{draft.pk}/team", colleague_auth, {"user_id": agency_colleague.pk})
    assert refused.status_code == 403
    outsider = call(client, "post", f"/calloffs/{draft.pk}/team", agency_auth, {"user_id": other_agency_procurer.pk})
    assert outsider.status_code == 400 and outsider.json()["problems"][0]["field"] == "user_id"
    added = call(client, "post", f"/calloffs/{draft.pk}/team", agency_auth, {"user_id": agency_colleague.pk})
    assert added.status_code == 200, added.content
    assert {member["id"] for member in added.json()} == {agency_procurer.pk, agency_colleague.pk}
    assert call(client, "get", f"/calloffs/{draft.pk}/team", colleague_auth).json() == added.json()
    assert call(client, "put", f"/calloffs/{draft.pk}/draft/need", colleague_auth, NEED).status_code == 200
    assert "calloff.team_member_added" in _verbs(draft)


def test_a_supplier_does_not_see_the_team(client, open_calloff, supplier_auth):
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/team", supplier_auth).status_code == 404


# Questions and answers

def test_a_supplier_asks_and_the_agency_answers(client, open_calloff, supplier, supplier_b, agency_procurer,
                                                 supplier_auth, agency_auth, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        asked = call(client, "post", f"/calloffs/{open_calloff.pk}/questions", supplier_auth,
                     {"text": "  Ska lösningen integreras med ärendesystemet?  "})
    assert asked.status_code == 201, asked.content
    assert asked.json()["question"] == "Ska lösningen integreras med ärendesystemet?"
    assert asked.json()["answer"] is None and asked.json()["supplier"] is None
    assert _notified("calloff.question_asked") == {agency_procurer.pk}
    other = bearer(supplier_b)
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/questions", other).json() == []  # not yet answered
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/questions", supplier_auth).json() == [asked.json()]
    agency_view = call(client, "get", f"/calloffs/{open_calloff.pk}/questions", agency_auth).json()
    assert agency_view[0]["supplier"] == "Leverantör Ett AB"

    with django_capture_on_commit_callbacks(execute=True):
        answered = call(client, "post", f"/calloffs/{open_calloff.pk}/questions/{asked.json()['id']}/answer",
                        agency_auth, {"answer": "Ja, via ett öppet API."})
    assert answered.status_code == 200, answered.content
    assert answered.json()["answer"] == "Ja, via ett öppet API." and answered.json()["supplier"] == "Leverantör Ett AB"
    assert _notified("calloff.answer_published") == {supplier.pk, supplier_b.pk}
    seen = call(client, "get", f"/calloffs/{open_calloff.pk}/questions", other).json()
    assert [(q["answer"], q["supplier"]) for q in seen] == [("Ja, via ett öppet API.", None)]  # never who asked
    assert _verbs(open_calloff)[-2:] == ["calloff.question_asked", "calloff.question_answered"]
    again = call(client, "post", f"/calloffs/{open_calloff.pk}/questions/{asked.json()['id']}/answer", agency_auth,
                 {"answer": "Igen"})
    assert again.status_code == 400 and again.json()["code"] == "calloff_refused"


def test_the_questions_page_with_a_cursor(client, open_calloff, supplier, supplier_b, agency_auth, clock):
    for number, asker in enumerate([supplier, supplier_b, supplier]):
        clock.set(open_calloff.published_at + timedelta(hours=number + 1))
        services.question_ask(actor=asker, calloff=open_calloff, text=f"Fråga {number}")
    first = call(client, "get", f"/calloffs/{open_calloff.pk}/questions?limit=2", agency_auth)
    assert [q["question"] for q in first.json()] == ["Fråga 0", "Fråga 1"]
    rest = call(client, "get", f"/calloffs/{open_calloff.pk}/questions?limit=2&cursor={first['X-Next-Cursor']}",
                agency_auth)
    assert [q["question"] for q in rest.json()] == ["Fråga 2"] and "X-Next-Cursor" not in rest
    own = call(client, "get", f"/calloffs/{open_calloff.pk}/questions", bearer(supplier_b)).json()
    assert [q["question"] for q in own] == ["Fråga 1"]  # the others' questions are not answered yet


def test_only_an_invited_supplier_asks(client, open_calloff, agency_auth, supplier_off_lot, agency_colleague):
    body = {"text": "En fråga"}
    assert call(client, "post", f"/calloffs/{open_calloff.pk}/questions", agency_auth, body).status_code == 403
    off_lot = call(client, "post", f"/calloffs/{open_calloff.pk}/questions", bearer(supplier_off_lot), body)
    assert off_lot.status_code == 404
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/questions", bearer(supplier_off_lot)).status_code == 404
    assert not CallOffQuestion.objects.exists()


def test_a_supplier_or_a_colleague_may_not_answer(client, open_calloff, supplier, supplier_auth, agency_colleague):
    question = services.question_ask(actor=supplier, calloff=open_calloff, text="En fråga")
    url = f"/calloffs/{open_calloff.pk}/questions/{question.pk}/answer"
    assert call(client, "post", url, supplier_auth, {"answer": "Svar"}).status_code == 403
    assert call(client, "post", url, bearer(agency_colleague), {"answer": "Svar"}).status_code == 403
    question.refresh_from_db()
    assert not question.is_answered


def test_an_empty_question_or_answer_is_refused(client, open_calloff, supplier, supplier_auth, agency_auth):
    refused = call(client, "post", f"/calloffs/{open_calloff.pk}/questions", supplier_auth, {"text": "   "})
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"
    assert refused.json()["problems"][0]["field"] == "text"
    question = services.question_ask(actor=supplier, calloff=open_calloff, text="En fråga")
    blank = call(client, "post", f"/calloffs/{open_calloff.pk}/questions/{question.pk}/answer", agency_auth,
                 {"answer": ""})
    assert blank.status_code == 400 and blank.json()["problems"][0]["field"] == "answer"
    assert call(client, "post", f"/calloffs/{open_calloff.pk}/questions", supplier_auth, {}).status_code == 422


def test_no_question_after_the_last_time_for_questions(client, open_calloff, supplier_auth, clock):
    clock.set(open_calloff.questions_close + timedelta(minutes=1))
    refused = call(client, "post", f"/calloffs/{open_calloff.pk}/questions", supplier_auth, {"text": "Sent?"})
    assert refused.status_code == 400 and refused.json()["code"] == "calloff_refused"


def test_questions_are_rate_limited_as_in_the_page(client, open_calloff, supplier_auth, settings):
    settings.INNOKOP_RATE_LIMITS = settings.INNOKOP_RATE_LIMITS | {"question": (2, 900)}
    url = f"/calloffs/{open_calloff.pk}/questions"
    assert [call(client, "post", url, supplier_auth, {"text": f"Fråga {n}"}).status_code for n in range(3)] == [
        201, 201, 429]
    assert CallOffQuestion.objects.count() == 2


# Clarifications

def test_an_addendum_is_published_to_every_invited_supplier(client, open_calloff, agency_auth, supplier,
                                                             supplier_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        published = call(client, "post", f"/calloffs/{open_calloff.pk}/clarifications/publish", agency_auth,
                         {"kind": "addendum", "title": "Tillägg 1", "text": "K2 gäller även säkerhetskopior."})
    assert published.status_code == 201, published.content
    body = published.json()
    assert body["kind"] == "addendum" and body["document"] is None and body["late_change"] is False
    assert _notified("calloff.clarification_published") == {supplier.pk, supplier_b.pk}
    assert _verbs(open_calloff)[-1] == "calloff.clarification_published"
    listed = call(client, "get", f"/calloffs/{open_calloff.pk}/clarifications", bearer(supplier)).json()
    assert [c["title"] for c in listed] == ["Tillägg 1"]


def test_a_document_and_its_new_version_are_published(client, open_calloff, agency_auth):
    url = f"/calloffs/{open_calloff.pk}/clarifications/publish"
    first = call(client, "post", url, agency_auth, {"kind": "document", "title": "Kravbilaga", "file": {
        "name": "krav.pdf", "data": base64.b64encode(PDF).decode()}})
    assert first.status_code == 201, first.content
    assert first.json()["document"]["version"] == 1 and first.json()["document"]["filename"] == "krav.pdf"
    second = call(client, "post", url, agency_auth, {
        "kind": "document", "title": "Kravbilaga", "text": "K4 är nytt.", "document_id": first.json()["document_id"],
        "file": {"name": "krav.pdf", "data": base64.b64encode(PDF + b"K4\n").decode()}})
    assert second.status_code == 201, second.content
    assert second.json()["document"]["version"] == 2 and second.json()["document_id"] == first.json()["document_id"]


def test_an_invited_supplier_reads_a_clarification_s_document(client, open_calloff, agency_auth, supplier_auth,
                                                              supplier_off_lot):
    published = call(client, "post", f"/calloffs/{open_calloff.pk}/clarifications/publish", agency_auth, {
        "kind": "document", "title": "Kravbilaga",
        "file": {"name": "krav.pdf", "data": base64.b64encode(PDF).decode()}})
    url = f"/calloffs/{open_calloff.pk}/clarifications/{published.json()['id']}/document"
    document = call(client, "get", url, supplier_auth)
    assert document.status_code == 200, document.content
    assert base64.b64decode(document.json()["data"]) == PDF
    assert document.json()["sha256"] == published.json()["document"]["sha256"]
    assert call(client, "get", url, bearer(supplier_off_lot)).status_code == 404
    addendum = call(client, "post", f"/calloffs/{open_calloff.pk}/clarifications/publish", agency_auth,
                    {"kind": "addendum", "title": "Tillägg", "text": "Text."}).json()
    assert call(client, "get", f"/calloffs/{open_calloff.pk}/clarifications/{addendum['id']}/document",
                supplier_auth).status_code == 404


def test_a_clarification_the_service_refuses_answers_400(client, open_calloff, agency_auth, document_of_other):
    url = f"/calloffs/{open_calloff.pk}/clarifications/publish"
    without_text = call(client, "post", url, agency_auth, {"kind": "addendum", "title": "Tillägg"})
    assert without_text.status_code == 400 and without_text.json()["problems"][0]["field"] == "text"
    not_base64 = call(client, "post", url, agency_auth, {"kind": "document", "title": "Bilaga",
                                                        "file": {"name": "a.pdf", "data": "inte base64!"}})
    assert not_base64.status_code == 400 and not_base64.json()["problems"][0]["field"] == "file"
    foreign = call(client, "post", url, agency_auth, {
        "kind": "document", "title": "Bilaga", "document_id": str(document_of_other.pk),
        "file": {"name": "a.pdf", "data": base64.b64encode(PDF).decode()}})
    assert foreign.status_code == 400 and foreign.json()["problems"][0]["field"] == "document"
    assert not Clarification.objects.exists()


@pytest.fixture
def document_of_other(agency_procurer, agency):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from innokop.core.documents import document_create

    return document_create(actor=agency_procurer, owner=agency, title="Annat", attached_to="calloffs.calloff:999999",
                           uploaded=SimpleUploadedFile("annat.pdf", PDF))


def test_no_clarification_after_the_tender_deadline(client, open_calloff, agency_auth, clock):
    clock.set(open_calloff.tender_deadline)
    refused = call(client, "post", f"/calloffs/{open_calloff.pk}/clarifications/publish", agency_auth,
                   {"kind": "addendum", "title": "Sent", "text": "För sent."})
    assert refused.status_code == 400 and refused.json()["code"] == "calloff_refused"


def test_after_a_late_clarification_the_agency_keeps_or_extends_the_deadline(client, open_calloff, agency_auth,
                                                                              supplier, clock,
                                                                              django_capture_on_commit_callbacks):
    clock.set(open_calloff.tender_deadline - timedelta(days=2))
    late = call(client, "post", f"/calloffs/{open_calloff.pk}/clarifications/publish", agency_auth,
                {"kind": "addendum", "title": "Tillägg 2", "text": "Stavfel rättat."})
    assert late.status_code == 201 and late.json()["late_change"] is True
    kept = call(client, "post", f"/calloffs/{open_calloff.pk}/deadline/keep", agency_auth,
                {"reason": "Bara ett stavfel."})
    assert kept.status_code == 200, kept.content
    assert _verbs(open_calloff)[-1] == "calloff.deadline_kept"
    again = call(client, "post", f"/calloffs/{open_calloff.pk}/deadline/keep", agency_auth, {"reason": "Igen."})
    assert again.status_code == 400 and again.json()["code"] == "calloff_refused"

    old = open_calloff.tender_deadline
    shorter = call(client, "post", f"/calloffs/{open_calloff.pk}/deadline/extend", agency_auth,
                   {"tender_deadline": (old - timedelta(hours=1)).isoformat(), "reason": "Kortare"})
    assert shorter.status_code == 400 and shorter.json()["problems"][0]["field"] == "tender_deadline"
    with django_capture_on_commit_callbacks(execute=True):
        extended = call(client, "post", f"/calloffs/{open_calloff.pk}/deadline/extend", agency_auth,
                        {"tender_deadline": (old + timedelta(days=7)).isoformat(), "reason": "Mer tid."})
    assert extended.status_code == 200, extended.content
    assert datetime.fromisoformat(extended.json()["tender_deadline"]) == old + timedelta(days=7)
    assert _notified("calloff.deadline_extended") >= {supplier.pk}


def test_an_agency_cancels_a_call_off_with_its_reason(client, open_calloff, agency_auth, supplier_auth, supplier,
                                                      django_capture_on_commit_callbacks):
    url = f"/calloffs/{open_calloff.pk}/cancel"
    assert call(client, "post", url, supplier_auth, {"reason": "Nej"}).status_code == 403
    blank = call(client, "post", url, agency_auth, {"reason": " "})
    assert blank.status_code == 400 and blank.json()["problems"][0]["field"] == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        cancelled = call(client, "post", url, agency_auth, {"reason": "Behovet har försvunnit."})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert supplier.pk in _notified("calloff.cancelled")
    assert call(client, "post", url, agency_auth, {"reason": "Igen"}).json()["code"] == "calloff_refused"


# Dialogue meetings

def test_meetings_are_offered_to_every_invited_supplier(client, open_calloff, agency_auth, supplier, supplier_b,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        offered = call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/offer", agency_auth,
                       {"slots": [_meeting(13, "https://meet.example/x"), _meeting(10)]})
    assert offered.status_code == 201, offered.content
    assert [(m["place"], m["booked"]) for m in offered.json()] == [("Rum 10", False), ("https://meet.example/x", False)]
    assert _notified("calloff.dialogue_offered") == {supplier.pk, supplier_b.pk}
    assert _verbs(open_calloff)[-1] == "calloff.dialogue_offered"


def test_too_few_or_no_meeting_times_are_refused(client, open_calloff, agency_auth, supplier, supplier_b):
    url = f"/calloffs/{open_calloff.pk}/meetings/offer"
    too_few = call(client, "post", url, agency_auth, {"slots": [_meeting(10)]})
    assert too_few.status_code == 400 and too_few.json()["code"] == "invalid"
    assert call(client, "post", url, agency_auth, {"slots": []}).status_code == 400
    overlapping = call(client, "post", url, agency_auth, {"slots": [_meeting(10), _meeting(10)]})
    assert overlapping.status_code == 400
    assert call(client, "post", url, agency_auth, {"slots": [{"starts_at": "i morgon"}]}).status_code == 422
    assert not DialogueSlot.objects.exists()


def test_a_supplier_cancels_its_booking_and_the_agency_keeps_the_minutes(
        client, open_calloff, agency_auth, supplier_auth, supplier, supplier_b, clock,
        django_capture_on_commit_callbacks):
    offered = call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/offer", agency_auth,
                   {"slots": [_meeting(10), _meeting(11)]}).json()
    first, second = offered[0]["id"], offered[1]["id"]
    assert call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/{first}/book", supplier_auth).status_code == 200
    other = call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/{first}/cancel", bearer(supplier_b))
    assert other.status_code == 400 and other.json()["code"] == "calloff_refused"
    freed = call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/{first}/cancel", supplier_auth)
    assert freed.status_code == 200 and freed.json()["booked"] is False
    assert call(client, "post", f"/calloffs/{open_calloff.pk}/meetings/{second}/book", supplier_auth).status_code == 200

    url = f"/calloffs/{open_calloff.pk}/meetings/{second}/minutes"
    early = call(client, "put", url, agency_auth, {"minutes": "Vi talade om API:et."})
    assert early.status_code == 400 and early.json()["code"] == "calloff_refused"  # not held yet
    clock.set(at_local(TUESDAY, 12))
    assert call(client, "put", url, supplier_auth, {"minutes": "Egna"}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        saved = call(client, "put", url, agency_auth, {"minutes": "Vi talade om API:et.", "share": True})
    assert saved.status_code == 200, saved.content
    assert saved.json()["minutes"] == "Vi talade om API:et." and saved.json()["minutes_shared_at"] is not None
    assert _notified("calloff.dialogue_minutes") == {supplier.pk}
    mine = call(client, "get", f"/calloffs/{open_calloff.pk}/meetings", supplier_auth).json()
    assert [m["minutes"] for m in mine if m["id"] == second] == ["Vi talade om API:et."]


# Browser sessions

def test_a_browser_session_changes_only_with_the_csrf_token(open_calloff, agency_procurer):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agency_procurer)
    url = f"/api/calloffs/{open_calloff.pk}/clarifications/publish"
    body = {"kind": "addendum", "title": "Tillägg", "text": "Text."}
    refused = browser.post(url, body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
    browser.get("/")  # the page sets the CSRF cookie
    allowed = browser.post(url, body, content_type="application/json",
                           HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value)
    assert allowed.status_code == 201, allowed.content


# The whole procedure through the API

def test_the_procedure_from_start_to_a_booked_meeting(client, lot, agency_auth, supplier, supplier_b,
                                                       django_capture_on_commit_callbacks):
    supplier_auth = bearer(supplier)
    with django_capture_on_commit_callbacks(execute=True):
        pk = call(client, "post", f"/lots/{lot.pk}/calloffs", agency_auth, NEED).json()["id"]
        assert call(client, "put", f"/calloffs/{pk}/draft/evaluation", agency_auth, _evaluation(lot)).status_code == 200
        assert call(client, "put", f"/calloffs/{pk}/draft/timetable", agency_auth, _timetable(lot)).status_code == 200
        assert call(client, "post", f"/calloffs/{pk}/publish", agency_auth).json()["state"] == "open"
        question = call(client, "post", f"/calloffs/{pk}/questions", supplier_auth, {"text": "Hur många användare?"})
        assert question.status_code == 201
        answer = call(client, "post", f"/calloffs/{pk}/questions/{question.json()['id']}/answer", agency_auth,
                      {"answer": "Omkring 300."})
        assert answer.status_code == 200
        clarification = call(client, "post", f"/calloffs/{pk}/clarifications/publish", agency_auth,
                             {"kind": "addendum", "title": "Tillägg 1", "text": "Användarna är 300."})
        assert clarification.status_code == 201
        offered = call(client, "post", f"/calloffs/{pk}/meetings/offer", agency_auth,
                       {"slots": [_meeting(10), _meeting(11)]})
        assert offered.status_code == 201
        slot = offered.json()[0]["id"]
        booked = call(client, "post", f"/calloffs/{pk}/meetings/{slot}/book", supplier_auth)
    assert booked.status_code == 200, booked.content
    assert booked.json()["supplier"] == "Leverantör Ett AB"
    detail = call(client, "get", f"/calloffs/{pk}", bearer(supplier_b)).json()
    assert [(q["question"], q["answer"], q["supplier"]) for q in detail["questions"]] == [
        ("Hur många användare?", "Omkring 300.", None)]
    meetings = call(client, "get", f"/calloffs/{pk}/meetings", bearer(supplier_b)).json()
    assert [(m["id"], m["booked"]) for m in meetings] == [(offered.json()[1]["id"], False)]  # only the free time
    assert _verbs(CallOff.objects.get(pk=pk)) == [
        "calloff.started", "calloff.step_saved", "calloff.step_saved", "calloff.published", "calloff.question_asked",
        "calloff.question_answered", "calloff.clarification_published", "calloff.dialogue_offered",
        "calloff.dialogue_booked"]
