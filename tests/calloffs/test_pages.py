"""The pages: a four-page flow to publication, who sees what (200/403/404), and query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.calloffs.models import CallOff, CallOffStatus

from ..agreements.factories import LotSupplierFactory
from ..factories import OrganisationFactory
from .conftest import prepare, start

pytestmark = pytest.mark.django_db



def test_an_agency_procurer_publishes_in_four_pages(login, lot, agency_procurer, supplier, clock,
                                                    django_capture_on_commit_callbacks):
    client = login(agency_procurer)
    pages = [reverse("calloffs:calloff_start", args=[lot.pk])]
    response = client.get(pages[0])
    assert response.status_code == 200 and "Step 1 of 4" in response.content.decode()
    response = client.post(pages[0], {"title": "AI-stöd", "need": "Stöd i handläggningen", "estimated_value": "3000000"})
    calloff = CallOff.objects.get()
    pages.append(response["Location"])
    form = client.get(pages[-1])
    assert "Step 2 of 4" in form.content.decode() and 'value="50"' in form.content.decode()
    criteria = {c.name: c.pk for c in lot.criteria.all()}
    response = client.post(pages[-1], {"evaluation_model": "price_quality", "price_weight": "10",
                                       f"weight_{criteria['Pris']}": "50", f"weight_{criteria['Kvalitet']}": "40"})
    pages.append(response["Location"])
    form = client.get(pages[-1])
    assert "Step 3 of 4" in form.content.decode() and 'value="2027-03-25T12:00"' in form.content.decode()
    initial = form.context["form"].initial
    response = client.post(pages[-1], {k: v.strftime("%Y-%m-%dT%H:%M") if hasattr(v, "hour") else
                                       v.isoformat() if hasattr(v, "isoformat") else v for k, v in initial.items()})
    pages.append(response["Location"])
    check = client.get(pages[-1])
    text = check.content.decode()
    assert "Step 4 of 4" in text and "Thursday 25 March 2027 at 12:00" in text and "ik-timeline" in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pages[-1])
    assert response["Location"] == reverse("calloffs:calloff_published", args=[calloff.pk])
    assert len(pages) == 4 and pages[1:] == [reverse(f"calloffs:calloff_{name}", args=[calloff.pk])
                                             for name in ("evaluation", "timetable", "check")]
    confirmation = client.get(response["Location"]).content.decode()
    assert calloff.reference in confirmation and "2 suppliers have been invited" in confirmation
    calloff.refresh_from_db()
    assert calloff.status == CallOffStatus.OPEN


def test_a_refused_weight_is_shown_on_the_field(login, draft, agency_procurer):
    criteria = {c.name: c.pk for c in draft.lot.criteria.all()}
    response = login(agency_procurer).post(reverse("calloffs:calloff_evaluation", args=[draft.pk]), {
        "evaluation_model": "price_quality", "price_weight": "0",
        f"weight_{criteria['Pris']}": "90", f"weight_{criteria['Kvalitet']}": "10"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text and f'href="#id_weight_{criteria["Pris"]}"' in text


def test_the_check_page_warns_about_a_holiday(login, draft, agency_procurer):
    from datetime import datetime

    from innokop.core.calendar import STOCKHOLM

    prepare(agency_procurer, draft, tender_deadline=datetime(2027, 3, 26, 12, tzinfo=STOCKHOLM))
    text = login(agency_procurer).get(reverse("calloffs:calloff_check", args=[draft.pk])).content.decode()
    assert "govuk-warning-text" in text and "Tender deadline falls on a weekend or public holiday" in text
    assert "Publish the call-off" in text


def test_the_draft_page_is_a_task_list(login, draft, agency_procurer):
    text = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[draft.pk])).content.decode()
    assert "govuk-task-list" in text
    assert re.search(r'id="task-need-status">Completed', text)
    assert re.search(r'id="task-evaluation-status"><strong[^>]*>Incomplete', text)


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 200), ("other_agency_procurer", 404), ("supplier", 404),
    ("supplier_off_lot", 404), ("cpb_manager", 404)])
def test_who_sees_a_draft(login, draft, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:calloff_detail", args=[draft.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 200), ("other_agency_procurer", 404), ("supplier", 200),
    ("supplier_off_lot", 404), ("cpb_manager", 404)])
def test_who_sees_an_open_call_off(login, open_calloff, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).status_code == status


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("agency_colleague", 403), ("other_agency_procurer", 404), ("supplier", 404)])
def test_only_the_team_opens_the_steps(login, draft, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:calloff_evaluation", args=[draft.pk])).status_code == status


def test_a_colleague_outside_the_team_may_not_start_a_step_by_post(login, draft, agency_colleague):
    response = login(agency_colleague).post(reverse("calloffs:calloff_check", args=[draft.pk]))
    assert response.status_code == 403


def test_the_wrong_method_is_refused(login, draft, agency_procurer):
    assert login(agency_procurer).get(reverse("calloffs:calloff_team_add", args=[draft.pk])).status_code == 405


def test_an_invited_supplier_does_not_see_who_else_is_invited(login, open_calloff, supplier, supplier_org_b):
    text = login(supplier).get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).content.decode()
    assert open_calloff.title in text and supplier_org_b.name not in text
    assert "Invitation to tender" in text


def test_the_agency_sees_the_invited_suppliers(login, open_calloff, agency_colleague, supplier_org, supplier_org_b):
    text = login(agency_colleague).get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).content.decode()
    assert supplier_org.name in text and supplier_org_b.name in text


def test_the_detail_query_count_does_not_grow_with_suppliers(login, lot, ready, agency_procurer,
                                                            django_capture_on_commit_callbacks):
    from innokop.calloffs import services

    for _ in range(8):
        LotSupplierFactory(lot=lot, supplier=OrganisationFactory(kind="supplier"))
    ready = services.calloff_publish(actor=agency_procurer, calloff=ready)
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_detail", args=[ready.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(10):
        ready.invitations.create(supplier=OrganisationFactory(kind="supplier"), invited_at=ready.published_at)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)


def test_the_dashboard_panels(login, open_calloff, agency_procurer, supplier, supplier_off_lot):
    assert open_calloff.title in login(agency_procurer).get(reverse("core:dashboard")).content.decode()
    assert open_calloff.title in login(supplier).get(reverse("core:dashboard")).content.decode()
    assert open_calloff.title not in login(supplier_off_lot).get(reverse("core:dashboard")).content.decode()


def test_the_framework_manager_finds_the_call_offs_of_its_agreements_on_the_dashboard(login, open_calloff, lot,
                                                                                       agency_procurer, cpb_manager):
    start(agency_procurer, lot, title="Ett utkast")  # drafts are not counted
    page = login(cpb_manager).get(reverse("core:dashboard")).content.decode()
    assert reverse("calloffs:agreement_calloffs", args=[lot.agreement.pk]) in page
    assert "1 published call-off" in page


def test_cancel_through_the_page(login, open_calloff, agency_procurer):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_cancel", args=[open_calloff.pk])
    assert "govuk-error-summary" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "Behovet har ändrats"}).status_code == 302
    open_calloff.refresh_from_db()
    assert open_calloff.status == CallOffStatus.CANCELLED


def test_the_team_page_adds_a_colleague(login, draft, agency_procurer, agency_colleague):
    login(agency_procurer).post(reverse("calloffs:calloff_team_add", args=[draft.pk]), {"user": agency_colleague.pk})
    assert draft.team.filter(pk=agency_colleague.pk).exists()


def test_the_api_lists_the_callers_call_offs(login, open_calloff, lot, agency_procurer, supplier, supplier_org_b):
    draft = start(agency_procurer, lot, title="Ett utkast")
    agency_rows = login(agency_procurer).get("/api/calloffs").json()
    assert {row["reference"] for row in agency_rows} == {open_calloff.reference, draft.reference}
    supplier_client = login(supplier)
    assert [row["reference"] for row in supplier_client.get("/api/calloffs").json()] == [open_calloff.reference]
    detail = supplier_client.get(f"/api/calloffs/{open_calloff.pk}").json()
    assert detail["invited_suppliers"] is None and detail["estimated_value"] is None
    assert supplier_client.get(f"/api/calloffs/{draft.pk}").status_code == 404
    agency_detail = login(agency_procurer).get(f"/api/calloffs/{open_calloff.pk}").json()
    assert supplier_org_b.name in agency_detail["invited_suppliers"] and agency_detail["state"] == "open"


@pytest.mark.parametrize("persona", ["agency_procurer", "supplier"])
def test_the_tie_rules_are_stated_before_opening(login, open_calloff, persona, request):
    page = login(request.getfixturevalue(persona)).get(reverse("calloffs:calloff_detail", args=[open_calloff.pk]))
    text = re.sub(r"\s+", " ", page.content.decode())
    assert "If tenders tie" in text
    assert "1. the higher quality wins; 2. the lower price wins; 3. drawing lots" in text


def test_the_timeline_shows_every_date_in_order(open_calloff, agency_procurer, supplier, clock,
                                                 django_capture_on_commit_callbacks):
    from datetime import timedelta

    from innokop.calloffs.services import dialogue
    from innokop.calloffs.views import timeline
    from innokop.core.calendar import statutory_period_end

    first = open_calloff.published_at + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        dialogue.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=[
            dialogue.SlotTime(first + timedelta(hours=h), first + timedelta(hours=h, minutes=45), "Rum 3")
            for h in range(3)])
    rows = timeline(open_calloff)
    labels = [str(row["label"]) for row in rows]
    assert labels == ["Published, every supplier on the lot invited", "Dialogue meetings", "Last time for questions",
                      "Last time for answers", "Tender deadline", "Opening of tenders", "Planned award decision",
                      "Standstill ends", "Contract starts"]
    assert rows[1]["moment"] == first
    assert rows[7]["day"] == statutory_period_end(open_calloff.decision_on, 10)
