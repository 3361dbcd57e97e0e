"""Qualification, declarations, scores, consensus, the ranking and its sensitivity (rule 8)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from innokop.calloffs import evaluation, services
from innokop.calloffs.models import (
    CallOff,
    CallOffStatus,
    ConflictDeclaration,
    ConsensusScore,
    Evaluation,
    Score,
    TenderStatus,
)
from innokop.calloffs.services import evaluating
from innokop.core.models import AuditEvent

from ..factories import member
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

pytestmark = pytest.mark.django_db



def use_model(calloff: CallOff, model: str, **fields) -> CallOff:
    """The evaluation settings of the start flow belong to another part; here they are set directly."""
    CallOff.objects.filter(pk=calloff.pk).update(evaluation_model=model, price_weight=None,
                                                 tie_rules=fields.pop("tie_rules", []), **fields)
    calloff.criteria.update(weight=None)
    return CallOff.objects.get(pk=calloff.pk)


@pytest.fixture
def mandatory_no(published_calloff, two_tenders, supplier_off_lot, agency_procurer, agency_colleague, clock):
    """A third tender that says no to K2 (data stays within the EU) and leaves K1 unanswered."""
    from ..factories import OrganisationFactory

    org = OrganisationFactory(kind="supplier", name="Nej AB")
    tender = submit(published_calloff, org, supplier_off_lot,
                    content_for(published_calloff, price=50, meets={"K2": False, "K1": None}))
    open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    return tender


# --- qualification ----------------------------------------------------------------------------------


def test_a_tender_that_meets_every_mandatory_requirement_is_qualified(opened, two_tenders, agency_procurer):
    a, _b = two_tenders
    tender = evaluating.tender_qualify(actor=agency_procurer, tender=a)
    assert tender.status == TenderStatus.QUALIFIED and tender.qualified_by == agency_procurer
    event = AuditEvent.objects.get(verb="calloff.tender_qualified")
    assert event.payload == {"tender": a.pk, "supplier": a.supplier_id}


def test_a_mandatory_no_cannot_be_qualified_and_the_reason_names_the_requirement(mandatory_no, published_calloff,
                                                                                 agency_procurer):
    with pytest.raises(services.CallOffError, match="does not meet the mandatory requirement K2: Data stannar inom EU"):
        evaluating.tender_qualify(actor=agency_procurer, tender=mandatory_no)
    mandatory_no.refresh_from_db()
    assert mandatory_no.status == TenderStatus.SUBMITTED
    item = services.opening.opened_tender(published_calloff, mandatory_no.pk)
    assert [r.identifier for r in evaluating.mandatory_failures(published_calloff, item)] == ["K1", "K2"]


def test_the_reject_page_is_prefilled_with_the_requirement(login, mandatory_no, published_calloff, agency_procurer):
    client = login(agency_procurer)
    tender_page = client.get(reverse("calloffs:opened_tender", args=[published_calloff.pk, mandatory_no.pk]))
    assert "This tender cannot be qualified" in tender_page.content.decode()
    assert "Qualify the tender" not in tender_page.content.decode()
    url = reverse("calloffs:tender_reject", args=[published_calloff.pk, mandatory_no.pk])
    form = client.get(url).content.decode()
    assert "mandatory requirement K2: Data stannar inom EU" in form
    response = client.post(url, {"reason": "Uppfyller inte K2."})
    assert response.status_code == 302
    mandatory_no.refresh_from_db()
    assert mandatory_no.status == TenderStatus.REJECTED and mandatory_no.rejection_reason == "Uppfyller inte K2."


def test_rejecting_needs_a_reason_and_is_audited(opened, two_tenders, agency_procurer):
    a, _b = two_tenders
    with pytest.raises(ValidationError):
        evaluating.tender_reject(actor=agency_procurer, tender=a, reason="  ")
    evaluating.tender_reject(actor=agency_procurer, tender=a, reason="Saknar referenser.")
    assert AuditEvent.objects.get(verb="calloff.tender_rejected").payload == {
        "tender": a.pk, "supplier": a.supplier_id, "reason": "Saknar referenser."}


def test_a_rejected_tender_may_be_qualified_after_all_while_the_evaluation_is_open(opened, two_tenders,
                                                                                   agency_procurer):
    a, _b = two_tenders
    evaluating.tender_reject(actor=agency_procurer, tender=a, reason="Fel.")
    tender = evaluating.tender_qualify(actor=agency_procurer, tender=a)
    assert tender.status == TenderStatus.QUALIFIED and tender.rejection_reason == ""


def test_only_the_team_qualifies(opened, two_tenders, supplier):
    outsider = member(opened.agency, "procurer")
    for actor in (outsider, supplier):
        with pytest.raises(services.CallOffError, match="Only the call-off's team"):
            evaluating.tender_qualify(actor=actor, tender=two_tenders[0])


def test_qualification_before_opening_is_refused(published_calloff, two_tenders, agency_procurer):
    with pytest.raises(services.CallOffError, match="not opened yet"):
        evaluating.tender_qualify(actor=agency_procurer, tender=two_tenders[0])


def test_qualification_is_fixed_once_the_evaluation_is_completed(evaluated, two_tenders, agency_procurer):
    with pytest.raises(services.CallOffError, match="Reopen it"):
        evaluating.tender_reject(actor=agency_procurer, tender=two_tenders[0], reason="Sent påkommet.")


# --- declarations and scores ------------------------------------------------------------------------


def test_scoring_without_a_declaration_is_refused(qualified, two_tenders, agency_procurer):
    with pytest.raises(services.CallOffError, match="Declare that you have no conflict of interest"):
        evaluating.scores_record(actor=agency_procurer, tender=two_tenders[0], scores={quality(qualified).pk: (3, "")})
    assert not Score.objects.exists()


def test_a_declaration_must_be_confirmed_names_the_tenderers_and_is_audited(qualified, agency_colleague):
    with pytest.raises(ValidationError):
        evaluating.conflict_declare(actor=agency_colleague, calloff=qualified, confirmed=False)
    declaration = evaluating.conflict_declare(actor=agency_colleague, calloff=qualified, confirmed=True)
    assert "Johan Kollega" in declaration.statement and "Leverantör Två AB" in declaration.statement
    assert AuditEvent.objects.get(verb="calloff.conflict_declared").payload == {"declaration": declaration.pk}
    with pytest.raises(services.CallOffError, match="You declared"):
        evaluating.conflict_declare(actor=agency_colleague, calloff=qualified, confirmed=True)
    assert ConflictDeclaration.objects.count() == 1


def test_each_evaluator_scores_and_scoring_again_replaces_the_scores(qualified, two_tenders, agency_procurer,
                                                                    agency_colleague):
    a, _b = two_tenders
    criterion = quality(qualified)
    for actor, score in ((agency_procurer, 3), (agency_colleague, 4)):
        evaluating.conflict_declare(actor=actor, calloff=qualified, confirmed=True)
        evaluating.scores_record(actor=actor, tender=a, scores={criterion.pk: (score, "Bra.")})
    evaluating.scores_record(actor=agency_colleague, tender=a, scores={criterion.pk: (5, "Mycket bra.")})
    assert sorted(Score.objects.values_list("evaluator__full_name", "score")) == [
        ("Johan Kollega", 5), ("Maria Upphandlare", 3)]
    event = AuditEvent.objects.filter(verb="calloff.scores_recorded").last()
    assert event.payload == {"tender": a.pk, "scores": {str(criterion.pk): 5}}


@pytest.mark.parametrize("score", [-1, 6])
def test_a_score_outside_0_to_5_is_refused(qualified, two_tenders, agency_procurer, score):
    evaluating.conflict_declare(actor=agency_procurer, calloff=qualified, confirmed=True)
    with pytest.raises(ValidationError):
        evaluating.scores_record(actor=agency_procurer, tender=two_tenders[0], scores={quality(qualified).pk: (score, "")})


def test_only_qualified_tenders_are_scored(opened, two_tenders, agency_procurer):
    evaluating.conflict_declare(actor=agency_procurer, calloff=opened, confirmed=True)
    with pytest.raises(services.CallOffError, match="Only qualified tenders are scored"):
        evaluating.scores_record(actor=agency_procurer, tender=two_tenders[0], scores={quality(opened).pk: (3, "")})


def test_a_consensus_score_needs_reasons(qualified, two_tenders, agency_procurer):
    evaluating.conflict_declare(actor=agency_procurer, calloff=qualified, confirmed=True)
    criterion = quality(qualified)
    with pytest.raises(ValidationError):
        evaluating.consensus_record(actor=agency_procurer, tender=two_tenders[0], scores={criterion.pk: (3, " ")})
    evaluating.consensus_record(actor=agency_procurer, tender=two_tenders[0], scores={criterion.pk: (3, "Enig.")})
    assert ConsensusScore.objects.get().reason == "Enig."
    assert AuditEvent.objects.filter(verb="calloff.consensus_recorded").count() == 1


def test_lowest_price_needs_no_scores(opened, two_tenders, agency_procurer):
    calloff = use_model(opened, "lowest_price", tie_rules=["draw_lots"])
    for tender in two_tenders:
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    evaluating.conflict_declare(actor=agency_procurer, calloff=calloff, confirmed=True)
    with pytest.raises(services.CallOffError, match="does not score quality"):
        evaluating.scores_record(actor=agency_procurer, tender=two_tenders[0], scores={quality(calloff).pk: (3, "")})
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    assert result.winner == two_tenders[1] and [row["price"] for row in result.ranking] == ["80", "100"]


# --- the ranking ------------------------------------------------------------------------------------


def test_the_worked_price_quality_example_through_the_services(scored, two_tenders, agency_procurer):
    """DESIGN.md: weights 60/40; A price 100, quality 3/5 → 48 + 24 = 72; B price 80, 2/5 → 60 + 16 = 76."""
    a, b = two_tenders
    assert scored.price_weight == 60 and quality(scored).weight == 40
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=scored)
    rows = {row["supplier"]: row for row in result.ranking}
    assert (rows["Leverantör Ett AB"]["price_points"], rows["Leverantör Ett AB"]["quality_points"],
            rows["Leverantör Ett AB"]["total_points"]) == ("48.00", "24.00", "72.00")
    assert (rows["Leverantör Två AB"]["price_points"], rows["Leverantör Två AB"]["quality_points"],
            rows["Leverantör Två AB"]["total_points"]) == ("60.00", "16.00", "76.00")
    assert [row["tender"] for row in result.ranking] == [b.pk, a.pk] and result.winner == b
    assert "80 kr ÷ 100 kr × 60 = 48.00" in rows["Leverantör Ett AB"]["explanation"]
    scored.refresh_from_db()
    assert scored.status == CallOffStatus.EVALUATED
    assert AuditEvent.objects.get(verb="calloff.evaluation_completed").payload == {
        "winner": b.pk, "order": [b.pk, a.pk], "lot_draw": None}


def test_the_value_added_example_is_decided_by_the_larger_deduction(published_calloff, supplier_org, supplier,
                                                                   supplier_org_b, supplier_b, agency_procurer,
                                                                   agency_colleague, clock):
    """DESIGN.md: A 1 000 000 meets C1 (100 000) → 900 000; B 950 000 meets C2 (50 000) → 900 000; A wins the tie."""
    agreement = published_calloff.lot.agreement
    values = {}
    for identifier, amount in (("C1", "100000"), ("C2", "50000")):
        requirement = agreement.requirements.create(identifier=identifier, text=f"Mervärde {identifier}",
                                                    kind="evaluated", category="other", followup_method="audit",
                                                    followup_frequency="once")
        published_calloff.requirements.add(requirement)
        values[str(requirement.pk)] = {"amount": amount}
    calloff = use_model(published_calloff, "value_added", requirement_values=values,
                        tie_rules=["larger_deduction", "lower_price", "draw_lots"])
    a = submit(calloff, supplier_org, supplier, content_for(calloff, price=1_000_000, meets={"C2": False}))
    b = submit(calloff, supplier_org_b, supplier_b, content_for(calloff, price=950_000, meets={"C1": False}))
    calloff = open_tenders(calloff, agency_procurer, agency_colleague, clock)
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    assert [(row["supplier"], row["comparison_price"], row["deduction"]) for row in result.ranking] == [
        ("Leverantör Ett AB", "900000", "100000"), ("Leverantör Två AB", "900000", "50000")]
    assert result.winner == a and result.ranking[0]["decided_by"] == "larger_deduction"


def test_fixed_price_best_quality_wins(published_calloff, supplier_org, supplier, supplier_org_b, supplier_b,
                                      agency_procurer, agency_colleague, clock):
    calloff = use_model(published_calloff, "fixed_price", fixed_price=Decimal(500_000), tie_rules=["draw_lots"])
    calloff.criteria.update(weight=100)
    a = submit(calloff, supplier_org, supplier, content_for(calloff, price=500_000))
    b = submit(calloff, supplier_org_b, supplier_b, content_for(calloff, price=500_000))
    calloff = open_tenders(calloff, agency_procurer, agency_colleague, clock)
    for tender, score in ((a, 2), (b, 4)):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
        agree(calloff, agency_procurer, tender, score)
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    assert result.winner == b and [row["total_points"] for row in result.ranking] == ["80.00", "40.00"]


def test_a_price_other_than_the_fixed_price_stops_the_ranking(published_calloff, supplier_org, supplier,
                                                              agency_procurer, agency_colleague, clock):
    calloff = use_model(published_calloff, "fixed_price", fixed_price=Decimal(500_000), tie_rules=["draw_lots"])
    calloff.criteria.update(weight=100)
    a = submit(calloff, supplier_org, supplier, content_for(calloff, price=450_000))
    calloff = open_tenders(calloff, agency_procurer, agency_colleague, clock)
    evaluating.tender_qualify(actor=agency_procurer, tender=a)
    agree(calloff, agency_procurer, a, 3)
    assert "the fixed price is 500000" in evaluating.ranking_preview(calloff).problems[0]


@pytest.fixture
def equal_prices(published_calloff, agency_procurer, agency_colleague, clock, supplier_org, supplier,
                 supplier_org_b, supplier_b):
    """Lowest price, both tenders at 90 kr: the only tie rule is drawing lots."""
    calloff = use_model(published_calloff, "lowest_price", tie_rules=["draw_lots"])
    a = submit(calloff, supplier_org, supplier, content_for(calloff, price=90))
    b = submit(calloff, supplier_org_b, supplier_b, content_for(calloff, price=90))
    calloff = open_tenders(calloff, agency_procurer, agency_colleague, clock)
    for tender in (a, b):
        evaluating.tender_qualify(actor=agency_procurer, tender=tender)
    return calloff, a, b


def test_a_tie_that_goes_to_lots_needs_the_draw_and_a_witness(equal_prices, agency_procurer):
    calloff, a, b = equal_prices
    preview = evaluating.ranking_preview(calloff)
    assert preview.ranking.lots_required and preview.ranking.winner is None
    with pytest.raises(ValidationError) as missing:
        evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff)
    assert set(missing.value.error_dict) == {f"position_{a.pk}", f"position_{b.pk}"}
    with pytest.raises(ValidationError) as no_witness:
        evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff, draw={a.pk: 2, b.pk: 1})
    assert set(no_witness.value.error_dict) == {"witness"}
    with pytest.raises(ValidationError):
        evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff, draw={a.pk: 1, b.pk: 1},
                                       witness="Vera Vittne")
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=calloff, draw={a.pk: 2, b.pk: 1},
                                            witness="Vera Vittne")
    assert result.winner == b and result.ranking[0]["decided_by"] == "draw_lots"
    [draw] = [note for note in result.notes if note["kind"] == "lot_draw"]
    assert draw["witness"] == "Vera Vittne" and draw["order"] == ["Leverantör Två AB", "Leverantör Ett AB"]
    assert AuditEvent.objects.get(verb="calloff.evaluation_completed").payload["lot_draw"]["witness"] == "Vera Vittne"


def test_the_ranking_waits_for_every_decision_and_every_consensus(opened, two_tenders, agency_procurer):
    a, b = two_tenders
    evaluating.tender_qualify(actor=agency_procurer, tender=a)
    problems = evaluating.ranking_problems(opened)
    assert "Decide on the tender from Leverantör Två AB: qualify it or reject it." in problems
    assert "Set the consensus score for Leverantör Ett AB on Kvalitet." in problems
    with pytest.raises(services.CallOffError, match="Decide on the tender from Leverantör Två AB"):
        evaluating.evaluation_complete(actor=agency_procurer, calloff=opened)


def test_no_qualified_tender_means_no_ranking(opened, two_tenders, agency_procurer):
    for tender in two_tenders:
        evaluating.tender_reject(actor=agency_procurer, tender=tender, reason="Uppfyller inte kraven.")
    with pytest.raises(services.CallOffError, match="No tender is qualified"):
        evaluating.evaluation_complete(actor=agency_procurer, calloff=opened)


def test_a_rejected_tender_is_not_ranked(qualified, two_tenders, agency_procurer):
    a, b = two_tenders
    evaluating.tender_reject(actor=agency_procurer, tender=a, reason="Saknar referenser.")
    agree(qualified, agency_procurer, b, 2)
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=qualified)
    assert [row["tender"] for row in result.ranking] == [b.pk] and result.winner == b


def test_the_evaluation_can_be_reopened_with_a_reason_and_completed_again(evaluated, two_tenders, agency_procurer):
    a, b = two_tenders
    with pytest.raises(ValidationError):
        evaluating.evaluation_reopen(actor=agency_procurer, calloff=evaluated, reason="")
    evaluating.evaluation_reopen(actor=agency_procurer, calloff=evaluated, reason="Fel poäng för B.")
    evaluated.refresh_from_db()
    assert evaluated.status == CallOffStatus.OPENED and not Evaluation.objects.exists()
    assert AuditEvent.objects.get(verb="calloff.evaluation_reopened").payload == {
        "reason": "Fel poäng för B.", "previous_winner": b.pk, "previous_order": [b.pk, a.pk]}
    agree(evaluated, agency_procurer, b, 0)
    result = evaluating.evaluation_complete(actor=agency_procurer, calloff=evaluated)
    assert result.winner == a


def test_only_a_completed_evaluation_is_reopened(scored, agency_procurer):
    with pytest.raises(services.CallOffError, match="Only a completed evaluation"):
        evaluating.evaluation_reopen(actor=agency_procurer, calloff=scored, reason="Varför inte.")


# --- sensitivity ------------------------------------------------------------------------------------


def test_the_price_weight_ranges_over_what_the_criteria_leave(published_calloff):
    ranges = evaluating.weight_ranges(published_calloff)
    assert ranges == {str(quality(published_calloff).pk): evaluation.WeightRange(Decimal(20), Decimal(60)),
                      evaluation.PRICE: evaluation.WeightRange(Decimal(40), Decimal(80))}


def test_the_winner_of_the_worked_example_changes_within_the_ranges(scored):
    """A: 60 + 0,2p; B: 40 + 0,6p. B wins above a price weight of 50, A at or below (the tie at 50 by quality)."""
    view = evaluating.sensitivity_view(scored)
    assert view.result.winner_can_change
    assert view.sentence.startswith("The winner changes within the agreement's ranges")
    winners = {dict(w)[evaluation.PRICE]: o.winner for o in view.result.outcomes for w in o.weights}
    assert winners == {Decimal(p): ("Leverantör Ett AB" if p <= 50 else "Leverantör Två AB")
                       for p in range(40, 85, 5)}


def test_a_clear_winner_does_not_change(qualified, two_tenders, agency_procurer):
    a, b = two_tenders
    agree(qualified, agency_procurer, a, 1)
    agree(qualified, agency_procurer, b, 5)
    view = evaluating.sensitivity_view(qualified)
    assert not view.result.winner_can_change
    assert view.sentence.startswith("The winner does not change within the agreement's ranges: Leverantör Två AB")


def test_lowest_price_has_no_weights_to_vary(opened):
    view = evaluating.sensitivity_view(use_model(opened, "lowest_price", tie_rules=["draw_lots"]))
    assert view.result is None and "has no weights" in view.problems[0]


# --- pages ------------------------------------------------------------------------------------------


def test_the_scoring_page_asks_for_the_declaration_first(login, qualified, two_tenders, agency_colleague):
    client = login(agency_colleague)
    url = reverse("calloffs:score_tender", args=[qualified.pk, two_tenders[0].pk])
    response = client.get(url)
    assert response["Location"] == reverse("calloffs:conflict_declare", args=[qualified.pk])
    declaration_url = response["Location"]
    refused = client.post(declaration_url, {})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert client.post(declaration_url, {"confirm": "on"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Vårt svar om Kvalitet" in page and "Score for Kvalitet" in page
    criterion = quality(qualified)
    bad = client.post(url, {})
    assert "Give Kvalitet a score from 0 to 5" in bad.content.decode()
    assert client.post(url, {f"score_{criterion.pk}": "4", f"reason_{criterion.pk}": "Tydligt."}).status_code == 302
    assert Score.objects.get().score == 4


def test_the_consensus_page_shows_the_evaluators_scores_side_by_side(login, qualified, two_tenders, agency_procurer,
                                                                      agency_colleague):
    a, _b = two_tenders
    criterion = quality(qualified)
    for actor, score, comment in ((agency_procurer, 3, "Godkänt."), (agency_colleague, 4, "Starkt.")):
        evaluating.conflict_declare(actor=actor, calloff=qualified, confirmed=True)
        evaluating.scores_record(actor=actor, tender=a, scores={criterion.pk: (score, comment)})
    client = login(agency_procurer)
    url = reverse("calloffs:consensus_tender", args=[qualified.pk, a.pk])
    page = client.get(url).content.decode()
    for text in ("Maria Upphandlare", "Johan Kollega", "Godkänt.", "Starkt."):
        assert text in page
    missing = client.post(url, {f"score_{criterion.pk}": "3"}).content.decode()
    assert "Give the reasons for the consensus score on Kvalitet" in missing
    assert client.post(url, {f"score_{criterion.pk}": "3", f"reason_{criterion.pk}": "Vi enades."}).status_code == 302
    assert ConsensusScore.objects.get(tender=a).score == 3


def test_the_ranking_page_shows_the_figures_and_completes_the_evaluation(login, scored, agency_procurer):
    client = login(agency_procurer)
    url = reverse("calloffs:evaluation_ranking", args=[scored.pk])
    page = client.get(url).content.decode()
    assert "76.00" in page and "72.00" in page and "Complete the evaluation" in page
    response = client.post(url)
    assert response["Location"] == reverse("calloffs:decision_prepare", args=[scored.pk])
    assert Evaluation.objects.get(calloff=scored).winner.supplier.name == "Leverantör Två AB"


def test_the_ranking_page_asks_for_the_draw(login, equal_prices, agency_procurer):
    calloff, a, b = equal_prices
    client = login(agency_procurer)
    url = reverse("calloffs:evaluation_ranking", args=[calloff.pk])
    page = client.get(url).content.decode()
    assert "Witness of the draw" in page and f'name="position_{a.pk}"' in page
    refused = client.post(url, {f"position_{a.pk}": "1", f"position_{b.pk}": "2"})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert 'value="1" selected' in refused.content.decode()  # what was chosen is kept
    done = client.post(url, {f"position_{a.pk}": "1", f"position_{b.pk}": "2", "witness": "Vera Vittne"})
    assert done.status_code == 302 and Evaluation.objects.get().winner == a


def test_the_sensitivity_page_states_whether_the_winner_changes(login, scored, agency_colleague):
    page = login(agency_colleague).get(reverse("calloffs:evaluation_sensitivity", args=[scored.pk])).content.decode()
    assert "The winner changes within the agreement&#x27;s ranges" in page and "40–80 %" in page


def test_qualify_through_the_page(login, opened, two_tenders, agency_procurer):
    a, _b = two_tenders
    response = login(agency_procurer).post(reverse("calloffs:tender_qualify", args=[opened.pk, a.pk]))
    assert response["Location"] == reverse("calloffs:evaluation_overview", args=[opened.pk])
    a.refresh_from_db()
    assert a.status == TenderStatus.QUALIFIED


@pytest.mark.parametrize(("name", "method"), [
    ("calloffs:tender_qualify", "post"), ("calloffs:tender_reject", "get"), ("calloffs:score_tender", "get"),
    ("calloffs:consensus_tender", "get")])
def test_a_member_outside_the_team_reads_but_does_not_evaluate(login, qualified, two_tenders, name, method):
    client = login(member(qualified.agency, "procurer"))
    assert getattr(client, method)(reverse(name, args=[qualified.pk, two_tenders[0].pk])).status_code == 403
    assert client.get(reverse("calloffs:evaluation_overview", args=[qualified.pk])).status_code == 200
    assert client.get(reverse("calloffs:evaluation_ranking", args=[qualified.pk])).status_code == 200
    assert client.post(reverse("calloffs:evaluation_ranking", args=[qualified.pk])).status_code == 403
    assert client.get(reverse("calloffs:conflict_declare", args=[qualified.pk])).status_code == 403


@pytest.mark.parametrize("persona", ["supplier", "other_agency_procurer", "cpb_manager"])
def test_the_evaluation_is_invisible_outside_the_agency(login, qualified, persona, request):
    client = login(request.getfixturevalue(persona))
    for name in ("calloffs:evaluation_overview", "calloffs:evaluation_ranking", "calloffs:evaluation_sensitivity"):
        assert client.get(reverse(name, args=[qualified.pk])).status_code == 404


def test_the_qualify_button_refuses_get(login, opened, two_tenders, agency_procurer):
    url = reverse("calloffs:tender_qualify", args=[opened.pk, two_tenders[0].pk])
    assert login(agency_procurer).get(url).status_code == 405


def test_the_api_gives_the_evaluation_to_the_agency(login, evaluated, two_tenders, agency_colleague, supplier):
    url = f"/api/calloffs/{evaluated.pk}/evaluation"
    body = login(agency_colleague).get(url).json()
    assert body["completed"] and body["winner"] == "Leverantör Två AB" and body["state"] == "evaluated"
    assert [row["total_points"] for row in body["ranking"]] == ["76.00", "72.00"]
    assert {row["status"] for row in body["tenders"]} == {"qualified"}
    assert login(supplier).get(url).status_code == 404
