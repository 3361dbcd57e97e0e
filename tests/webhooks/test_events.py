"""Each event carries the API's answer for its object: clarifications, the award decision, a follow-up round."""

import pytest

from innokop.accounts.models import Role
from innokop.accounts.services import api_token_create
from innokop.calloffs.services import award
from innokop.calloffs.services.dialogue import clarification_publish
from innokop.core.audit import audit_log
from innokop.webhooks.models import Delivery

from ..calloffs.award_helpers import (  # noqa: F401  (fixtures)
    award_lot,
    evaluated,
    opened,
    published_calloff,
    qualified,
    scored,
    two_tenders,
)
from ..factories import member
from ..followup.test_rounds import plan, request, setup  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def _read(client, user, path):
    """What a token of the user's one organisation reads at `path`."""
    _token, raw = api_token_create(actor=user, name="integration", organisation=user.memberships.first().organisation)
    answer = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert answer.status_code == 200
    return answer.json()


def test_a_clarification_carries_the_clarifications_as_the_supplier_reads_them(
        register, receiver, supplier, supplier_org, published_calloff, agency_procurer, client,
        django_capture_on_commit_callbacks):
    register(supplier, supplier_org, events=["calloff.clarification_published"])
    with django_capture_on_commit_callbacks(execute=True):
        clarification_publish(actor=agency_procurer, calloff=published_calloff, kind="addendum",
                              title="Ändrad leveransort", text="Leverans sker till Sundsvall.")
    [received] = receiver.received
    body = received.json
    assert body["event"] == "calloff.clarification_published"
    assert body["object"]["url"].endswith(f"/api/calloffs/{published_calloff.pk}/clarifications")
    assert body["data"] == _read(client, supplier, f"/api/calloffs/{published_calloff.pk}/clarifications")
    assert body["data"][0]["title"] == "Ändrad leveransort"


def test_the_award_decision_goes_to_the_tenderers_that_may_read_it(
        register, receiver, supplier, supplier_org, supplier_org_off_lot, evaluated, agency_procurer, client,
        django_capture_on_commit_callbacks):
    register(supplier, supplier_org, events=["calloff.award_decision_sent"])
    off_lot_admin = member(supplier_org_off_lot, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN)
    register(off_lot_admin, supplier_org_off_lot, events=["calloff.award_decision_sent"])
    with django_capture_on_commit_callbacks(execute=True):
        award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst totalt.",
                                  advantages="Lägst pris.", standstill=True)
    [received] = receiver.received
    assert Delivery.objects.get().endpoint.organisation == supplier_org
    assert received.json["data"] == _read(client, supplier, f"/api/calloffs/{evaluated.pk}/decision")
    assert received.json["data"]["reasons"]


def test_a_follow_up_request_carries_the_round_as_the_supplier_reads_it(
        register, receiver, supplier, supplier_org, supplier_b, supplier_org_b, plan, agency_procurer, client,
        django_capture_on_commit_callbacks):
    register(supplier, supplier_org, events=["followup_round.requested"])
    register(supplier_b, supplier_org_b, events=["followup_round.requested"])  # not the contract's supplier
    with django_capture_on_commit_callbacks(execute=True):
        followup_round = request(plan, agency_procurer)
    [received] = receiver.received
    assert received.json["object"] == {"type": "followup_round", "id": str(followup_round.pk),
                                       "url": received.json["object"]["url"]}
    assert received.json["data"] == _read(client, supplier, f"/api/follow-up/rounds/{followup_round.pk}")


def test_a_sealed_event_is_never_delivered(register, receiver, supplier, supplier_org, published_calloff,
                                           django_capture_on_commit_callbacks):
    register(supplier, supplier_org, events=["calloff.published"])
    with django_capture_on_commit_callbacks(execute=True):
        audit_log(actor=None, verb="calloff.published", obj=published_calloff, organisation=supplier_org,
                  sealed_scope=f"calloff:{published_calloff.pk}")
    assert receiver.received == [] and not Delivery.objects.exists()
