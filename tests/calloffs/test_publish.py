"""Publishing a renewed competition (rule 3) and cancelling it (rule 10)."""

from datetime import datetime, timedelta, timezone

import pytest
from django.core import mail

from innokop.calloffs import services
from innokop.calloffs.models import CallOffInvitation, CallOffStatus
from innokop.core.models import AuditEvent, Notification

from ..agreements.factories import LotSupplierFactory

pytestmark = pytest.mark.django_db


def test_publish_invites_every_admitted_supplier_and_no_other(open_calloff, supplier_org, supplier_org_b,
                                                              supplier_org_off_lot):
    invited = set(CallOffInvitation.objects.filter(calloff=open_calloff).values_list("supplier_id", flat=True))
    assert invited == {supplier_org.pk, supplier_org_b.pk}
    assert open_calloff.status == CallOffStatus.OPEN
    assert open_calloff.published_at == datetime(2027, 3, 15, 9, tzinfo=timezone.utc)


def test_publish_notifies_each_suppliers_representatives(supplier, supplier_b, supplier_off_lot, open_calloff):
    notified = set(Notification.objects.filter(kind="calloff.invited").values_list("recipient_id", flat=True))
    assert notified == {supplier.pk, supplier_b.pk}
    assert {m.to[0] for m in mail.outbox} >= {"sara@supplier.se", "bo@supplier-b.se"}
    assert "ulla@off.se" not in {m.to[0] for m in mail.outbox}


def test_publish_is_audited_with_the_invited_suppliers(open_calloff, supplier_org, supplier_org_b):
    event = AuditEvent.objects.get(verb="calloff.published")
    assert event.payload["invited"] == sorted([supplier_org.pk, supplier_org_b.pk])
    assert event.payload["reference"] == open_calloff.reference


def test_a_supplier_admitted_after_the_draft_is_invited_too(ready, agency_procurer, lot):
    late = LotSupplierFactory(lot=lot)
    services.calloff_publish(actor=agency_procurer, calloff=ready)
    assert ready.invitations.filter(supplier=late.supplier).exists()


def test_publish_twice_is_refused(open_calloff, agency_procurer):
    with pytest.raises(services.CallOffError, match="can no longer be changed"):
        services.calloff_publish(actor=agency_procurer, calloff=open_calloff)


def test_an_incomplete_draft_is_not_published(draft, agency_procurer):
    with pytest.raises(services.CallOffError, match="Choose the evaluation model"):
        services.calloff_publish(actor=agency_procurer, calloff=draft)
    assert not draft.invitations.exists()


def test_the_tender_period_is_checked_again_from_the_day_of_publication(ready, agency_procurer, clock):
    clock.set(datetime(2027, 3, 18, 9, tzinfo=timezone.utc))  # three days later: only 7 days left
    with pytest.raises(services.CallOffError, match="at least 10 days"):
        services.calloff_publish(actor=agency_procurer, calloff=ready)


def test_a_colleague_outside_the_team_cannot_publish(ready, agency_colleague):
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        services.calloff_publish(actor=agency_colleague, calloff=ready)


def test_the_state_follows_the_clock(open_calloff):
    assert open_calloff.effective_state(open_calloff.questions_close.replace(second=0) -
                                        (open_calloff.questions_close - open_calloff.published_at) / 2) == "open"
    assert open_calloff.effective_state(open_calloff.questions_close) == CallOffStatus.TENDERING
    # At the deadline instant a tender is still taken, so the state still awaits tenders (issue 9, point 23).
    assert open_calloff.effective_state(open_calloff.tender_deadline) == CallOffStatus.TENDERING
    assert (open_calloff.effective_state(open_calloff.tender_deadline + timedelta(microseconds=1))
            == CallOffStatus.AWAITING_OPENING)


def test_cancel_needs_a_reason_and_tells_every_invited_supplier(supplier, supplier_b, open_calloff, agency_procurer,
                                                                django_capture_on_commit_callbacks):
    with pytest.raises(Exception, match="Give the reason"):
        services.calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason="Behovet har ändrats.")
    open_calloff.refresh_from_db()
    assert open_calloff.status == CallOffStatus.CANCELLED
    notes = Notification.objects.filter(kind="calloff.cancelled")
    assert {n.recipient_id for n in notes} == {supplier.pk, supplier_b.pk}
    assert all("Behovet har ändrats." in n.body for n in notes)
    assert AuditEvent.objects.get(verb="calloff.cancelled").payload == {"reason": "Behovet har ändrats."}
    with pytest.raises(services.CallOffError, match="already cancelled"):
        services.calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason="igen")


def test_a_draft_can_be_cancelled_without_notifying_anyone(draft, agency_procurer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.calloff_cancel(actor=agency_procurer, calloff=draft, reason="Fel anbudsområde")
    assert not Notification.objects.filter(kind="calloff.cancelled").exists()
