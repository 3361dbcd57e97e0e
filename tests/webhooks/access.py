"""Access-matrix rows for webhooks (see tests/test_access_matrix.py): the supplier's admin manages its
organisation's webhooks; everyone else, the purchasing body's admin included, gets 404."""

from django.urls import reverse

from innokop.core import clock
from innokop.webhooks import services
from innokop.webhooks.models import Delivery, DeliveryStatus

from ..access import Row, static


def build(world) -> None:
    supplier_org, admin = world.extra["supplier_org"], world.users["supplier"]
    # Port 9 (discard) on loopback: a ping or a resend would be refused at once, without leaving the machine.
    endpoint, _secret = services.endpoint_register(actor=admin, organisation=supplier_org,
                                                   url="http://127.0.0.1:9/hook", events=["calloff.published"])
    delivery = Delivery.objects.create(endpoint=endpoint, event="ping", payload={"event": "ping"},
                                       status=DeliveryStatus.GAVE_UP, attempts=6, created_at=clock.now(),
                                       updated_at=clock.now())
    world.extra.update(webhook_endpoint=endpoint, webhook_delivery=delivery)


def _url(name: str, key: str):
    return lambda w: reverse(name, args=[w.extra[key].pk])


ADMIN_ONLY = {"anonymous": 302, "supplier": 200, "*": 404}
ADMIN_POSTS = {"anonymous": 302, "supplier": 302, "*": 404}

ROWS = {
    "webhooks:endpoints": Row(lambda w: reverse("webhooks:endpoints", args=[w.extra["supplier_org"].pk]), ADMIN_ONLY),
    "webhooks:endpoint": Row(_url("webhooks:endpoint", "webhook_endpoint"), ADMIN_ONLY),
    # Rotating answers with the page that shows the new secret once.
    "webhooks:endpoint_rotate": Row(_url("webhooks:endpoint_rotate", "webhook_endpoint"), ADMIN_ONLY, "post"),
    "webhooks:endpoint_deactivate": Row(_url("webhooks:endpoint_deactivate", "webhook_endpoint"), ADMIN_POSTS, "post"),
    "webhooks:endpoint_ping": Row(_url("webhooks:endpoint_ping", "webhook_endpoint"), ADMIN_POSTS, "post"),
    "webhooks:delivery_resend": Row(_url("webhooks:delivery_resend", "webhook_delivery"), ADMIN_POSTS, "post"),
}

ROWS |= {
    # Everyone signed in may list: the list holds the webhooks of the organisations they administer (maybe none).
    "api:webhooks": Row(static("api:webhooks"), {"anonymous": 401, "*": 200}),
    "api:webhook_deliveries": Row(_url("api:webhook_deliveries", "webhook_endpoint"),
                                  {"anonymous": 401, "supplier": 200, "*": 404}),
    # An empty body is refused before anything else (the registering itself: tests/webhooks/test_api.py).
    "api:webhook_register": Row(static("api:webhooks"), {"anonymous": 401, "*": 422}, "post", json=True),
    "api:webhook_ping": Row(_url("api:webhook_ping", "webhook_endpoint"), {"anonymous": 401, "supplier": 202, "*": 404},
                            "post"),
    "api:webhook_delivery_resend": Row(_url("api:webhook_delivery_resend", "webhook_delivery"),
                                       {"anonymous": 401, "supplier": 202, "*": 404}, "post"),
}
