"""A call-off published for a later day (issue 9, point 1): scheduled, invisible and untold until its moment.

The clock stands at Monday 15 March 2027 10:00 Swedish time. The call-off is published for Thursday 18 March:
it becomes public at the start of that day, 00:00 Swedish time (23:00 UTC the day before).
"""

from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone

import pytest
from django.core import mail
from django.urls import reverse

from innokop.calloffs import rules, services
from innokop.calloffs.models import CallOff, CallOffStatus
from innokop.calloffs.tasks import send_calloff_invitations
from innokop.core.calendar import STOCKHOLM
from innokop.core.models import AuditEvent, Notification

from ..agreements.factories import LotSupplierFactory
from .conftest import prepare

pytestmark = pytest.mark.django_db

THURSDAY = date(2027, 3, 18)
MOMENT = datetime(2027, 3, 18, 0, 0, tzinfo=STOCKHOLM)
JUST_BEFORE = MOMENT - timedelta(microseconds=1)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a callable with the on-commit callbacks (notifications, tasks) executed."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def _for_thursday(actor, draft):
    return prepare(actor, draft, **asdict(rules.suggest_timetable(draft.lot, THURSDAY)))


@pytest.fixture
def scheduled(draft, agency_procurer, supplier, supplier_b, committed):
    _for_thursday(agency_procurer, draft)
    return committed(services.calloff_publish, actor=agency_procurer, calloff=draft)


def _invited_notifications():
    return Notification.objects.filter(kind="calloff.invited")


def test_a_later_publication_day_schedules_the_call_off_and_tells_nobody_yet(scheduled, supplier_org, supplier_org_b,
                                                                            clock):
    assert scheduled.status == CallOffStatus.OPEN  # stored; the clock says scheduled
    assert scheduled.effective_state(clock.now()) == CallOffStatus.SCHEDULED
    assert scheduled.state_label(clock.now()) == "Scheduled for publication"
    assert scheduled.published_at == MOMENT and scheduled.publish_on == THURSDAY
    assert scheduled.published_at == datetime(2027, 3, 17, 23, tzinfo=timezone.utc)
    invitations = scheduled.invitations.all()
    assert {i.supplier_id for i in invitations} == {supplier_org.pk, supplier_org_b.pk}
    assert {i.invited_at for i in invitations} == {MOMENT}
    assert not _invited_notifications().exists() and not mail.outbox
    event = AuditEvent.objects.get(verb="calloff.publication_scheduled")
    assert event.payload["published_at"] == "2027-03-18 00:00:00+01:00"
    assert event.payload["invited"] == sorted([supplier_org.pk, supplier_org_b.pk])
    assert not AuditEvent.objects.filter(verb="calloff.published").exists()


def test_the_state_follows_the_clock_at_the_publication_moment(scheduled):
    assert scheduled.effective_state(JUST_BEFORE) == CallOffStatus.SCHEDULED
    assert scheduled.effective_state(MOMENT) == CallOffStatus.OPEN  # the instant itself is published
    assert not scheduled.may_ask(JUST_BEFORE) and scheduled.may_ask(MOMENT)
    assert not scheduled.may_tender(JUST_BEFORE) and scheduled.may_tender(MOMENT)
    assert not scheduled.may_clarify(JUST_BEFORE) and not scheduled.may_answer(JUST_BEFORE)


def test_invited_suppliers_see_nothing_until_the_moment(scheduled, login, supplier, clock):
    client = login(supplier)
    page, api = reverse("calloffs:calloff_detail", args=[scheduled.pk]), f"/api/calloffs/{scheduled.pk}"
    clock.set(JUST_BEFORE)
    assert client.get(page).status_code == 404
    assert client.get(api).status_code == 404
    assert scheduled.reference not in [c["reference"] for c in client.get("/api/calloffs").json()]
    assert scheduled.title not in client.get(reverse("core:dashboard")).content.decode()
    clock.set(MOMENT)
    assert client.get(page).status_code == 200
    assert scheduled.reference in [c["reference"] for c in client.get("/api/calloffs").json()]


def test_the_agency_sees_it_scheduled_with_the_moment(scheduled, login, agency_procurer, agency_colleague):
    text = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[scheduled.pk])).content.decode()
    assert "Scheduled for publication" in text
    assert "The call-off will be published Thursday 18 March 2027 at 00:00" in text
    assert "Take back to a draft" in text and "to be invited" in text
    listed = login(agency_procurer).get("/api/calloffs").json()
    assert [c["state"] for c in listed if c["reference"] == scheduled.reference] == ["scheduled"]
    text = login(agency_colleague).get(reverse("calloffs:calloff_detail", args=[scheduled.pk])).content.decode()
    assert "Take back to a draft" not in text  # a colleague off the team reads it, does not change it


def test_the_task_sends_the_invitations_once_at_the_moment(scheduled, supplier, supplier_b, clock, committed, login):
    clock.set(JUST_BEFORE)
    assert committed(send_calloff_invitations.call, scheduled.pk) == 0
    assert not _invited_notifications().exists()
    clock.set(MOMENT)
    assert committed(send_calloff_invitations.call, scheduled.pk) == 1
    assert {n.recipient_id for n in _invited_notifications()} == {supplier.pk, supplier_b.pk}
    assert {m.to[0] for m in mail.outbox} == {"sara@supplier.se", "bo@supplier-b.se"}
    published = AuditEvent.objects.get(verb="calloff.published")
    assert published.actor is None and published.actor_label == "system"
    # Never twice: the task again, a read of the page, the dashboard and the API send nothing more.
    assert committed(send_calloff_invitations.call) == 0
    client = login(supplier)
    committed(client.get, reverse("calloffs:calloff_detail", args=[scheduled.pk]))
    committed(client.get, reverse("core:dashboard"))
    committed(client.get, "/api/calloffs")
    assert _invited_notifications().count() == 2


def test_a_missed_task_is_made_up_for_when_the_call_off_is_read(scheduled, supplier, supplier_b, clock, committed,
                                                                login):
    clock.set(MOMENT + timedelta(hours=9))  # the worker was down at midnight
    assert committed(login(supplier).get, reverse("core:dashboard")).status_code == 200
    assert {n.recipient_id for n in _invited_notifications()} == {supplier.pk, supplier_b.pk}
    scheduled.refresh_from_db()
    assert scheduled.invitations_sent_at == MOMENT + timedelta(hours=9)
    assert committed(send_calloff_invitations.call) == 0


def test_a_queue_that_can_wait_sends_the_invitations_at_the_moment(draft, agency_procurer, settings, committed):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _for_thursday(agency_procurer, draft)
    committed(services.calloff_publish, actor=agency_procurer, calloff=draft)
    [queued] = [r for r in task_backends["default"].results if r.task.func == send_calloff_invitations.func]
    assert queued.task.run_after == MOMENT
    assert queued.args == [draft.pk]


def test_a_supplier_admitted_before_the_moment_is_invited_at_it(scheduled, lot, clock, committed):
    late = LotSupplierFactory(lot=lot)
    clock.set(MOMENT)
    committed(send_calloff_invitations.call)
    assert scheduled.invitations.filter(supplier=late.supplier, invited_at=MOMENT).exists()


def test_publishing_today_stays_immediate(ready, agency_procurer, supplier, supplier_b, committed, clock):
    published = committed(services.calloff_publish, actor=agency_procurer, calloff=ready)
    assert published.effective_state(clock.now()) == CallOffStatus.OPEN
    assert published.published_at == published.invitations_sent_at == clock.now()
    assert _invited_notifications().count() == 2
    assert committed(send_calloff_invitations.call) == 0


def test_the_team_takes_a_scheduled_call_off_back_to_a_draft(scheduled, agency_procurer, agency_colleague, clock,
                                                             committed):
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        services.calloff_unschedule(actor=agency_colleague, calloff=scheduled)
    draft = committed(services.calloff_unschedule, actor=agency_procurer, calloff=scheduled)
    draft.refresh_from_db()
    assert draft.status == CallOffStatus.DRAFT and draft.published_at is None and not draft.data_key
    assert not draft.invitations.exists()
    assert AuditEvent.objects.get(verb="calloff.unscheduled").payload["published_at"]
    # The draft can be changed and published again; a task queued for the old moment then finds nothing to send.
    clock.set(MOMENT)
    assert committed(send_calloff_invitations.call, draft.pk) == 0
    assert not _invited_notifications().exists()


def test_once_published_it_cannot_be_taken_back_to_a_draft(scheduled, agency_procurer, clock):
    clock.set(MOMENT)
    with pytest.raises(services.CallOffError, match="whose publication day has not come") as refused:
        services.calloff_unschedule(actor=agency_procurer, calloff=scheduled)
    assert refused.value.status == 409


def test_cancelling_before_the_moment_tells_nobody_and_shows_nothing(scheduled, agency_procurer, supplier, clock,
                                                                     committed, login):
    committed(services.calloff_cancel, actor=agency_procurer, calloff=scheduled, reason="Behovet har ändrats.")
    scheduled.refresh_from_db()
    assert scheduled.status == CallOffStatus.CANCELLED and scheduled.published_at is None
    assert not Notification.objects.filter(recipient=supplier).exists()
    assert AuditEvent.objects.get(verb="calloff.cancelled").payload == {"reason": "Behovet har ändrats.",
                                                                       "before_publication": True}
    clock.set(MOMENT + timedelta(days=1))
    assert committed(send_calloff_invitations.call) == 0
    assert login(supplier).get(reverse("calloffs:calloff_detail", args=[scheduled.pk])).status_code == 404


def test_the_check_page_tells_when_the_call_off_is_published(draft, agency_procurer, login):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_check", args=[draft.pk])
    prepare(agency_procurer, draft)  # publication day today
    text = client.get(url).content.decode()
    assert "Published at once when you press the button below" in text and "Publish the call-off" in text
    assert "Published as soon as you publish" in text and "Published, every supplier" not in text
    _for_thursday(agency_procurer, CallOff.objects.get(pk=draft.pk))
    text = client.get(url).content.decode()
    assert "To be published Thursday 18 March 2027 at 00:00" in text
    assert "Schedule the publication" in text and "Publish the call-off" not in text


def test_the_confirmation_says_what_happens_next(login, draft, agency_procurer, committed):
    _for_thursday(agency_procurer, draft)
    response = committed(login(agency_procurer).post, reverse("calloffs:calloff_check", args=[draft.pk]))
    assert response["Location"] == reverse("calloffs:calloff_published", args=[draft.pk])
    text = login(agency_procurer).get(response["Location"]).content.decode()
    assert "The publication is scheduled" in text
    assert "The call-off will be published Thursday 18 March 2027 at 00:00. Then 2 suppliers will be invited" in text


def test_the_take_back_button_is_for_the_team(scheduled, login, agency_procurer, agency_colleague, supplier):
    url = reverse("calloffs:calloff_unschedule", args=[scheduled.pk])
    assert login(supplier).post(url).status_code == 404  # not yet published: invisible to the suppliers
    assert login(agency_colleague).post(url).status_code == 403
    assert login(agency_procurer).get(url).status_code == 405
    response = login(agency_procurer).post(url)
    assert response.status_code == 302
    assert CallOff.objects.get(pk=scheduled.pk).status == CallOffStatus.DRAFT


def test_the_purchasing_body_sees_it_only_once_published(scheduled, login, cpb_manager, clock):
    url = reverse("calloffs:agreement_calloffs", args=[scheduled.lot.agreement_id])
    assert scheduled.reference not in login(cpb_manager).get(url).content.decode()
    clock.set(MOMENT)
    assert scheduled.reference in login(cpb_manager).get(url).content.decode()
