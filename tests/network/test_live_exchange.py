"""Two instances: the live server publishes its signed feed over HTTP; this test's database subscribes to it
by URL and public key and imports it through the network, as the daily task does."""

import pytest

from innokop.accounts.models import OrganisationKind
from innokop.network import services, signing
from innokop.network.models import NetworkItem

from ..factories import OrganisationFactory
from .test_cases_and_pages import FIELDS


@pytest.mark.django_db(transaction=True)
def test_a_feed_published_by_a_live_server_is_imported(live_server, agency, agency_procurer, cpb_manager):
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=case)
    services.case_review(actor=cpb_manager, case=case, publish=True)
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name="Sister body", country="NL", org_number="")
    subscription = services.subscribe(actor=cpb_manager, partner=partner,
                                      feed_url=f"{live_server.url}/network/feed.json",
                                      public_key=signing.public_key_text())
    assert services.import_feed(subscription) == {"added": 1, "updated": 0, "unchanged": 0, "removed": 0}
    item = NetworkItem.objects.get()
    assert (item.kind, item.remote_id, item.content["lessons"]["en"]) == ("case", f"case-{case.pk}", "lessons en")
    assert item.content["url"] == f"{live_server.url}/network/cases/{case.pk}/"
    assert services.import_feed(subscription)["unchanged"] == 1

    wrong_key = signing.public_key_text(signing.private_key(signing.public_key_text()))  # another key pair
    subscription.public_key = wrong_key
    subscription.save()
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription)
    assert NetworkItem.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_or_missing_feed_is_refused(live_server, cpb_manager):
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, name="Sister body", country="NL", org_number="")
    subscription = services.subscribe(actor=cpb_manager, partner=partner,
                                      feed_url=f"{live_server.url}/network/no-feed.json",
                                      public_key=signing.public_key_text())
    with pytest.raises(services.FeedRefused):
        services.import_feed(subscription)
    assert subscription.last_error["params"] == {"status": 404}
