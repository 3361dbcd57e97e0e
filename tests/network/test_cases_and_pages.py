"""Good-practice cases: written by a buyer, reviewed and published by the purchasing body, then in the feed;
subscriptions by framework managers only; imported items shown with their origin and never editable."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.catalogue.models import Solution, SolutionStatus
from innokop.core.models import AuditEvent
from innokop.network import feed, services
from innokop.network.models import CaseStatus, NetworkItem, Subscription
from innokop.prestudy.models import DialogueStatus, MarketDialogue, PreStudy

from .conftest import case_item, signed

pytestmark = pytest.mark.django_db

FIELDS = {f"{part}_{language}": f"{part} {language}" for part in
          ("title", "need", "route", "solution", "results", "lessons") for language in ("sv", "en")}


def _published_case(agency, agency_procurer, cpb_manager):
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=case)
    return services.case_review(actor=cpb_manager, case=case, publish=True)


def test_a_case_is_written_sent_reviewed_and_published(login, agency, agency_procurer, cpb_manager, clock):
    client = login(agency_procurer)
    response = client.post(reverse("network:case_create"), {"organisation": agency.pk, **FIELDS})
    case = agency.pk and services.GoodPracticeCase.objects.get()
    assert response.status_code == 302 and case.status == CaseStatus.DRAFT
    assert client.get(reverse("network:case_edit", args=[case.pk])).status_code == 200
    client.post(reverse("network:case_submit", args=[case.pk]))
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_REVIEW
    assert client.post(reverse("network:case_review", args=[case.pk]), {"decision": "publish"}).status_code == 403
    login(cpb_manager).post(reverse("network:case_review", args=[case.pk]), {"decision": "publish"})
    case.refresh_from_db()
    assert (case.status, case.published_at) == (CaseStatus.PUBLISHED, clock.now())
    assert set(AuditEvent.objects.filter(verb__startswith="network.case").values_list("verb", flat=True)) == {
        "network.case_created", "network.case_submitted", "network.case_published"}


def test_an_empty_case_form_shows_errors(login, agency_procurer):
    response = login(agency_procurer).post(reverse("network:case_create"), {})
    assert response.status_code == 422 and b"govuk-error-summary" in response.content


def test_a_supplier_cannot_write_cases_and_drafts_are_not_public(client, login, supplier, agency, agency_procurer):
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    assert client.get(reverse("network:case_detail", args=[case.pk])).status_code == 404
    assert login(supplier).get(reverse("network:case_create")).status_code == 403
    assert login(supplier).get(reverse("network:case_detail", args=[case.pk])).status_code == 404


def test_the_feed_holds_only_what_is_public(client, agency, agency_procurer, cpb, cpb_manager, supplier_org,
                                            supplier, clock):
    published = _published_case(agency, agency_procurer, cpb_manager)
    services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS | {"title_sv": "Utkastet"})
    now = clock.now()
    verified = Solution.objects.create(supplier=supplier_org, title="Sensor", summary="s", created_by=supplier,
                                       status=SolutionStatus.PUBLISHED, published_at=now, verified_at=now, trl=7)
    Solution.objects.create(supplier=supplier_org, title="Ej verifierad", summary="s", created_by=supplier,
                            status=SolutionStatus.PUBLISHED, published_at=now)
    prestudy = PreStudy.objects.create(owner=cpb, reference="FS-1", title="Förstudie", area="a", questions="q",
                                       starts_on=date(2027, 1, 1), needs_until=date(2027, 2, 1),
                                       concludes_on=date(2027, 6, 1), created_by=cpb_manager, created_at=now,
                                       updated_at=now)
    summary = dict(prestudy=prestudy, description="d", questions="q", deadline=now - timedelta(days=1),
                   status=DialogueStatus.PUBLISHED, published_at=now, created_by=cpb_manager, created_at=now)
    shared = MarketDialogue.objects.create(title="RFI med sammanfattning", summary="Anonymt",
                                           summary_published_at=now, **summary)
    MarketDialogue.objects.create(title="RFI utan", summary="Inte publicerad", **summary)
    document = client.get(reverse("network:feed")).json()
    ids = [item["id"] for item in document["payload"]["items"]]
    assert ids == [f"case-{published.pk}", f"solution-{verified.pk}", f"dialogue-{shared.pk}"]
    from innokop.network import signing
    assert signing.verify(document["payload"], document["signature"], signing.public_key_text())
    assert services.parse_feed(client.get(reverse("network:feed")).content, signing.public_key_text())
    assert client.get(reverse("api:network_feed")).json()["payload"]["items"] == document["payload"]["items"]
    assert feed.FORMAT == document["payload"]["format"]


def test_only_a_framework_manager_subscribes(login, client, partner, partner_key, cpb_manager, agency_procurer):
    form = {"partner": partner.pk, "feed_url": "https://partner.example.fi/network/feed.json",
            "public_key": partner_key[1]}
    assert client.post(reverse("network:subscriptions"), form).status_code == 302  # to the log-in page
    assert login(agency_procurer).post(reverse("network:subscriptions"), form).status_code == 403
    assert not Subscription.objects.exists()
    assert login(cpb_manager).post(reverse("network:subscriptions"), form).status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.created_by == cpb_manager
    assert AuditEvent.objects.filter(verb="network.subscribed").exists()


@pytest.mark.parametrize("change", [{"public_key": "abc"}, {"feed_url": "http://partner.example.fi/feed"}])
def test_a_wrong_key_or_plain_http_is_refused(login, partner, partner_key, cpb_manager, change):
    form = {"partner": partner.pk, "feed_url": "https://partner.example.fi/network/feed.json",
            "public_key": partner_key[1]} | change
    response = login(cpb_manager).post(reverse("network:subscriptions"), form)
    assert response.status_code == 422 and not Subscription.objects.exists()


def test_imported_items_are_shown_with_their_origin_and_are_read_only(client, login, subscription, partner_key,
                                                                      cpb_manager):
    services.import_feed(subscription, signed([case_item(1)], partner_key[0]))
    item = NetworkItem.objects.get()
    with translation.override("en"):
        page = client.get(reverse("network:item_detail", args=[item.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b'id="item-origin"' in page.content and b"Hankinta Oy (FI)" in page.content
    home = client.get(reverse("network:home")).content.decode()
    assert "Hankinta Oy (FI)" in home and reverse("network:item_detail", args=[item.pk]) in home
    manager = login(cpb_manager)
    assert manager.post(reverse("network:item_detail", args=[item.pk])).status_code == 405
    assert manager.put(reverse("api:network_item", args=[item.pk])).status_code == 405
    assert manager.get(reverse("api:network_item", args=[item.pk])).json()["partner_country"] == "FI"


def test_the_daily_task_imports_every_feed(subscription, monkeypatch, partner_key):
    from innokop.core.daily import jobs
    from innokop.network.tasks import import_partner_feeds

    assert import_partner_feeds in jobs()
    monkeypatch.setattr(services, "fetch", lambda url: signed([case_item(1)], partner_key[0]))
    import_partner_feeds.call()
    assert NetworkItem.objects.count() == 1


def test_reviewers_and_authors_are_told(agency, agency_procurer, cpb_manager, django_capture_on_commit_callbacks):
    from innokop.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
        services.case_submit(actor=agency_procurer, case=case)
    assert Notification.objects.get(recipient=cpb_manager).kind == "network.case_submitted"
    with django_capture_on_commit_callbacks(execute=True):
        services.case_review(actor=cpb_manager, case=case, publish=False)
    assert Notification.objects.get(recipient=agency_procurer).kind == "network.case_returned"


def test_a_refused_feed_is_told_once_per_reason(subscription, cpb_manager, django_capture_on_commit_callbacks):
    from innokop.core.models import Notification

    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.FeedRefused):
            services.import_feed(subscription, b"not json")
    assert Notification.objects.filter(recipient=cpb_manager, kind="network.feed_refused").count() == 1


def test_a_case_wraps_the_buyers_own_approved_reference_case(agency, other_agency, agency_procurer, supplier_org,
                                                            supplier):
    solution = Solution.objects.create(supplier=supplier_org, title="Sensor", summary="s", created_by=supplier)
    own = solution.reference_cases.create(customer=agency.name, title="t", story="s", year=2026, buyer=agency)
    other = solution.reference_cases.create(customer="x", title="t", story="s", year=2026, buyer=other_agency)
    waiting = solution.reference_cases.create(customer=agency.name, title="t", story="s", year=2026, buyer=agency,
                                              pending=True)
    for refused in (other, waiting):
        with pytest.raises(services.NetworkError):
            services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS | {"reference_case": refused})
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS | {"reference_case": own})
    assert own.good_practice_case == case
    with pytest.raises(services.NetworkError):
        services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS | {"reference_case": own})


def test_the_framework_managers_dashboard_shows_cases_waiting_and_refused_feeds(login, agency, agency_procurer,
                                                                               cpb_manager, subscription):
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=case)
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription, b"{}")
    page = login(cpb_manager).get(reverse("core:dashboard")).content.decode()
    assert 'id="network-waiting"' in page and reverse("network:case_detail", args=[case.pk]) in page
    assert 'id="network-refused"' in page
    assert 'id="network-waiting"' not in login(agency_procurer).get(reverse("core:dashboard")).content.decode()
