"""The demo: the agency's deactivated webhook with a log of three deliveries (delivered, delivered on the second
attempt, given up), made by the services without the network; the page says so; loading twice adds nothing."""

import pytest
from django.urls import reverse

from innokop.core.demo import load_demo
from innokop.webhooks import demo, signing
from innokop.webhooks.models import Attempt, Delivery, DeliveryStatus, Endpoint


@pytest.mark.django_db
def test_the_demo_webhook_and_its_log(client, settings):
    scenario = load_demo()
    endpoint = Endpoint.objects.get(url=demo.URL)
    assert endpoint.organisation == scenario.objects["org:mdss"] and not endpoint.active
    assert endpoint.signing_secret().startswith(signing.SECRET_PREFIX)
    deliveries = list(Delivery.objects.filter(endpoint=endpoint).order_by("created_at"))
    assert [(d.status, [a.status_code for a in d.attempt_log.all()]) for d in deliveries] == [
        (DeliveryStatus.DELIVERED, [204]),
        (DeliveryStatus.DELIVERED, [503, 204]),
        (DeliveryStatus.GAVE_UP, [500, 502, None, 503, 500, 500])]
    assert all(d.payload["data"]["id"] == int(d.object_id) for d in deliveries)  # what the agency's API reads

    settings.INNOKOP_DEMO = True
    client.force_login(scenario.objects["user:maria.upphandlare"])
    page = client.get(reverse("webhooks:endpoint", args=[endpoint.pk])).content.decode()
    assert 'id="demo-log"' in page and "HTTP 503" in page

    attempts = Attempt.objects.count()
    load_demo()
    assert Endpoint.objects.filter(url=demo.URL).count() == 1 and Attempt.objects.count() == attempts
