"""Dashboards per agreement, supplier and agency: the numbers (followup.stats), who sees them, the page and its
XLSX, and a query count that does not grow with the data."""

import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from io import BytesIO

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs.models import CallOff, CallOffKind, CallOffStatus, Contract
from innokop.followup import stats
from innokop.followup.models import Deviation, DeviationStatus, FollowUpPlan, FollowUpRound, PlanItem
from innokop.followup.quarters import Quarter
from innokop.followup.views.dashboards import agency_numbers, agreement_numbers, supplier_numbers

from ..factories import OrganisationFactory, member
from .conftest import at, report


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def calloff(agreement, agency, user, *, status=CallOffStatus.CONTRACTED, published=None, lot_number=1, **fields):
    return CallOff.objects.create(agency=agency, lot=agreement.lots.get(number=lot_number), created_by=user,
                                  reference=f"AV-{CallOff.objects.count() + 1}", title="Avrop", status=status,
                                  method=CallOffKind.RENEWED_COMPETITION, published_at=published, **fields)


def signed(agreement, supplier_org, agency, user, *, value, published: datetime, signed_at: datetime, lot_number=1):
    off = calloff(agreement, agency, user, published=published, lot_number=lot_number)
    return Contract.objects.create(calloff=off, agency=agency, supplier=supplier_org, value=Decimal(value),
                                   starts_on=date(2026, 6, 1), ends_on=date(2027, 5, 31), signed_by=user,
                                   signed_at=signed_at)


def deviation(plan, supplier_org, user, *, status=DeviationStatus.OPEN):
    item = PlanItem.objects.create(plan=plan, source="target", identifier=f"K{PlanItem.objects.count() + 1}",
                                   text="Svarstid", method="kpi", frequency="quarterly", created_at=at(2026, 2, 1))
    round_ = FollowUpRound.objects.create(plan=plan, item=item, supplier=supplier_org, scheduled_on=date(2026, 3, 2),
                                          question="Svarstider?", deadline=at(2026, 3, 20), requested_by=user,
                                          requested_at=at(2026, 3, 2))
    found = Deviation.objects.create(round=round_, description="För långsamt", opened_at=at(2026, 4, 1))
    for step in {DeviationStatus.OPEN: [], DeviationStatus.ACTION_PLANNED: [DeviationStatus.ACTION_PLANNED],
                 DeviationStatus.CLOSED: [DeviationStatus.ACTION_PLANNED, DeviationStatus.CLOSED],
                 DeviationStatus.ESCALATED: [DeviationStatus.ESCALATED]}[status]:
        found.move_to(step)
        found.save(update_fields=["status"])
    return found


# ---------------------------------------------------------------------------------------------
# The numbers


def test_call_offs_by_state_in_sql_agree_with_each_call_offs_effective_state(sales_agreement, agency, agency_procurer,
                                                                             clock):
    now = clock.now()
    a, u = sales_agreement, agency_procurer
    calloff(a, agency, u, status=CallOffStatus.DRAFT)
    calloff(a, agency, u, status=CallOffStatus.OPEN, published=now + timedelta(days=2))  # scheduled
    calloff(a, agency, u, status=CallOffStatus.OPEN, published=now - timedelta(days=9),
            tender_deadline=now - timedelta(microseconds=1))  # awaiting opening
    calloff(a, agency, u, status=CallOffStatus.OPEN, published=now - timedelta(days=9),
            tender_deadline=now)  # at the deadline instant still taking tenders
    calloff(a, agency, u, status=CallOffStatus.OPEN, published=now - timedelta(days=9), questions_close=now,
            tender_deadline=now + timedelta(days=3))  # tendering
    calloff(a, agency, u, status=CallOffStatus.OPEN, published=now - timedelta(days=1),
            questions_close=now + timedelta(days=1), tender_deadline=now + timedelta(days=3))  # open
    calloff(a, agency, u, status=CallOffStatus.CONTRACTED, published=now - timedelta(days=90))
    calloff(a, agency, u, status=CallOffStatus.CANCELLED, published=now - timedelta(days=30))
    expected = Counter(c.effective_state(now) for c in CallOff.objects.all())
    counted = stats.calloffs_by_state(CallOff.objects.all(), now)
    assert {status.value: n for status, n in counted} == dict(expected)
    assert [status for status, _n in counted] == [s for s in CallOffStatus if s.value in expected]
    assert dict(counted)[CallOffStatus.AWAITING_OPENING] == 1 and dict(counted)[CallOffStatus.OPEN] == 2


def test_a_supplier_counts_each_call_off_it_is_invited_to_once(sales_agreement, agency, agency_procurer, supplier_org,
                                                                supplier_org_b, supplier_org_off_lot, clock):
    from innokop.calloffs.models import CallOffInvitation

    now = clock.now()
    for n in range(2):
        off = calloff(sales_agreement, agency, agency_procurer, status=CallOffStatus.OPEN, published=now - timedelta(days=3),
                      tender_deadline=now + timedelta(days=n + 1))
        for supplier in (supplier_org, supplier_org_b, supplier_org_off_lot):
            CallOffInvitation.objects.create(calloff=off, supplier=supplier, invited_at=now)
    hidden = calloff(sales_agreement, agency, agency_procurer, status=CallOffStatus.DRAFT)
    CallOffInvitation.objects.create(calloff=hidden, supplier=supplier_org, invited_at=now)
    with translation.override("en"):
        chart = supplier_numbers(supplier_org).charts[0]
        assert dict(zip(map(str, chart.categories), chart.series[0].values)) == {"Open for questions and dialogue": 2}


def test_contracted_value_is_summed_per_quarter_of_signing_in_swedish_time_with_empty_quarters_shown(
        sales_agreement, agency, agency_procurer, supplier_org):
    a, u = sales_agreement, agency_procurer
    signed(a, supplier_org, agency, u, value=100, published=at(2025, 12, 1), signed_at=at(2026, 1, 10))
    # 23:30 UTC on 31 March is 01:30 on 1 April in Stockholm: the second quarter
    signed(a, supplier_org, agency, u, value=250, published=at(2025, 12, 1),
           signed_at=datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc))
    signed(a, supplier_org, agency, u, value=50, published=at(2025, 12, 1), signed_at=at(2026, 10, 5))
    rows = stats.contracts_by_quarter(Contract.objects.all())
    assert [(str(r.quarter), r.count, r.value) for r in rows] == [
        ("2026 Q1", 1, Decimal(100)), ("2026 Q2", 1, Decimal(250)), ("2026 Q3", 0, Decimal(0)), ("2026 Q4", 1, Decimal(50)),
    ]
    assert stats.contracts_by_quarter(Contract.objects.none()) == []


def test_the_sme_share_counts_value_and_number_by_the_suppliers_sme_mark(
        sales_agreement, agency, agency_procurer, supplier_org, supplier_org_b):
    assert supplier_org.is_sme and not supplier_org_b.is_sme
    a, u = sales_agreement, agency_procurer
    signed(a, supplier_org, agency, u, value=300, published=at(2026, 1, 1), signed_at=at(2026, 2, 1))
    signed(a, supplier_org_b, agency, u, value=100, published=at(2026, 1, 1), signed_at=at(2026, 2, 2), lot_number=2)
    signed(a, supplier_org_b, agency, u, value=600, published=at(2026, 1, 1), signed_at=at(2026, 5, 2), lot_number=2)
    rows = stats.contracts_by_quarter(Contract.objects.all())
    assert (rows[0].sme_share_of_value, rows[0].sme_share_of_count) == (Decimal("75.0"), Decimal("50.0"))
    assert (rows[1].sme_share_of_value, rows[1].sme_share_of_count) == (Decimal("0.0"), Decimal("0.0"))
    total = stats.sme_share(rows)
    assert (total.share_of_value, total.share_of_count) == (Decimal("30.0"), Decimal("33.3"))


def test_the_median_time_from_publication_to_contract_is_in_calendar_days(
        sales_agreement, agency, agency_procurer, supplier_org):
    a, u = sales_agreement, agency_procurer
    for days in (10, 20, 45):
        signed(a, supplier_org, agency, u, value=1, published=at(2026, 1, 2), signed_at=at(2026, 1, 2) + timedelta(days=days))
    signed(a, supplier_org, agency, u, value=1, published=at(2026, 4, 1), signed_at=at(2026, 4, 8))
    unpublished = calloff(a, agency, u, published=None)
    Contract.objects.create(calloff=unpublished, agency=agency, supplier=supplier_org, value=1, starts_on=date(2026, 6, 1),
                            ends_on=date(2026, 12, 31), signed_by=u, signed_at=at(2026, 4, 9))
    days = stats.days_to_contract(Contract.objects.all())
    assert days.count == 4  # the call-off never published is left out
    assert [(str(q), m, n) for q, m, n in days.by_quarter] == [("2026 Q1", Decimal("20.0"), 3), ("2026 Q2", Decimal("7.0"), 1)]
    assert days.median == Decimal("15.0")


def test_report_compliance_counts_first_reports_by_the_due_date(sales_agreement, supplier, supplier_b, supplier_org,
                                                                supplier_org_b, clock):
    clock.set(at(2026, 5, 10))
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1))  # on time (due 15 May)
    clock.set(at(2026, 5, 20))
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1), correction_reason="Rättelse", rows=())
    clock.set(at(2026, 8, 20))  # Q2 due 15 August: supplier B reports Q1 very late, nobody reports Q2
    report(supplier_b, sales_agreement, supplier_org_b, Quarter(2026, 1))
    pairs = [(sales_agreement, supplier_org.pk), (sales_agreement, supplier_org_b.pk)]
    rows = stats.report_compliance(pairs, date(2026, 8, 20))
    assert [(str(r.quarter), r.due, r.on_time, r.late, r.missing, r.share_on_time) for r in rows] == [
        ("2026 Q1", 2, 1, 1, 0, Decimal("50.0")), ("2026 Q2", 2, 0, 0, 2, Decimal("0.0")),
    ]
    # before Q2 is due, an unreported Q2 is not counted at all
    assert [str(r.quarter) for r in stats.report_compliance(pairs, date(2026, 8, 15))] == ["2026 Q1"]
    assert stats.compliance_total(rows).share_on_time == Decimal("25.0")


def test_open_deviations_count_open_and_action_planned_per_dashboard_scope(
        sales_agreement, cpb_manager, agency, agency_procurer, supplier_org, supplier_org_b, other_agency,
        other_agency_procurer):
    contract = signed(sales_agreement, supplier_org, agency, agency_procurer, value=10, published=at(2026, 1, 1),
                      signed_at=at(2026, 2, 1))
    agreement_plan = FollowUpPlan.objects.create(agreement=sales_agreement, created_by=cpb_manager, created_at=at(2026, 1, 5))
    contract_plan = FollowUpPlan.objects.create(contract=contract, created_by=agency_procurer, created_at=at(2026, 2, 5))
    deviation(agreement_plan, supplier_org, cpb_manager)
    deviation(agreement_plan, supplier_org_b, cpb_manager, status=DeviationStatus.ACTION_PLANNED)
    deviation(agreement_plan, supplier_org_b, cpb_manager, status=DeviationStatus.CLOSED)
    deviation(agreement_plan, supplier_org, cpb_manager, status=DeviationStatus.ESCALATED)
    deviation(contract_plan, supplier_org, agency_procurer, status=DeviationStatus.ACTION_PLANNED)

    def charted(dashboard):
        chart = next(c for c in dashboard.charts if c.title == "Open deviations")
        return dict(zip(chart.categories, chart.series[0].values))

    with translation.override("en"):
        assert charted(agreement_numbers(sales_agreement)) == {"Open": 1, "Action planned": 1}
        assert charted(agency_numbers(agency)) == {"Open": 0, "Action planned": 1}
        assert charted(supplier_numbers(supplier_org)) == {"Open": 1, "Action planned": 1}
        assert charted(supplier_numbers(supplier_org_b)) == {"Open": 0, "Action planned": 1}
        assert charted(agency_numbers(other_agency)) == {"Open": 0, "Action planned": 0}


def test_the_agreement_dashboard_shows_consumption_as_agreement_consumption_returns_it(
        sales_agreement, agency, agency_procurer):
    from innokop.agreements.consumption import agreement_consumption
    from innokop.agreements.services import agreement_commit, agreement_reported_turnover_set

    agreement_commit(actor=agency_procurer, agreement=sales_agreement, amount=Decimal(1_000_000), source="contract",
                     label="AV-1", buyer=agency)
    agreement_reported_turnover_set(actor=agency_procurer, agreement=sales_agreement, reported=Decimal(1_250_000))
    sales_agreement.refresh_from_db()
    used = agreement_consumption(sales_agreement)
    with translation.override("en"):
        chart = next(c for c in agreement_numbers(sales_agreement).charts if c.title == "Maximum value used")
    assert chart.series[0].values == [used.contracted, used.reported, used.committed, used.remaining]
    assert chart.series[0].values[:3] == [Decimal(1_000_000), Decimal(1_250_000), Decimal(1_250_000)]
    assert chart.target == used.max_value


# ---------------------------------------------------------------------------------------------
# Who sees which dashboard


def test_only_the_managing_purchasing_body_sees_an_agreements_dashboard(
        sales_agreement, login, cpb_manager, agency_procurer, supplier, staff_user):
    url = reverse("followup:agreement_dashboard", args=[sales_agreement.pk])
    assert login(cpb_manager).get(url).status_code == 200
    other_cpb = member(OrganisationFactory(kind=OrganisationKind.CPB), Role.FRAMEWORK_MANAGER)
    for outsider in (agency_procurer, supplier, staff_user, other_cpb):
        assert login(outsider).get(url).status_code == 404
        assert login(outsider).get(url + "dashboard.xlsx").status_code == 404
    assert login(cpb_manager).get(reverse("followup:agreement_dashboard", args=[99999])).status_code == 404
    assert login(cpb_manager).post(url).status_code == 405


def test_a_supplier_and_an_agency_see_only_their_own_dashboard(
        sales_agreement, login, client, supplier, supplier_org, supplier_org_b, agency, agency_procurer,
        agency_colleague, other_agency, cpb_manager):
    own_supplier = reverse("followup:supplier_dashboard", args=[supplier_org.pk])
    assert login(supplier).get(own_supplier).status_code == 200
    assert login(supplier).get(reverse("followup:supplier_dashboard", args=[supplier_org_b.pk])).status_code == 404
    assert login(supplier).get(reverse("followup:supplier_dashboard", args=[agency.pk])).status_code == 404
    own_agency = reverse("followup:agency_dashboard", args=[agency.pk])
    assert login(agency_procurer).get(own_agency).status_code == 200
    assert login(agency_colleague).get(own_agency).status_code == 200
    for outsider in (supplier, cpb_manager):
        assert login(outsider).get(own_agency).status_code == 404
    assert login(agency_procurer).get(reverse("followup:agency_dashboard", args=[other_agency.pk])).status_code == 404
    client.logout()
    assert client.get(own_agency).status_code == 302


# ---------------------------------------------------------------------------------------------
# The page and the download


@pytest.fixture
def busy_agreement(sales_agreement, agency, agency_procurer, supplier, supplier_org, supplier_org_b, clock):
    for n in range(3):
        signed(sales_agreement, supplier_org if n % 2 == 0 else supplier_org_b, agency, agency_procurer,
               value=100_000 * (n + 1), published=at(2026, 1, 5), signed_at=at(2026, (1, 2, 4)[n], 20),
               lot_number=1 if n % 2 == 0 else 2)
    clock.set(at(2026, 5, 10))
    report(supplier, sales_agreement, supplier_org, Quarter(2026, 1))
    clock.set(at(2026, 5, 20))
    return sales_agreement


def test_the_agreement_dashboard_draws_each_number_as_a_chart_with_its_table(busy_agreement, login, cpb_manager, english):
    page = login(cpb_manager).get(reverse("followup:agreement_dashboard", args=[busy_agreement.pk])).content.decode()
    assert page.count('role="img"') >= 6
    for title in ("Call-offs by state", "Contracted value per quarter", "Maximum value used",
                  "Share of contracts with SMEs", "Time from publication to contract", "Sales reports on time"):
        assert f'<h2 class="govuk-heading-m">{title}</h2>' in page
    assert '<h2 class="govuk-heading-m">Open deviations</h2>' in page  # none: drawn as zero, not as "no data"
    assert "<script" not in re.sub(r'<script src="[^"]+"( defer)?></script>', "", page)
    assert "style=" not in page
    assert "2026 Q2" in page and "300\u00a0000\u00a0kr" in page
    facts = page[page.index('id="dashboard-facts"'):page.index("</dl>", page.index('id="dashboard-facts"'))]
    assert "600\u00a0000\u00a0kr" in facts


def test_the_xlsx_has_every_table_of_the_page_with_numbers_as_numbers(busy_agreement, login, cpb_manager, english):
    response = login(cpb_manager).get(reverse("followup:agreement_dashboard_xlsx", args=[busy_agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith("attachment;")
    book = load_workbook(BytesIO(response.content))
    with translation.override("en"):
        charts = agreement_numbers(busy_agreement).charts
    assert len(book.sheetnames) == 1 + len(charts)
    assert book.sheetnames[0] == "Summary"
    value_sheet = book[book.sheetnames[2]]
    header, rows = charts[1].table()
    assert [c.value for c in value_sheet[1]] == header
    assert [[c.value for c in row] for row in value_sheet.iter_rows(min_row=2)] == [[q, float(v)] for q, v in rows]


def test_the_supplier_and_agency_dashboards_render(busy_agreement, login, supplier, supplier_org, agency_procurer,
                                                   agency, english):
    page = login(supplier).get(reverse("followup:supplier_dashboard", args=[supplier_org.pk])).content.decode()
    assert "Sales reports on time" in page and "Maximum value used" not in page
    assert "Recorded as a small or medium-sized enterprise (SME)" in page
    page = login(agency_procurer).get(reverse("followup:agency_dashboard", args=[agency.pk])).content.decode()
    assert "Maximum value used" in page and busy_agreement.reference in page
    assert "Sales reports on time" not in page
    book = load_workbook(BytesIO(login(agency_procurer).get(
        reverse("followup:agency_dashboard_xlsx", args=[agency.pk])).content))
    assert len(book.sheetnames) == 7


def test_links_lead_to_the_dashboards(busy_agreement, login, cpb_manager, supplier, supplier_org, agency_procurer,
                                      agency):
    dashboard_url = reverse("followup:agreement_dashboard", args=[busy_agreement.pk])
    detail = login(cpb_manager).get(reverse("agreements:agreement_detail", args=[busy_agreement.pk])).content.decode()
    assert dashboard_url in detail
    assert dashboard_url in login(cpb_manager).get(reverse("core:dashboard")).content.decode()
    assert reverse("followup:supplier_dashboard", args=[supplier_org.pk]) in login(supplier).get(
        reverse("core:dashboard")).content.decode()
    home = login(agency_procurer).get(reverse("core:dashboard")).content.decode()
    assert reverse("followup:agency_dashboard", args=[agency.pk]) in home and dashboard_url not in home
    other = login(agency_procurer).get(reverse("agreements:agreement_detail", args=[busy_agreement.pk])).content.decode()
    assert dashboard_url not in other


# ---------------------------------------------------------------------------------------------
# Cost


def _more_contracts(agreement, agency, user, supplier_org, supplier_org_b, n):
    for i in range(n):
        signed(agreement, supplier_org if i % 2 else supplier_org_b, agency, user, value=1000 + i,
               published=at(2026, 1, 2), signed_at=at(2026, 1 + i % 12, 3), lot_number=1 if i % 2 else 2)
        calloff(agreement, agency, user, status=CallOffStatus.OPEN, published=at(2026, 5, 1),
                tender_deadline=at(2026, 6, 1))


@pytest.mark.parametrize("name,args", [("followup:agreement_dashboard", "agreement"),
                                       ("followup:supplier_dashboard", "supplier"),
                                       ("followup:agency_dashboard", "agency")])
def test_the_query_count_does_not_grow_with_call_offs_and_contracts(
        name, args, busy_agreement, login, cpb_manager, supplier, supplier_org, supplier_org_b, agency,
        agency_procurer):
    viewer, pk = {"agreement": (cpb_manager, busy_agreement.pk), "supplier": (supplier, supplier_org.pk),
                  "agency": (agency_procurer, agency.pk)}[args]
    client = login(viewer)
    url = reverse(name, args=[pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    _more_contracts(busy_agreement, agency, agency_procurer, supplier_org, supplier_org_b, 2)
    few = count()
    _more_contracts(busy_agreement, agency, agency_procurer, supplier_org, supplier_org_b, 12)
    assert count() == few


# ---------------------------------------------------------------------------------------------
# The demo


@pytest.mark.django_db
def test_every_chart_of_the_three_dashboards_has_data_on_the_demo(django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    contract = Contract.objects.select_related("calloff__lot__agreement", "supplier", "agency").first()
    assert contract is not None, "the demo signs a call-off contract"
    with translation.override("en"):
        for dashboard in (agreement_numbers(contract.calloff.lot.agreement), supplier_numbers(contract.supplier),
                          agency_numbers(contract.agency)):
            empty = [chart.title for chart in dashboard.charts if chart.is_empty]
            assert empty == [], f"{dashboard.title}: no demo data for {empty}"
            # the series over time span several quarters with data, not one
            for title in ("Contracted value per quarter", "Time from publication to contract"):
                chart = next(c for c in dashboard.charts if c.title == title)
                with_data = [q for q, value in zip(chart.categories, chart.series[0].values, strict=True) if value]
                assert len(with_data) >= 2, f"{dashboard.title}: {title} has data for {with_data} only"
        # an agency's contract plan has a deviation too, with a corrective action planned
        assert Deviation.objects.open().filter(round__plan__contract__agency=contract.agency).exists()
        # the purchasing body's plan has a deviation with an action planned; so has its supplier's dashboard
        deviation = Deviation.objects.open().select_related("round__supplier", "round__plan__agreement").first()
        assert deviation is not None and deviation.round.plan.agreement is not None
        for dashboard in (agreement_numbers(deviation.round.plan.agreement), supplier_numbers(deviation.round.supplier)):
            chart = next(c for c in dashboard.charts if c.title == "Open deviations")
            assert sum(chart.series[0].values) >= 1


def _agreement_called_off(cpb, cpb_manager, agency, user, n, *, committed):
    from innokop.agreements.models import BuyerCategory, Commitment

    from ..agreements.factories import AgreementFactory, LotFactory

    other = AgreementFactory(owner=cpb, created_by=cpb_manager, reference=f"FA-EXTRA-{n}", start_date=date(2026, 1, 1),
                             end_date=date(2027, 12, 31), entitled_categories=[BuyerCategory.MUNICIPALITY],
                             published_at=at(2025, 12, 1), max_value=Decimal(1_000_000),
                             reported_turnover=Decimal(50_000 * n))
    LotFactory(agreement=other, number=1)
    calloff(other, agency, user, status=CallOffStatus.OPEN, published=at(2026, 5, 1), tender_deadline=at(2026, 6, 1))
    for amount in committed:
        Commitment.objects.create(agreement=other, amount=Decimal(amount), source=f"test:{n}:{amount}",
                                  label="Kontrakt", buyer=agency, created_at=at(2026, 2, 1))
    return other


def test_the_agency_dashboard_reads_every_agreements_consumption_at_once(
        busy_agreement, login, cpb, cpb_manager, agency, agency_procurer):
    from innokop.agreements.consumption import agreement_consumption, agreements_consumption

    client = login(agency_procurer)
    url = reverse("followup:agency_dashboard", args=[agency.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    more = [_agreement_called_off(cpb, cpb_manager, agency, agency_procurer, n, committed=[100_000 * n, -20_000])
            for n in range(1, 5)]
    assert count() == few
    batched = agreements_consumption([busy_agreement, *more])
    assert batched == {a.pk: agreement_consumption(a) for a in [busy_agreement, *more]}
    assert batched[more[0].pk].contracted == Decimal(80_000) and batched[more[0].pk].committed == Decimal(80_000)
    assert batched[more[3].pk].reported == Decimal(200_000) and batched[more[3].pk].contracted == Decimal(380_000)
    assert agreements_consumption([]) == {}
