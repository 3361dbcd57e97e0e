"""Analysis and conclusion: the dashboard's charts and tables, the facts the checklist is computed from (the
estimated value against the dated thresholds of rule 13), the checklist saved and audited."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.core.models import AuditEvent
from innokop.prestudy import analysis, services
from innokop.prestudy.models import Assessment
from innokop.prestudy.services import procurement
from innokop.reference.models import Threshold, ThresholdKind
from innokop.reference.thresholds import threshold_add

from .test_matching import market, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(prestudy, need, other_agency, other_agency_procurer, cpb_manager, market):  # noqa: F811
    services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=200, needed_year=2028)
    for status in ("collecting", "analysing"):
        services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=status)
    prestudy.refresh_from_db()
    return prestudy


def checklist(**changes) -> procurement.AssessmentInput:
    given = {"route": "framework_dialogue", "route_reasons": "Flera leverantörer, behov av dialog vid avrop.",
             "competition": "God konkurrens med flera små företag.", "risks": "Ny teknik; driftstörningar.",
             "recommendation": "procure", "recommendation_text": "Genomför en upphandling av ramavtal.",
             "contract_years": 4}
    return procurement.AssessmentInput(**(given | changes))


def test_the_estimated_value_prices_the_joined_volumes_and_is_compared_with_the_thresholds_in_force(analysed):
    found = analysis.facts(analysed)
    # 1 200 000 kr for 400 containers; the other agency's 200 priced alike: 1 800 000 a year, four years.
    assert found.yearly_value == Decimal(1_800_000) and found.estimated_value == Decimal(7_200_000)
    assert found.agencies == 2 and found.needs == 1
    central = next(row for row in found.thresholds if row.kind == ThresholdKind.CENTRAL_GOVERNMENT)
    assert central.amount == Decimal(1546202) and central.above and central.valid_from == "2024-01-01"
    with translation.override("en"):
        sentence = analysis.threshold_sentence(central, found.estimated_value)
    assert "is at or above" in sentence and "2024-01-01" in sentence and central.source in sentence
    assert {supplier.name for supplier in found.suppliers} == {"Fyllnadssensorer AB", "Ruttplanering för sophämtning AB",
                                                              "Smarta kärl AB"}
    assert found.smes == 1 and found.sme_share == 33


def test_a_later_threshold_row_is_the_one_compared_with(analysed, staff_user, clock):
    threshold_add(actor=staff_user, kind=ThresholdKind.CENTRAL_GOVERNMENT, valid_from=date(2026, 1, 1),
                  amount=Decimal(10_000_000), source="Ny förordning 2026")
    found = analysis.facts(analysed)
    central = next(row for row in found.thresholds if row.kind == ThresholdKind.CENTRAL_GOVERNMENT)
    assert central.source == "Ny förordning 2026" and not central.above
    assert Threshold.objects.filter(kind=ThresholdKind.CENTRAL_GOVERNMENT).count() == 2


def test_the_dashboard_charts_carry_the_same_numbers_as_their_tables(analysed, client, login, cpb_manager):
    with translation.override("en"):
        charts = {chart.title: chart for chart in analysis.dashboard(analysed)}
    assert charts["Needs by CPV division"].table()[1] == [["90", 1]]
    assert charts["Aggregated volume per year by CPV division"].table()[1][0][1] == 600
    trl = dict(charts["Maturity of the matching solutions"].table()[1])
    assert (trl["8"], trl["6"], trl["5"]) == (1, 1, 1)
    assert charts["Potential suppliers"].table()[1] == [["SMEs", 1], ["Other suppliers", 2]]
    login(cpb_manager)
    page = client.get(reverse("prestudy:prestudy_dashboard", args=[analysed.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<svg") >= 6 and html.count("ik-chart__table") >= 6 and "<script>" not in html


def test_the_checklist_is_saved_with_its_facts_and_audited(analysed, cpb_manager):
    saved = procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    assert saved.facts["suppliers"] == 3 and saved.facts["smes"] == 1
    assert saved.facts["estimated_value"] == "7200000"
    assert saved.facts["thresholds"][0]["source"]
    changed = procurement.assessment_save(actor=cpb_manager, prestudy=analysed,
                                          given=checklist(recommendation="not_now", contract_years=2))
    assert Assessment.objects.count() == 1 and changed.facts["estimated_value"] == "3600000"
    events = AuditEvent.objects.filter(verb="prestudy.assessed")
    assert events.count() == 2 and events.last().payload["recommendation"] == "not_now"


def test_the_checklist_is_refused_before_analysis_incomplete_or_by_others(prestudy, analysed, cpb_manager,
                                                                         agency_procurer):
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist(risks=" ", route="x"))
    assert {problem.field for problem in refused.value.problems} == {"risks", "route"}
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.assessment_save(actor=agency_procurer, prestudy=analysed, given=checklist())
    assert refused.value.status == 403
    services.prestudy_advance(actor=cpb_manager, prestudy=analysed, to_status="concluded")
    services.prestudy_decide(actor=cpb_manager, prestudy=analysed, outcome="not_pursued", reasons="Inte nu.")
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    assert refused.value.code == "not_analysing"


def test_the_checklist_page_shows_the_computed_facts_and_saves(analysed, client, login, cpb_manager):
    login(cpb_manager)
    url = reverse("prestudy:prestudy_checklist", args=[analysed.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert 'id="computed"' in html and "2024-01-01" in html and "(EU) 2023/2495" in html
    data = {"route": "innovation_partnership", "route_reasons": "R", "competition": "K", "contract_years": "3",
            "risks": "Risk", "recommendation": "procure", "recommendation_text": "Upphandla."}
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert Assessment.objects.get().route == "innovation_partnership"
    assert client.post(url, data | {"risks": ""}).status_code == 422


def test_the_response_rates_count_the_agencies_asked_and_the_suppliers_told(
        prestudy, need, agency, agency_procurer, other_agency, cpb_manager, market, clock):  # noqa: F811
    from datetime import timedelta

    from innokop.accounts.models import Role
    from innokop.prestudy.services import market as rfi
    from innokop.prestudy.services import surveys

    from ..factories import member

    services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status="collecting")
    deadline = clock.now() + timedelta(days=10)
    survey = surveys.survey_create(actor=cpb_manager, prestudy=prestudy, title="Behov", introduction="I",
                                   deadline=deadline, agencies=[agency, other_agency])
    question = surveys.survey_question_add(actor=cpb_manager, survey=survey, kind="number", text="Hur många?")
    surveys.survey_send(actor=cpb_manager, survey=survey)
    surveys.survey_answer(actor=agency_procurer, survey=survey, agency=agency, values={question.pk: "12"})
    dialogue = rfi.market_dialogue_create(actor=cpb_manager, prestudy=prestudy, title="Sensorer", description="D",
                                          questions="Vad finns?", deadline=deadline)
    rfi.market_dialogue_publish(actor=cpb_manager, dialogue=dialogue)  # the two suppliers in division 90 are told
    supplier = market["exact"].supplier
    rfi.rfi_answer(actor=member(supplier, Role.SUPPLIER_REPRESENTATIVE), dialogue=dialogue, supplier=supplier,
                   answers=["Vi har sensorer."])
    with translation.override("en"):
        rates = next(chart for chart in analysis.dashboard(prestudy) if chart.title == "Response rates")
    assert rates.table()[1] == [["Survey: Behov", 50], ["RFI: Sensorer", 50]]


def test_the_wrong_method_is_refused(analysed, client, login, cpb_manager, need):
    login(cpb_manager)
    assert client.post(reverse("prestudy:prestudy_dashboard", args=[analysed.pk])).status_code == 405
    assert client.get(reverse("prestudy:report_generate", args=[analysed.pk])).status_code == 405
    assert client.delete(reverse("prestudy:prestudy_checklist", args=[analysed.pk])).status_code == 405
    assert client.put(reverse("prestudy:procurement_start", args=[analysed.pk])).status_code == 405
    assert client.delete(reverse("prestudy:need_calloffs", args=[need.pk])).status_code == 405
