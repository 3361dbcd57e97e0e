"""The evaluation, award and contract API: the team qualifies, scores, ranks, decides and signs with a token.

The opening is not in the API: these tests start from tenders opened the pages' way (award_helpers).
"""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs.models import (
    AwardDecision,
    CallOff,
    CallOffStatus,
    ConflictDeclaration,
    ConsensusScore,
    Contract,
    Evaluation,
    OfferStatus,
    RankingOffer,
    Score,
    TenderStatus,
)
from innokop.calloffs.services import award, evaluating
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent, Notification

from ..factories import OrganisationFactory, api_token, member
from .award_helpers import (  # noqa: F401  (fixtures)
    agree,
    award_lot,
    content_for,
    evaluated,
    open_tenders,
    opened,
    published_calloff,
    qualified,
    quality,
    scored,
    submit,
    two_tenders,
)
from .conftest import start

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)  # Tuesday 16 March 2027: the standstill ends 30 March
UNLOCKED = datetime(2027, 3, 31, 0, 0, tzinfo=STOCKHOLM)


def bearer(user, scope: str = "read_write") -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token(user, scope=scope)}"}


def api(client, method: str, url: str, auth: dict, body=None):
    if body is None and method == "get":
        return client.get(url, **auth)
    return getattr(client, method)(url, body if body is not None else {}, content_type="application/json", **auth)


def base(calloff) -> str:
    return f"/api/calloffs/{calloff.pk}"


def refused(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    return response.json()


# --- qualification ------------------------------------------------------------------------------------


def test_the_team_qualifies_and_rejects_the_opened_tenders(client, opened, two_tenders, agency_procurer):
    auth, (a, b) = bearer(agency_procurer), two_tenders
    answer = api(client, "post", f"{base(opened)}/evaluation/tenders/{a.pk}/qualify", auth)
    assert answer.status_code == 200, answer.content
    statuses = {row["tender"]: row["status"] for row in answer.json()["tenders"]}
    assert statuses == {a.pk: "qualified", b.pk: "undecided"}

    answer = api(client, "post", f"{base(opened)}/evaluation/tenders/{b.pk}/reject", auth,
                 {"reason": "Referenserna saknas."})
    assert answer.status_code == 200, answer.content
    row = next(row for row in answer.json()["tenders"] if row["tender"] == b.pk)
    assert (row["status"], row["rejection_reason"]) == ("rejected", "Referenserna saknas.")
    b.refresh_from_db()
    assert (b.status, b.rejection_reason, b.qualified_by) == (TenderStatus.REJECTED, "Referenserna saknas.",
                                                              agency_procurer)
    verbs = list(AuditEvent.objects.filter(actor=agency_procurer, verb__startswith="calloff.tender_")
                 .order_by("pk").values_list("verb", flat=True))
    assert verbs == ["calloff.tender_qualified", "calloff.tender_rejected"]


def test_a_tender_that_fails_a_mandatory_requirement_is_rejected_with_innokops_reason(
        client, published_calloff, two_tenders, agency_procurer, agency_colleague, clock):
    failing_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Nej AB")
    published_calloff.invitations.create(supplier=failing_org, invited_at=published_calloff.published_at)
    c = submit(published_calloff, failing_org, member(failing_org, Role.SUPPLIER_REPRESENTATIVE),
               content_for(published_calloff, price=50, meets={"K2": False}))
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    auth = bearer(agency_procurer)
    body = refused(api(client, "post", f"{base(calloff)}/evaluation/tenders/{c.pk}/qualify", auth))
    assert body["code"] == "not_qualifiable" and "cannot be qualified" in body["detail"] and "K2" in body["detail"]

    answer = api(client, "post", f"{base(calloff)}/evaluation/tenders/{c.pk}/reject", auth)  # no reason given
    assert answer.status_code == 200, answer.content
    c.refresh_from_db()
    assert c.status == TenderStatus.REJECTED and c.rejection_grounds and "K2" in c.rejection_reason


def test_a_tender_that_was_not_opened_here_is_not_found(client, opened, two_tenders, agency_procurer):
    other = two_tenders[0].pk + 10_000  # no such tender in this call-off
    answer = api(client, "post", f"{base(opened)}/evaluation/tenders/{other}/qualify", bearer(agency_procurer))
    assert refused(answer, 404)["code"] == "not_found"


# --- declaration and scores ---------------------------------------------------------------------------


def test_an_evaluator_declares_no_conflict_of_interest_before_scoring(client, qualified, two_tenders,
                                                                      agency_procurer):
    auth, (a, _b) = bearer(agency_procurer), two_tenders
    criterion = quality(qualified)
    scores = {"scores": {str(criterion.pk): {"score": 3, "reason": "Bra"}}}
    body = refused(api(client, "put", f"{base(qualified)}/evaluation/tenders/{a.pk}/scores", auth, scores), 409)
    assert body["code"] == "declaration_required" and "conflict of interest" in body["detail"]
    assert refused(client.get(f"{base(qualified)}/evaluation/tenders/{a.pk}/scores", **auth), 403)["code"] == \
        "forbidden"

    statement = client.get(f"{base(qualified)}/evaluation/declaration", **auth).json()
    assert statement["declared_at"] is None and "Leverantör Ett AB" in statement["statement"]
    body = refused(api(client, "post", f"{base(qualified)}/evaluation/declaration", auth))
    assert body["code"] == "invalid" and [p["field"] for p in body["problems"]] == ["confirm"]

    answer = api(client, "post", f"{base(qualified)}/evaluation/declaration", auth, {"confirm": True})
    assert answer.status_code == 201, answer.content
    declaration = ConflictDeclaration.objects.get(evaluator=agency_procurer)
    assert answer.json()["statement"] == declaration.statement == statement["statement"]
    assert AuditEvent.objects.filter(verb="calloff.conflict_declared", actor=agency_procurer).exists()
    again = refused(api(client, "post", f"{base(qualified)}/evaluation/declaration", auth, {"confirm": True}), 409)
    assert again["code"] == "already_declared" and "You declared" in again["detail"]


def test_scores_and_consensus_through_the_api(client, qualified, two_tenders, agency_procurer):
    auth, (a, _b) = bearer(agency_procurer), two_tenders
    evaluating.conflict_declare(actor=agency_procurer, calloff=qualified, confirmed=True)
    criterion = quality(qualified)
    url = f"{base(qualified)}/evaluation/tenders/{a.pk}"
    read = client.get(f"{url}/scores", **auth).json()
    assert read["criteria"] == [{"id": criterion.pk, "name": "Kvalitet", "weight": criterion.weight}]
    assert read["answers"] == {str(criterion.pk): "Vårt svar om Kvalitet"} and read["mine"] == []

    answer = api(client, "put", f"{url}/scores", auth, {"scores": {str(criterion.pk): {"score": 4}}})
    assert answer.status_code == 200, answer.content
    assert [(s["criterion"], s["score"], s["evaluator"]) for s in answer.json()["mine"]] == [
        (criterion.pk, 4, "Maria Upphandlare")]
    assert Score.objects.get(tender=a, evaluator=agency_procurer).score == 4

    body = refused(api(client, "put", f"{url}/consensus", auth, {"scores": {str(criterion.pk): {"score": 3}}}))
    assert body["code"] == "invalid" and [p["field"] for p in body["problems"]] == [f"reason_{criterion.pk}"]
    answer = api(client, "put", f"{url}/consensus", auth,
                 {"scores": {str(criterion.pk): {"score": 3, "reason": "Vi enades om 3."}}})
    assert answer.status_code == 200, answer.content
    assert answer.json()["consensus"][0] | {"set_at": None} == {
        "criterion": criterion.pk, "score": 3, "reason": "Vi enades om 3.", "set_by": "Maria Upphandlare",
        "set_at": None}
    assert ConsensusScore.objects.get(tender=a).score == 3
    assert list(AuditEvent.objects.filter(verb__in=["calloff.scores_recorded", "calloff.consensus_recorded"])
                .order_by("pk").values_list("verb", flat=True)) == ["calloff.scores_recorded",
                                                                    "calloff.consensus_recorded"]


@pytest.mark.parametrize(("scores", "status", "code"), [
    ({"score": 6}, 400, "invalid"),  # off the scale: the service's rule
    ({}, 400, "invalid"),  # no score
    ({"score": "3"}, 422, "invalid_request"),  # a score is a JSON number
    ({"score": 3, "extra": 1}, 422, "invalid_request"),
], ids=["off the scale", "missing", "string", "undescribed field"])
def test_a_score_out_of_bounds_is_refused(client, qualified, two_tenders, agency_procurer, scores, status, code):
    evaluating.conflict_declare(actor=agency_procurer, calloff=qualified, confirmed=True)
    a, _b = two_tenders
    answer = api(client, "put", f"{base(qualified)}/evaluation/tenders/{a.pk}/scores", bearer(agency_procurer),
                 {"scores": {str(quality(qualified).pk): scores}})
    assert refused(answer, status)["code"] == code
    assert not Score.objects.exists()


def test_only_the_call_offs_criteria_are_scored(client, qualified, two_tenders, agency_procurer):
    evaluating.conflict_declare(actor=agency_procurer, calloff=qualified, confirmed=True)
    a, _b = two_tenders
    answer = api(client, "put", f"{base(qualified)}/evaluation/tenders/{a.pk}/scores", bearer(agency_procurer),
                 {"scores": {str(quality(qualified).pk): {"score": 3}, "999999": {"score": 3}}})
    assert refused(answer)["code"] == "calloff_refused"


# --- the ranking --------------------------------------------------------------------------------------


def test_the_ranking_is_refused_until_every_qualified_tender_has_its_consensus(client, qualified, agency_procurer):
    auth = bearer(agency_procurer)
    preview = client.get(f"{base(qualified)}/evaluation/ranking", **auth).json()
    assert preview["ranking"] == [] and preview["completed"] is False
    assert any("Set the consensus score for Leverantör Ett AB on Kvalitet" in p for p in preview["problems"])
    body = refused(api(client, "post", f"{base(qualified)}/evaluation/complete", auth), 409)
    assert body["code"] == "ranking_not_ready" and "Set the consensus score" in body["detail"]
    qualified.refresh_from_db()
    assert qualified.status == CallOffStatus.OPENED and not Evaluation.objects.exists()


def test_the_team_computes_and_stores_the_ranking_and_may_reopen_it(client, scored, agency_procurer):
    auth = bearer(agency_procurer)
    preview = client.get(f"{base(scored)}/evaluation/ranking", **auth).json()
    assert preview["problems"] == [] and preview["tied"] == []
    assert [row["supplier"] for row in preview["ranking"]] == ["Leverantör Två AB", "Leverantör Ett AB"]

    answer = api(client, "post", f"{base(scored)}/evaluation/complete", auth)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["completed"] is True and body["winner"] == "Leverantör Två AB" and body["state"] == "evaluated"
    assert [(r["position"], r["supplier"]) for r in body["ranking"]] == [
        (row["position"], row["supplier"]) for row in preview["ranking"]]
    assert AuditEvent.objects.filter(verb="calloff.evaluation_completed", actor=agency_procurer).exists()
    again = refused(api(client, "post", f"{base(scored)}/evaluation/complete", auth), 409)
    assert again["code"] == "evaluation_not_open" and "Reopen it" in again["detail"]

    assert [p["field"] for p in refused(api(client, "post", f"{base(scored)}/evaluation/reopen", auth))
            ["problems"]] == ["reason"]
    answer = api(client, "post", f"{base(scored)}/evaluation/reopen", auth, {"reason": "Fel poäng på B."})
    assert answer.status_code == 200 and answer.json()["completed"] is False
    assert AuditEvent.objects.get(verb="calloff.evaluation_reopened").payload["reason"] == "Fel poäng på B."


@pytest.fixture
def tied(published_calloff, supplier_org, supplier_org_b, supplier, supplier_b, agency_procurer, agency_colleague,
         clock):
    """A and B tender the same price and get the same scores: the tie rules end in drawing lots."""
    a = submit(published_calloff, supplier_org, supplier, content_for(published_calloff, price=90))
    b = submit(published_calloff, supplier_org_b, supplier_b, content_for(published_calloff, price=90))
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
        agree(calloff, agency_procurer, tender, 3)
    return calloff, a, b


def test_a_tie_for_drawing_lots_needs_each_place_and_the_witness(client, tied, agency_procurer):
    calloff, a, b = tied
    auth = bearer(agency_procurer)
    preview = client.get(f"{base(calloff)}/evaluation/ranking", **auth).json()
    assert [{t["tender"] for t in group} for group in preview["tied"]] == [{a.pk, b.pk}]
    body = refused(api(client, "post", f"{base(calloff)}/evaluation/complete", auth))
    assert body["code"] == "invalid" and {p["field"] for p in body["problems"]} == {f"position_{a.pk}",
                                                                                     f"position_{b.pk}"}
    draw = {str(a.pk): 2, str(b.pk): 1}
    body = refused(api(client, "post", f"{base(calloff)}/evaluation/complete", auth, {"draw": draw}))
    assert [p["field"] for p in body["problems"]] == ["witness"]
    answer = api(client, "post", f"{base(calloff)}/evaluation/complete", auth, {"draw": draw, "witness": "Rut Vittne"})
    assert answer.status_code == 200, answer.content
    assert answer.json()["winner"] == "Leverantör Två AB"
    lot_draw = next(n for n in Evaluation.objects.get().notes if n.get("kind") == "lot_draw")
    assert (lot_draw["tenders"], lot_draw["witness"]) == ([b.pk, a.pk], "Rut Vittne")


# --- the award decision -------------------------------------------------------------------------------


def test_the_decision_is_drafted_and_sent_as_innokop_writes_it(client, evaluated, agency_procurer, supplier,
                                                                supplier_b, clock, django_capture_on_commit_callbacks):
    clock.set(SENT)
    auth = bearer(agency_procurer)
    draft = client.get(f"{base(evaluated)}/decision/draft", **auth).json()
    assert draft["winner"] == "Leverantör Två AB" and draft["standstill_ends"] == "2027-03-30"
    assert "The tender from Leverantör Två AB has the best result" in draft["reasons"]
    assert draft["evaluation"] == award.evaluation_version(evaluated)

    body = refused(api(client, "post", f"{base(evaluated)}/decision/send", auth, {"evaluation": draft["evaluation"]}))
    assert [p["field"] for p in body["problems"]] == ["standstill"]
    body = refused(api(client, "post", f"{base(evaluated)}/decision/send", auth, {"standstill": True,
                                                                                  "evaluation": "1:stale"}), 409)
    assert body["code"] == "evaluation_changed" and "reopened and completed again" in body["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(client, "post", f"{base(evaluated)}/decision/send", auth,
                     {"standstill": True, "evaluation": draft["evaluation"]})
    assert answer.status_code == 201, answer.content
    sent = answer.json()
    assert sent["winner"] == "Leverantör Två AB" and sent["standstill_ends"] == "2027-03-30"
    assert sent["signing_possible_from"] == "2027-03-31" and sent["reasons"] == draft["reasons"]
    decision = AwardDecision.objects.get()
    # Innoköp's text is kept in Swedish, the decision's language, and marked as Innoköp's.
    assert decision.reasons_generated and decision.advantages_generated
    with translation.override("sv"):
        assert (decision.reasons, decision.advantages) == tuple(award.decision_prefill(evaluated).values())
    assert decision.reasons != draft["reasons"]
    assert set(Notification.objects.filter(kind="calloff.award_decision").values_list("recipient", flat=True)) == {
        supplier.pk, supplier_b.pk}
    assert AuditEvent.objects.filter(verb="calloff.award_decision_sent", actor=agency_procurer).exists()
    again = refused(api(client, "post", f"{base(evaluated)}/decision/send", auth, {"standstill": True}), 409)
    assert again["code"] == "evaluation_not_completed"  # as the page: the decision is written from an evaluation


def test_a_decision_left_as_innokop_writes_it_in_swedish_is_kept_as_innokops(client, evaluated, agency_procurer,
                                                                             clock, settings):
    clock.set(SENT)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]  # an integration without the language cookie: Swedish
    auth = bearer(agency_procurer)
    draft = client.get(f"{base(evaluated)}/decision/draft", **auth).json()
    with translation.override("sv"):
        assert {key: draft[key] for key in ("reasons", "advantages")} == award.decision_prefill(evaluated)
    answer = api(client, "post", f"{base(evaluated)}/decision/send", auth, {"standstill": True} | {
        key: draft[key] for key in ("reasons", "advantages")})
    assert answer.status_code == 201, answer.content
    decision = AwardDecision.objects.get()
    assert (decision.reasons, decision.advantages) == (draft["reasons"], draft["advantages"])
    assert decision.reasons_generated and decision.advantages_generated


def test_the_teams_own_words_are_sent_as_written(client, evaluated, agency_procurer, clock):
    clock.set(SENT)
    answer = api(client, "post", f"{base(evaluated)}/decision/send", bearer(agency_procurer),
                 {"standstill": False, "reasons": "Våra skäl.", "advantages": "Bättre pris."})
    assert answer.status_code == 201, answer.content
    decision = AwardDecision.objects.get()
    assert (decision.reasons, decision.advantages, decision.standstill) == ("Våra skäl.", "Bättre pris.", False)
    assert not decision.reasons_generated and decision.standstill_ends is None


def test_no_decision_before_the_evaluation_is_completed(client, scored, agency_procurer):
    auth = bearer(agency_procurer)
    assert refused(client.get(f"{base(scored)}/decision/draft", **auth), 409)["code"] == "evaluation_not_completed"
    body = refused(api(client, "post", f"{base(scored)}/decision/send", auth, {"standstill": True}), 409)
    assert "once the evaluation is completed" in body["detail"] and not AwardDecision.objects.exists()


# --- the contract -------------------------------------------------------------------------------------


@pytest.fixture
def awarded(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst.", advantages="Pris.",
                              standstill=True)
    evaluated.refresh_from_db()
    return evaluated


def test_the_contract_is_not_signed_before_the_standstill_ends(client, awarded, agency_procurer, clock):
    clock.set(datetime(2027, 3, 30, 23, 0, tzinfo=STOCKHOLM))
    body = refused(api(client, "post", f"{base(awarded)}/contract/sign", bearer(agency_procurer)), 409)
    assert body["code"] == "standstill_running" and "can be signed from Wednesday 31 March 2027" in body["detail"]
    assert not Contract.objects.exists()


def test_the_team_signs_the_contract(client, awarded, agency_procurer, supplier_b, clock,
                                     django_capture_on_commit_callbacks):
    clock.set(UNLOCKED)
    auth = bearer(agency_procurer)
    body = refused(api(client, "post", f"{base(awarded)}/contract/sign", auth, {"value": "0"}))
    assert [p["field"] for p in body["problems"]] == ["value"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(client, "post", f"{base(awarded)}/contract/sign", auth, {"value": "950000.00"})
    assert answer.status_code == 201, answer.content
    signed = answer.json()
    assert (signed["supplier"], Decimal(signed["value"])) == ("Leverantör Två AB", Decimal(950000))
    assert (signed["starts_on"], signed["ends_on"]) == (awarded.contract_start.isoformat(),
                                                        awarded.contract_end.isoformat())
    assert [r["identifier"] for r in signed["requirements"]] == ["K1", "K2"]
    assert Notification.objects.filter(kind="calloff.contract_signed", recipient=supplier_b).exists()
    assert AuditEvent.objects.filter(verb="calloff.contract_signed", actor=agency_procurer).exists()
    assert refused(api(client, "post", f"{base(awarded)}/contract/sign", auth), 409)["code"] == "contract_signed"


def test_in_ranking_order_the_api_signs_with_the_supplier_that_accepted(client, lot, agency_procurer, supplier_org,
                                                                        clock):
    calloff = start(agency_procurer, lot.agreement.lots.get(number=2), estimated_value=Decimal(500_000))
    now = clock.now()
    CallOff.objects.filter(pk=calloff.pk).update(status=CallOffStatus.ACCEPTED, published_at=now,
                                                 contract_start=date(2027, 5, 1), contract_end=date(2028, 4, 30))
    RankingOffer.objects.create(calloff=calloff, supplier=supplier_org, rank=1, offered_at=now,
                                answer_by=now + timedelta(days=5), status=OfferStatus.ACCEPTED)
    answer = api(client, "post", f"{base(calloff)}/contract/sign", bearer(agency_procurer))
    assert answer.status_code == 201, answer.content
    signed = answer.json()
    assert (signed["supplier"], Decimal(signed["value"]), signed["starts_on"]) == (supplier_org.name,
                                                                                   Decimal(500_000), "2027-05-01")
    assert [r["identifier"] for r in signed["requirements"]] == ["K1", "K3"]


# --- who may ------------------------------------------------------------------------------------------

WRITES = [
    ("post", "/evaluation/tenders/{tender}/qualify", None),
    ("post", "/evaluation/tenders/{tender}/reject", {"reason": "Nej."}),
    ("get", "/evaluation/declaration", None),
    ("post", "/evaluation/declaration", {"confirm": True}),
    ("get", "/evaluation/tenders/{tender}/scores", None),
    ("put", "/evaluation/tenders/{tender}/scores", {"scores": {}}),
    ("put", "/evaluation/tenders/{tender}/consensus", {"scores": {}}),
    ("post", "/evaluation/complete", None),
    ("post", "/evaluation/reopen", {"reason": "Fel."}),
    ("get", "/decision/draft", None),
    ("post", "/decision/send", {"standstill": True}),
    ("post", "/contract/sign", None),
]


@pytest.fixture
def outsider(agency):
    """A procurer of the same agency who is not on the call-off's team."""
    return member(agency, Role.PROCURER, full_name="Tea Utanför", email="tea@agency.se")


@pytest.mark.parametrize(("method", "path", "body"), WRITES, ids=[f"{m} {p}" for m, p, _b in WRITES])
@pytest.mark.parametrize(("who", "status"), [("other_agency_procurer", 404), ("supplier", 404),
                                             ("outsider", 403), (None, 401)])
def test_only_the_team_may(client, opened, two_tenders, request, method, path, body, who, status):
    auth = bearer(request.getfixturevalue(who)) if who else {}
    url = base(opened) + path.format(tender=two_tenders[0].pk)
    answer = api(client, method, url, auth, body)
    assert refused(answer, status)["code"] == {404: "not_found", 403: "forbidden", 401: "not_authenticated"}[status]
    two_tenders[0].refresh_from_db()
    assert two_tenders[0].status == TenderStatus.SUBMITTED and not ConflictDeclaration.objects.exists()


def test_a_read_only_token_changes_nothing(client, opened, two_tenders, agency_procurer):
    a, _b = two_tenders
    answer = api(client, "post", f"{base(opened)}/evaluation/tenders/{a.pk}/qualify", bearer(agency_procurer, "read"))
    assert refused(answer, 403)["code"] == "insufficient_scope"
    a.refresh_from_db()
    assert a.status == TenderStatus.SUBMITTED


def test_the_ranking_is_read_by_the_agency_and_nobody_else(client, scored, outsider, supplier):
    assert client.get(f"{base(scored)}/evaluation/ranking", **bearer(outsider)).status_code == 200
    assert refused(client.get(f"{base(scored)}/evaluation/ranking", **bearer(supplier)), 404)["code"] == "not_found"


def test_the_descriptions_say_the_opening_stays_in_the_pages(client):
    schema = client.get(reverse("api:openapi-json")).json()
    operation = schema["paths"]["/api/calloffs/{calloff_id}/evaluation/complete"]["post"]
    assert "never through the API" in operation["description"]
    assert "two-factor authentication" in operation["description"]
    opening = [(path, method) for path, operations in schema["paths"].items() for method in operations
               if method != "get" and re.search(r"/open(ing)?(/|$)", path)]
    assert opening == []  # the API reads the opening record and never opens


# --- the whole way, through the API or the pages ------------------------------------------------------


def _through_the_api(client, calloff, tenders, procurer, clock) -> None:
    auth = bearer(procurer)

    def call(method, path, body=None, status=200):
        answer = api(client, method, base(calloff) + path, auth, body)
        assert answer.status_code == status, answer.content
        return answer.json()

    for tender in tenders:
        call("post", f"/evaluation/tenders/{tender.pk}/qualify")
    call("post", "/evaluation/declaration", {"confirm": True}, 201)
    for tender, score in zip(tenders, (3, 2), strict=True):
        criteria = call("get", f"/evaluation/tenders/{tender.pk}/scores")["criteria"]
        scores = {"scores": {str(c["id"]): {"score": score, "reason": "Enig bedömning"} for c in criteria}}
        call("put", f"/evaluation/tenders/{tender.pk}/scores", scores)
        call("put", f"/evaluation/tenders/{tender.pk}/consensus", scores)
    call("post", "/evaluation/complete")
    clock.set(SENT)
    draft = call("get", "/decision/draft")
    call("post", "/decision/send", {"standstill": True, "evaluation": draft["evaluation"]}, 201)
    clock.set(UNLOCKED)
    call("post", "/contract/sign", None, 201)


def _through_the_pages(client, calloff, tenders, procurer, clock) -> None:
    client.force_login(procurer)

    def post(name, data=None, *args):
        answer = client.post(reverse(f"calloffs:{name}", args=[calloff.pk, *args]), data or {})
        assert answer.status_code == 302, answer.content.decode()[:2000]

    for tender in tenders:
        post("tender_qualify", None, tender.pk)
    post("conflict_declare", {"confirm": "on"})
    for tender, score in zip(tenders, (3, 2), strict=True):
        scores = {}
        for c in evaluating.scoring_criteria(calloff):
            scores |= {f"score_{c.pk}": str(score), f"reason_{c.pk}": "Enig bedömning"}
        post("score_tender", scores, tender.pk)
        post("consensus_tender", scores, tender.pk)
    post("evaluation_ranking")
    clock.set(SENT)
    written = award.decision_prefill(calloff)  # what the page prefills, in the page's language
    post("decision_prepare", written | {"standstill": "yes", "evaluation": award.evaluation_version(calloff),
                                        "action": "send"})
    clock.set(UNLOCKED)
    calloff.refresh_from_db()
    defaults = award.contract_defaults(calloff)  # what the page prefills
    post("contract_sign", {"value": str(defaults["value"]), "starts_on": defaults["starts_on"].isoformat(),
                           "ends_on": defaults["ends_on"].isoformat(), "long_contract_reason": ""})


def _outcome(calloff) -> dict:
    calloff.refresh_from_db()
    stored, decision, contract = Evaluation.objects.get(), AwardDecision.objects.get(), Contract.objects.get()
    return {
        "status": calloff.status,
        "qualified": sorted(calloff.tenders.filter(status=TenderStatus.QUALIFIED).values_list("supplier__name",
                                                                                              flat=True)),
        "scores": sorted(Score.objects.values_list("tender__supplier__name", "score", "comment")),
        "consensus": sorted(ConsensusScore.objects.values_list("tender__supplier__name", "score", "reason")),
        "ranking": [(r["position"], r["supplier"], r["total_points"]) for r in stored.ranking],
        "winner": stored.winner.supplier.name,
        "decision": (decision.winner.supplier.name, decision.reasons, decision.advantages, decision.reasons_generated,
                     decision.advantages_generated, decision.standstill, decision.standstill_ends, decision.sent_at),
        "contract": (contract.supplier.name, contract.value, contract.starts_on, contract.ends_on, contract.signed_at,
                     sorted(contract.requirements.values_list("identifier", flat=True))),
        "audit": list(AuditEvent.objects.filter(verb__startswith="calloff.", created_at__gte=calloff.tender_deadline)
                      .order_by("pk").values_list("verb", flat=True)),
        "told": sorted(Notification.objects.filter(kind__in=["calloff.award_decision", "calloff.contract_signed"])
                       .values_list("kind", "recipient__email")),
    }


EXPECTED_RANKING = [(1, "Leverantör Två AB", "76.00"), (2, "Leverantör Ett AB", "72.00")]  # DESIGN.md's example
EXPECTED_AUDIT = ["calloff.opening_started", "calloff.opened",  # in the pages, before either way starts
                  "calloff.tender_qualified", "calloff.tender_qualified", "calloff.conflict_declared",
                  "calloff.scores_recorded", "calloff.consensus_recorded", "calloff.scores_recorded",
                  "calloff.consensus_recorded", "calloff.evaluation_completed", "calloff.award_decision_sent",
                  "calloff.contract_signed"]


@pytest.mark.parametrize("way", [_through_the_api, _through_the_pages], ids=["api", "pages"])
def test_the_api_takes_an_opened_call_off_to_the_same_contract_as_the_pages(
        client, opened, two_tenders, agency_procurer, clock, django_capture_on_commit_callbacks, way):
    with django_capture_on_commit_callbacks(execute=True):
        way(client, opened, two_tenders, agency_procurer, clock)
    outcome = _outcome(opened)
    with translation.override("sv"):
        legal = award.decision_prefill(opened)
    assert outcome == {
        "status": CallOffStatus.CONTRACTED,
        "qualified": ["Leverantör Ett AB", "Leverantör Två AB"],
        "scores": [("Leverantör Ett AB", 3, "Enig bedömning"), ("Leverantör Två AB", 2, "Enig bedömning")],
        "consensus": [("Leverantör Ett AB", 3, "Enig bedömning"), ("Leverantör Två AB", 2, "Enig bedömning")],
        "ranking": EXPECTED_RANKING,
        "winner": "Leverantör Två AB",
        "decision": ("Leverantör Två AB", legal["reasons"], legal["advantages"], True, True, True,
                     datetime(2027, 3, 30).date(), SENT),
        "contract": ("Leverantör Två AB", Decimal(80), opened.contract_start, opened.contract_end, UNLOCKED,
                     ["K1", "K2"]),
        "audit": EXPECTED_AUDIT,
        "told": [("calloff.award_decision", "bo@supplier-b.se"), ("calloff.award_decision", "sara@supplier.se"),
                 ("calloff.contract_signed", "bo@supplier-b.se")],
    }

