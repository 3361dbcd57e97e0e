"""Access-matrix rows for the network (see tests/test_access_matrix.py): everyone reads published cases, the
feed and what was imported; members of the agency (or the purchasing body) write their own cases; the
purchasing body's framework managers review cases and follow partners' feeds; imported items have no write URL."""

from django.urls import reverse

from innokop.accounts.models import OrganisationKind
from innokop.core import clock
from innokop.network import services
from innokop.network.models import NetworkItem, Subscription

from ..access import OPEN, Row, static
from ..factories import OrganisationFactory

FIELDS = {f"{part}_{language}": f"{part} {language}" for part in
          ("title", "need", "route", "solution", "results", "lessons") for language in ("sv", "en")}


def build(world) -> None:
    agency, author = world.extra["agency"], world.users["agency"]
    draft = services.case_create(actor=author, organisation=agency, fields=FIELDS)
    in_review = services.case_create(actor=author, organisation=agency, fields=FIELDS)
    services.case_submit(actor=author, case=in_review)
    partner = OrganisationFactory(kind=OrganisationKind.PARTNER, country="DE", org_number="")
    # Port 9 (discard) on loopback: "import now" is refused at once, without leaving the machine.
    subscription = Subscription.objects.create(partner=partner, feed_url="http://127.0.0.1:9/network/feed.json",
                                               public_key="A" * 43 + "=", created_by=world.users["cpb"],
                                               created_at=clock.now())
    item = NetworkItem.objects.create(subscription=subscription, kind="solution", remote_id="solution-1",
                                      title="Sensor", content={"title": "Sensor", "summary": "s", "url": "https://x"},
                                      digest="0" * 64, remote_updated_at=clock.now(), imported_at=clock.now())
    world.extra.update(network_draft=draft, network_in_review=in_review, network_subscription=subscription,
                       network_item=item)


def _url(name: str, key: str):
    return lambda w: reverse(name, args=[w.extra[key].pk])


AUTHORS_WRITE = {"anonymous": 302, "agency": 302, "colleague": 302, "*": 404}
MANAGER_WRITES = {"anonymous": 302, "cpb": 302, "*": 404}

ROWS = {
    "network:home": Row(static("network:home"), OPEN),
    "network:feed": Row(static("network:feed"), OPEN),
    # Members of a buyer (the agency, the purchasing body) write cases; suppliers and staff may not.
    "network:case_create": Row(static("network:case_create"),
                               {"anonymous": 302, "agency": 200, "colleague": 200, "cpb": 200, "*": 403}),
    # A draft is the agency's own until it is sent for review.
    "network:case_detail": Row(_url("network:case_detail", "network_draft"),
                               {"agency": 200, "colleague": 200, "*": 404}),
    "network:case_edit": Row(_url("network:case_edit", "network_draft"),
                             {"anonymous": 302, "agency": 200, "colleague": 200, "*": 404}),
    "network:case_submit": Row(_url("network:case_submit", "network_draft"), AUTHORS_WRITE, "post"),
    # A case sent for review: its authors see it and may not publish it; the framework manager publishes it.
    "network:case_review": Row(_url("network:case_review", "network_in_review"),
                               {"anonymous": 302, "cpb": 302, "agency": 403, "colleague": 403, "*": 404}, "post"),
    "network:item_detail": Row(_url("network:item_detail", "network_item"), OPEN),
    "network:subscriptions": Row(static("network:subscriptions"), {"anonymous": 302, "cpb": 200, "*": 403}),
    "network:subscription_import": Row(_url("network:subscription_import", "network_subscription"),
                                       MANAGER_WRITES, "post"),
    "network:subscription_delete": Row(_url("network:subscription_delete", "network_subscription"),
                                       MANAGER_WRITES, "post"),
    # The feed's signing keys: public as announced; the framework manager rotates them (403 to everyone else
    # signed in: the page exists for every instance).
    "network:keys_json": Row(static("network:keys_json"), OPEN),
    "network:keys": Row(static("network:keys"), {"anonymous": 302, "cpb": 200, "*": 403}),
    "network:key_rotate": Row(static("network:key_rotate"), {"anonymous": 302, "cpb": 302, "*": 403}, "post"),
    "network:key_transition_end": Row(static("network:key_transition_end"), {"anonymous": 302, "cpb": 302, "*": 403},
                                      "post"),
    "api:network_keys": Row(static("api:network_keys"), OPEN),
    "api:network_feed": Row(static("api:network_feed"), OPEN),
    "api:network_items": Row(static("api:network_items"), OPEN),
    "api:network_item": Row(_url("api:network_item", "network_item"), OPEN),
}
