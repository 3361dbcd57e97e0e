"""The purchasing body's summary of call-offs from its agreement (DESIGN.md §5): no drafts, nothing on tenders."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.calloffs import services
from innokop.calloffs.models import Tender

from .conftest import prepare, start

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _url(agreement):
    return reverse("calloffs:agreement_calloffs", args=[agreement.pk])


def test_the_framework_manager_sees_published_call_offs_and_not_drafts(open_calloff, lot, agency_procurer,
                                                                       cpb_manager, login):
    hidden = start(agency_procurer, lot, title="Ett utkast som ingen annan ser")
    page = login(cpb_manager).get(_url(lot.agreement)).content.decode()
    assert open_calloff.reference in page and open_calloff.agency.name in page
    assert hidden.reference not in page and "Ett utkast" not in page


def test_the_summary_never_reveals_tenders_or_askers(open_calloff, supplier_org, supplier, cpb_manager, login,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.question_ask(actor=supplier, calloff=open_calloff, text="Fråga")
    before = login(cpb_manager).get(_url(open_calloff.lot.agreement)).content.decode()
    Tender.objects.create(calloff=open_calloff, supplier=supplier_org, draft_key="-", status="submitted")
    after = login(cpb_manager).get(_url(open_calloff.lot.agreement)).content.decode()
    assert supplier_org.name not in after
    strip = lambda html: html.split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(before) == strip(after)


@pytest.mark.parametrize(("persona", "status"), [
    ("cpb_manager", 200), ("agency_procurer", 403), ("supplier", 403)])
def test_only_the_agreements_framework_managers_see_the_summary(open_calloff, persona, status, login, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(_url(open_calloff.lot.agreement)).status_code == status


def test_the_summary_query_count_does_not_grow_with_call_offs(open_calloff, lot, agency_procurer, cpb_manager,
                                                              login, django_capture_on_commit_callbacks):
    client = login(cpb_manager)
    with CaptureQueriesContext(connection) as one:
        client.get(_url(lot.agreement))
    for title in ("Andra", "Tredje"):
        with django_capture_on_commit_callbacks(execute=True):
            services.calloff_publish(actor=agency_procurer, calloff=prepare(agency_procurer,
                                                                          start(agency_procurer, lot, title=title)))
    with CaptureQueriesContext(connection) as three:
        client.get(_url(lot.agreement))
    assert len(three) == len(one)


def _published(lot, agency_procurer, clock, n: int, **fields):
    from datetime import timedelta

    from innokop.calloffs.models import CallOff, CallOffKind

    return [CallOff.objects.create(agency=agency_procurer.memberships.first().organisation, lot=lot,
                                   created_by=agency_procurer, reference=f"AV-SUM-{CallOff.objects.count()}",
                                   title="Avrop", method=CallOffKind.RENEWED_COMPETITION,
                                   published_at=clock.now() - timedelta(days=1), **fields) for _i in range(n)]


def test_the_summary_lists_fifty_a_page_and_counts_its_totals_over_every_call_off(
        lot, agency_procurer, supplier_org, cpb_manager, login, clock, monkeypatch):
    from datetime import date, timedelta
    from decimal import Decimal

    from innokop.calloffs.models import CallOffStatus, Contract
    from innokop.calloffs.views import summary

    assert summary.PAGE_SIZE == 50
    monkeypatch.setattr(summary, "PAGE_SIZE", 2)
    now = clock.now()
    cancelled = _published(lot, agency_procurer, clock, 1, status=CallOffStatus.CANCELLED)
    awaiting = _published(lot, agency_procurer, clock, 2, status=CallOffStatus.OPEN,
                          tender_deadline=now - timedelta(hours=1))
    contracted = _published(lot, agency_procurer, clock, 2, status=CallOffStatus.CONTRACTED)
    for n, calloff in enumerate(contracted, start=1):
        Contract.objects.create(calloff=calloff, agency=calloff.agency, supplier=supplier_org, value=Decimal(n * 1000),
                                starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), signed_by=agency_procurer,
                                signed_at=now)
    client = login(cpb_manager)
    pages = [client.get(_url(lot.agreement), {"page": number}).content.decode() for number in (1, 2, 3)]
    everything = cancelled + awaiting + contracted
    for page in pages:  # the totals are over every call-off, on every page
        assert '<dd class="govuk-summary-list__value">5</dd>' in page
        for status, n in ((CallOffStatus.CANCELLED, 1), (CallOffStatus.AWAITING_OPENING, 2),
                          (CallOffStatus.CONTRACTED, 2)):
            assert (f'<dt class="govuk-summary-list__key">{status.label}</dt>'
                    f'<dd class="govuk-summary-list__value">{n}</dd>') in page
        assert "3\N{NO-BREAK SPACE}000\N{NO-BREAK SPACE}kr" in page  # 1 000 + 2 000, the second on another page
        assert 'class="govuk-pagination"' in page and "Pages of call-offs" in page
    for calloff in everything:  # each call-off on exactly one page
        assert sum(f"{calloff.reference}<br>" in page for page in pages) == 1
    assert [sum(f"{c.reference}<br>" in page for c in everything) for page in pages] == [2, 2, 1]
    assert "5–5 of 5" in pages[2]
    with CaptureQueriesContext(connection) as few:
        client.get(_url(lot.agreement), {"page": 3})
    _published(lot, agency_procurer, clock, 6, status=CallOffStatus.CONTRACTED)
    with CaptureQueriesContext(connection) as many:
        client.get(_url(lot.agreement), {"page": 3})
    assert len(many) == len(few)
