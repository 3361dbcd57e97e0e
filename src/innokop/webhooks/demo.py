"""Demo data of webhooks: Myndigheten för digital samhällsservice has registered a webhook for its call-offs'
events, at an address on example.org, and has since deactivated it, so that the running demo sends nothing (the
machine it runs on may have no network at all). Its log holds three deliveries of the agency's own call-off events,
made by the services with the clock set to when the events happened: one delivered at once, one delivered on its
second attempt, one given up after the last attempt.

Nothing went over the network for them: the attempts were answered by `demo_receiver` below, in this loader,
which checks each signature as a receiver must (docs/webhooks.md) and answers from a script. The webhook's page
says so in the demo (templates/webhooks/endpoint_detail.html, DEMO_MODE).
"""

from datetime import timedelta

from innokop.core import clock
from innokop.core.demo import Scenario
from innokop.core.models import AuditEvent

from . import sending, services, signing
from .models import Endpoint

URL = "https://example.org/innokop/webhook"
EVENTS = ["calloff.published", "calloff.question_answered", "calloff.award_decision_sent",
          "calloff.contract_signed"]
# What the receiver answers each delivery, attempt by attempt: a status, or None for no answer (a timeout).
SCRIPTS = ([204], [503, 204], [500, 502, None, 503, 500, 500])


def demo_receiver(scripts: dict, secret: str):
    """A receiver in the process: signs the body as sending.post does, checks that signature with the secret the
    agency was shown (a 401 if it did not match), then answers from the script."""

    def post(endpoint, delivery, now) -> sending.Outcome:
        body = sending.encode(delivery.payload)
        timestamp = str(int(now.timestamp()))
        header = signing.signature(endpoint.signing_secret(), timestamp, body)
        if not signing.verify(secret, timestamp, body, header):
            return sending.Outcome(401, "", 3)
        status = scripts[delivery.pk].pop(0)
        if status is None:
            return sending.Outcome(None, "timed out", sending.TIMEOUT_SECONDS * 1000)
        return sending.Outcome(status, "", 40 + 10 * len(scripts[delivery.pk]))

    return post


def _run_out(delivery, post) -> None:
    """Every attempt the script holds, each when it falls due (services.BACKOFF)."""
    while True:
        with clock.travel_to(delivery.next_attempt_at):
            attempted = services.delivery_attempt(delivery_id=delivery.pk, post=post)
        if attempted is None or attempted.next_attempt_at is None:
            return
        delivery = attempted


def load(scenario: Scenario) -> None:
    agency, maria = scenario.objects["org:mdss"], scenario.objects["user:maria.upphandlare"]
    if Endpoint.objects.filter(organisation=agency, url=URL).exists():
        scenario.count(False)
        return
    latest = clock.now() - timedelta(days=2)  # every retry's schedule ends before today
    events = list(AuditEvent.objects.filter(organisation=agency, verb__in=EVENTS, created_at__lte=latest,
                                            sealed_scope="").exclude(object_id="")
                  .order_by("created_at")[:len(SCRIPTS)])
    first = events[0].created_at if events else latest
    with clock.travel_to(first - timedelta(days=1)):
        endpoint, secret = services.endpoint_register(actor=maria, organisation=agency, url=URL, events=EVENTS)
    scripts: dict = {}
    post = demo_receiver(scripts, secret)
    for event, script in zip(events, SCRIPTS, strict=False):
        with clock.travel_to(event.created_at + timedelta(seconds=2)):
            made = services.event_fan_out(event=event)
        for delivery in made:
            scripts[delivery.pk] = list(script)
            _run_out(delivery, post)
    with clock.travel_to(latest):
        services.endpoint_deactivate(actor=maria, endpoint=endpoint)
    scenario.count(True)
