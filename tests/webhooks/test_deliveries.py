"""Deliveries: signed, carrying what the organisation's API token reads, only to who may see, retried, given up."""

import json
from datetime import timedelta

import pytest

from innokop.accounts.models import Membership, Role
from innokop.accounts.services import api_token_create
from innokop.calloffs import services as calloffs
from innokop.webhooks import signing
from innokop.webhooks.models import Delivery, DeliveryStatus
from innokop.webhooks.services import BACKOFF, MAX_ATTEMPTS
from innokop.webhooks.tasks import send_due_deliveries

from ..factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def publish(ready, agency_procurer, django_capture_on_commit_callbacks):
    def _publish():
        with django_capture_on_commit_callbacks(execute=True):
            return calloffs.calloff_publish(actor=agency_procurer, calloff=ready)
    return _publish


def test_a_delivery_is_signed_and_the_receiver_verifies_it(register, receiver, supplier, supplier_org, publish,
                                                           clock):
    endpoint, secret = register(supplier, supplier_org)
    calloff = publish()
    [received] = receiver.received
    headers = received.headers
    assert headers["x-innokop-event"] == "calloff.published"
    assert headers["x-innokop-timestamp"] == str(int(clock.now().timestamp()))
    assert signing.verify(secret, headers["x-innokop-timestamp"], received.body, headers["x-innokop-signature"])
    assert not signing.verify("whsec_wrong", headers["x-innokop-timestamp"], received.body,
                              headers["x-innokop-signature"])
    assert not signing.verify(secret, headers["x-innokop-timestamp"], received.body + b" ",
                              headers["x-innokop-signature"])
    body = received.json
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert body["id"] == headers["x-innokop-delivery"] == str(delivery.pk)
    assert body["event"] == "calloff.published"
    assert body["object"]["type"] == "calloff" and body["object"]["id"] == str(calloff.pk)
    assert body["object"]["url"].endswith(f"/api/calloffs/{calloff.pk}")
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)


def test_the_delivery_carries_what_the_organisations_token_reads(register, receiver, supplier, supplier_org, publish,
                                                                client, agency, agency_procurer,
                                                                django_capture_on_commit_callbacks):
    register(supplier, supplier_org)
    calloff = publish()
    _token, raw = api_token_create(actor=supplier, name="integration", organisation=supplier_org)
    answer = client.get(f"/api/calloffs/{calloff.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    assert receiver.received[0].json["data"] == answer.json()
    # What the supplier reads is not what the agency reads: the delivery is the organisation's own view.
    _token, agency_raw = api_token_create(actor=agency_procurer, name="agency", organisation=agency)
    assert client.get(f"/api/calloffs/{calloff.pk}", HTTP_AUTHORIZATION=f"Bearer {agency_raw}").json() != answer.json()

    question = calloffs.question_ask(actor=supplier, calloff=calloff, text="Får vi använda molntjänster?")
    with django_capture_on_commit_callbacks(execute=True):
        calloffs.question_answer(actor=agency_procurer, question=question, answer="Ja, inom EU.")
    answered = receiver.received[-1].json
    assert answered["event"] == "calloff.question_answered"
    assert answered["data"] == client.get(f"/api/calloffs/{calloff.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert "Ja, inom EU." in json.dumps(answered["data"], ensure_ascii=False)


def test_an_organisation_that_cannot_see_the_calloff_gets_nothing(register, receiver, supplier_org_off_lot,
                                                                  other_agency, other_agency_procurer, publish):
    off_lot_admin = member(supplier_org_off_lot, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN)
    register(off_lot_admin, supplier_org_off_lot)
    register(other_agency_procurer, other_agency)
    publish()
    assert not Delivery.objects.exists()
    assert receiver.received == []


def test_a_member_of_two_organisations_is_told_only_what_the_endpoints_organisation_sees(
        register, receiver, supplier, supplier_org, agency, publish):
    """The endpoint's creator is also the agency's procurer: the delivery still carries the supplier's view."""
    Membership.objects.create(user=supplier, organisation=agency, role=Role.PROCURER)
    register(supplier, supplier_org)
    calloff = publish()
    data = receiver.received[0].json["data"]
    assert data["id"] == calloff.pk
    assert not data.get("invited_suppliers")
    assert data.get("estimated_value") is None


def test_an_event_not_subscribed_to_is_not_delivered(register, receiver, supplier, supplier_org, publish):
    register(supplier, supplier_org, events=["calloff.award_decision_sent"])
    publish()
    assert receiver.received == [] and not Delivery.objects.exists()


def test_a_failed_delivery_is_tried_again_with_backoff(register, receiver, supplier, supplier_org, publish, clock):
    receiver.answers = [500]
    register(supplier, supplier_org)
    publish()
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.FAILED, 1, 500)
    assert delivery.next_attempt_at == clock.now() + BACKOFF[0]

    clock.set(clock.now() + BACKOFF[0] - timedelta(seconds=1))
    assert send_due_deliveries.enqueue().return_value == 0  # not yet due
    clock.set(clock.now() + timedelta(seconds=1))
    assert send_due_deliveries.enqueue().return_value == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 2, 200)
    first, second = receiver.received
    assert first.body == second.body
    assert first.headers["x-innokop-delivery"] == second.headers["x-innokop-delivery"]
    assert int(second.headers["x-innokop-timestamp"]) - int(first.headers["x-innokop-timestamp"]) == 60
    assert send_due_deliveries.enqueue().return_value == 0  # delivered: never sent again by the sweep


def test_it_gives_up_after_the_last_attempt(register, receiver, supplier, supplier_org, publish, clock):
    receiver.answers = [503] * 10
    register(supplier, supplier_org)
    publish()
    delivery = Delivery.objects.get()
    for wait in BACKOFF:
        assert delivery.status == DeliveryStatus.FAILED
        clock.set(clock.now() + wait)
        send_due_deliveries.enqueue()
        delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.GAVE_UP, MAX_ATTEMPTS, None)
    assert len(receiver.received) == MAX_ATTEMPTS
    clock.set(clock.now() + timedelta(days=2))
    assert send_due_deliveries.enqueue().return_value == 0


def test_an_unreachable_receiver_is_a_failed_attempt(register, supplier, supplier_org, publish):
    register(supplier, supplier_org, url="http://127.0.0.1:9/nothing-listens")
    publish()
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.last_status_code is None and delivery.last_error


def test_a_deactivated_endpoint_gets_nothing_more(register, receiver, supplier, supplier_org, publish, clock):
    from innokop.webhooks.services import endpoint_deactivate

    receiver.answers = [500]
    endpoint, _secret = register(supplier, supplier_org)
    publish()
    endpoint_deactivate(actor=supplier, endpoint=endpoint)
    clock.set(clock.now() + timedelta(hours=1))
    assert send_due_deliveries.enqueue().return_value == 0
    assert len(receiver.received) == 1


def test_a_webhook_whose_creator_left_the_organisation_gets_nothing(register, receiver, supplier, supplier_org,
                                                                    publish):
    register(supplier, supplier_org)
    supplier.memberships.all().delete()
    publish()
    assert receiver.received == [] and not Delivery.objects.exists()


def test_with_a_queue_that_can_wait_the_retry_is_queued_for_when_it_is_due(
        register, receiver, supplier, supplier_org, clock, settings, django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend

    from innokop.webhooks.services import delivery_attempt, endpoint_ping
    from innokop.webhooks.tasks import send_delivery

    receiver.answers = [500]
    endpoint, _secret = register(supplier, supplier_org)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    delivery = endpoint_ping(actor=supplier, endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        delivery_attempt(delivery_id=delivery.pk)  # what the queued first send runs
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    [retry] = [r for r in default_task_backend.results if r.task.run_after is not None]
    assert retry.task.func == send_delivery.func and retry.args == [str(delivery.pk)]
    assert retry.task.run_after == delivery.next_attempt_at == clock.now() + BACKOFF[0]
