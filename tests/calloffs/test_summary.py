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
