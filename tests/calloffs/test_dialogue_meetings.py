"""Dialogue meetings on equal terms (rule 5): offered to every invited supplier, one booking each, minutes kept."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import Role
from innokop.calloffs.models import CallOff, DialogueSlot
from innokop.calloffs.services import CallOffError, calloff_cancel
from innokop.calloffs.services import dialogue as services
from innokop.calloffs.services.dialogue import SlotTime
from innokop.core.calendar import at_local
from innokop.core.models import AuditEvent, Notification

from ..factories import member

pytestmark = pytest.mark.django_db

TUESDAY = date(2027, 3, 16)



def _slot(hour, end=None, place=None, day=TUESDAY):
    return SlotTime(at_local(day, hour), at_local(day, end or hour + 1), place or f"Rum {hour}")


@pytest.fixture
def people(supplier, supplier_b, supplier_off_lot):
    return {"supplier": supplier, "supplier_b": supplier_b}


@pytest.fixture
def slots(open_calloff, agency_procurer, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                             slots=[_slot(10), _slot(11), _slot(13, place="https://meet.example/x")])


@pytest.fixture
def booked(slots, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.dialogue_slot_book(actor=supplier, slot=slots[0])


def _notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _detail(calloff):
    return reverse("calloffs:calloff_detail", args=[calloff.pk])


# Offering on equal terms

def test_the_offer_goes_to_every_invited_supplier_at_once(slots, open_calloff, supplier, supplier_b):
    assert [s.starts_at for s in slots] == [at_local(TUESDAY, 10), at_local(TUESDAY, 11), at_local(TUESDAY, 13)]
    assert _notified("calloff.dialogue_offered") == {supplier.pk, supplier_b.pk}
    assert Notification.objects.filter(kind="calloff.dialogue_offered").count() == 2  # one each, not one per slot
    event = AuditEvent.objects.get(verb="calloff.dialogue_offered")
    assert [row["id"] for row in event.payload["slots"]] == [s.pk for s in slots]


def test_fewer_free_times_than_suppliers_without_a_meeting_is_refused(open_calloff, agency_procurer):
    with pytest.raises(ValidationError, match="2 invited suppliers have no meeting yet, but only 1 free times"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=[_slot(10)])
    assert not DialogueSlot.objects.exists()


def test_a_single_extra_time_is_enough_when_every_supplier_already_has_one(booked, slots, open_calloff,
                                                                          agency_procurer, supplier_b):
    services.dialogue_slot_book(actor=supplier_b, slot=slots[1])
    services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=[_slot(15)])
    assert open_calloff.slots.count() == 4


def test_past_free_times_do_not_count_as_free(slots, open_calloff, agency_procurer, clock):
    clock.set(at_local(TUESDAY, 14))  # all three times have passed unbooked
    with pytest.raises(ValidationError, match="only 1 free times"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                      slots=[_slot(10, day=date(2027, 3, 17))])


@pytest.mark.parametrize("times", [
    [(10, 11), (10, 12)],  # the new ones overlap each other
    [(9, 10), (10, 11), (10, 11)],
], ids=["pair", "duplicate"])
def test_overlapping_times_are_refused(open_calloff, agency_procurer, times):
    with pytest.raises(ValidationError, match="overlap"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                      slots=[_slot(start, end) for start, end in times])


def test_a_time_overlapping_an_offered_one_is_refused(slots, open_calloff, agency_procurer):
    with pytest.raises(ValidationError, match="overlap"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                      slots=[SlotTime(at_local(TUESDAY, 10, 30), at_local(TUESDAY, 11, 30), "B")])


@pytest.mark.parametrize("slot, message", [
    (SlotTime(at_local(TUESDAY, 11), at_local(TUESDAY, 10), "A"), "end after it starts"),
    (SlotTime(at_local(date(2027, 3, 15), 8), at_local(date(2027, 3, 15), 9), "A"), "start in the future"),
    (SlotTime(at_local(date(2027, 3, 19), 11), at_local(date(2027, 3, 19), 13), "A"), "by the last time for questions"),
    (SlotTime(at_local(TUESDAY, 8), at_local(TUESDAY, 9), "  "), "place or the link"),
])
def test_a_bad_time_is_refused(open_calloff, agency_procurer, slot, message):
    with pytest.raises(ValidationError, match=message):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=[slot, _slot(15), _slot(16)])


def test_offering_guards(open_calloff, agency_procurer, agency_colleague, supplier, clock):
    times = [_slot(10), _slot(11)]
    for actor in (agency_colleague, supplier):
        with pytest.raises(CallOffError, match="Only the call-off's team"):
            services.dialogue_slots_offer(actor=actor, calloff=open_calloff, slots=times)
    clock.set(open_calloff.questions_close)
    with pytest.raises(CallOffError, match="before the last time for questions"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=times)


def test_only_a_competition_with_dialogue_has_meetings(open_calloff, agency_procurer):
    CallOff.objects.filter(pk=open_calloff.pk).update(method="renewed_competition")
    open_calloff.refresh_from_db()
    with pytest.raises(CallOffError, match="only held in a renewed competition with dialogue"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff, slots=[_slot(10), _slot(11)])


def test_no_meetings_in_a_draft_or_a_cancelled_call_off(ready, agency_procurer):
    with pytest.raises(CallOffError, match="only be offered while the call-off is open"):
        services.dialogue_slots_offer(actor=agency_procurer, calloff=ready, slots=[_slot(10), _slot(11)])


# Booking

def test_a_supplier_books_one_free_time(booked, slots, supplier, supplier_org, agency_procurer):
    assert (booked.supplier, booked.booked_by, booked.pk) == (supplier_org, supplier, slots[0].pk)
    assert _notified("calloff.dialogue_booked") == {agency_procurer.pk}
    event = AuditEvent.objects.get(verb="calloff.dialogue_booked")
    assert event.payload["slot"] == booked.pk and event.payload["supplier"] == supplier_org.pk


def test_each_supplier_books_exactly_one(booked, slots, supplier, supplier_b, supplier_org, supplier_org_b):
    with pytest.raises(CallOffError, match="already has a dialogue meeting"):
        services.dialogue_slot_book(actor=supplier, slot=slots[1])
    services.dialogue_slot_book(actor=supplier_b, slot=slots[1])
    booked_by = DialogueSlot.objects.exclude(supplier=None).order_by("starts_at").values_list("supplier_id", flat=True)
    assert list(booked_by) == [supplier_org.pk, supplier_org_b.pk]


def test_the_database_holds_one_booking_per_supplier(booked, slots):
    with pytest.raises(IntegrityError), transaction.atomic():
        DialogueSlot.objects.filter(pk=slots[1].pk).update(supplier=booked.supplier)


def test_first_come_first_served(booked, supplier_b):
    with pytest.raises(CallOffError, match="just been booked by another supplier"):
        services.dialogue_slot_book(actor=supplier_b, slot=booked)


def test_only_invited_suppliers_book(slots, supplier_off_lot, agency_procurer):
    for actor in (supplier_off_lot, agency_procurer):
        with pytest.raises(CallOffError, match="Only representatives of the invited suppliers"):
            services.dialogue_slot_book(actor=actor, slot=slots[0])


def test_a_started_meeting_cannot_be_booked(slots, supplier, clock):
    clock.set(slots[0].starts_at)
    with pytest.raises(CallOffError, match="already started"):
        services.dialogue_slot_book(actor=supplier, slot=slots[0])


def test_no_booking_in_a_cancelled_call_off(slots, supplier, agency_procurer, open_calloff):
    calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason="Avbrutet")
    with pytest.raises(CallOffError, match="can no longer be booked"):
        services.dialogue_slot_book(actor=supplier, slot=slots[0])


def test_a_booking_is_cancelled_until_the_meeting_starts(booked, supplier, supplier_b, agency_procurer, clock,
                                                         django_capture_on_commit_callbacks):
    with pytest.raises(CallOffError, match="Only the supplier that booked"):
        services.dialogue_booking_cancel(actor=supplier_b, slot=booked)
    clock.set(booked.starts_at - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.dialogue_booking_cancel(actor=supplier, slot=booked)
    booked.refresh_from_db()
    assert booked.supplier is None and booked.booked_at is None
    assert _notified("calloff.dialogue_cancelled") == {agency_procurer.pk}
    assert AuditEvent.objects.filter(verb="calloff.dialogue_booking_cancelled").count() == 1
    services.dialogue_slot_book(actor=supplier_b, slot=booked)  # the time is free again


def test_a_started_meeting_cannot_be_cancelled(booked, supplier, clock):
    clock.set(booked.starts_at)
    with pytest.raises(CallOffError, match="has started"):
        services.dialogue_booking_cancel(actor=supplier, slot=booked)


# Who sees what

def test_other_suppliers_see_free_times_only_never_who_booked(login, booked, slots, open_calloff, supplier_b,
                                                              supplier_org, supplier):
    page = login(supplier_b).get(_detail(open_calloff)).content.decode()
    assert "Rum 11" in page and "https://meet.example/x" in page
    assert "Rum 10" not in page and supplier_org.name not in page and supplier.full_name not in page
    rows = login(supplier_b).get(f"/api/calloffs/{open_calloff.pk}/meetings").json()
    assert [(row["place"], row["booked"], row["supplier"], row["minutes"]) for row in rows] == [
        ("Rum 11", False, None, None), ("https://meet.example/x", False, None, None)]


def test_the_booking_supplier_sees_its_meeting_and_no_booking_buttons(login, booked, open_calloff, supplier):
    page = login(supplier).get(_detail(open_calloff)).content.decode()
    assert "Your meeting" in page and "Rum 10" in page
    assert reverse("calloffs:dialogue_booking_cancel", args=[open_calloff.pk, booked.pk]) in page
    assert "dialogue_slot_book" not in page and "/book/" not in page


def test_the_agency_page_lists_every_time_with_the_booked_supplier(login, booked, open_calloff, agency_colleague,
                                                                   supplier_org):
    page = login(agency_colleague).get(_detail(open_calloff)).content.decode()
    assert "Dialogue meetings" in page and supplier_org.name in page and "Rum 11" in page and "Free" in page
    assert reverse("calloffs:dialogue_minutes", args=[open_calloff.pk, booked.pk]) not in page  # not on the team


def test_the_agency_api_names_the_booked_supplier(login, booked, open_calloff, agency_procurer, supplier_org):
    rows = login(agency_procurer).get(f"/api/calloffs/{open_calloff.pk}/meetings").json()
    assert [(row["place"], row["supplier"]) for row in rows] == [
        ("Rum 10", supplier_org.name), ("Rum 11", None), ("https://meet.example/x", None)]


# Minutes

def test_minutes_before_the_meeting_are_refused(booked, agency_procurer):
    with pytest.raises(CallOffError, match="not started yet"):
        services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="Noteringar", share=True)


def test_minutes_of_an_unbooked_time_are_refused(slots, agency_procurer, clock):
    clock.set(slots[1].ends_at)
    with pytest.raises(CallOffError, match="No supplier booked"):
        services.dialogue_minutes_record(actor=agency_procurer, slot=slots[1], minutes="x", share=True)


def test_only_the_team_records_minutes(booked, agency_colleague, supplier, clock):
    clock.set(booked.ends_at)
    for actor in (agency_colleague, supplier):
        with pytest.raises(CallOffError, match="Only the call-off's team"):
            services.dialogue_minutes_record(actor=actor, slot=booked, minutes="x", share=True)


def test_minutes_are_shared_with_that_supplier_only(booked, agency_procurer, supplier, supplier_b, clock,
                                                    django_capture_on_commit_callbacks, login, open_calloff):
    clock.set(booked.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        slot = services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="Vi talade om API:er.",
                                                share=True)
    assert slot.minutes_shared_at == booked.ends_at and slot.minutes_by == agency_procurer
    assert _notified("calloff.dialogue_minutes") == {supplier.pk}
    event = AuditEvent.objects.get(verb="calloff.dialogue_minutes_shared")
    assert event.payload["minutes"] == "Vi talade om API:er." and event.payload["corrected"] is False
    assert "Vi talade om API:er." in login(supplier).get(_detail(open_calloff)).content.decode()
    assert "Vi talade om API:er." not in login(supplier_b).get(_detail(open_calloff)).content.decode()
    assert "Vi talade om API:er." not in login(supplier_b).get(
        f"/api/calloffs/{open_calloff.pk}/meetings").content.decode()
    own = login(supplier).get(f"/api/calloffs/{open_calloff.pk}/meetings").json()
    assert [row["minutes"] for row in own if row["id"] == booked.pk] == ["Vi talade om API:er."]


def test_draft_minutes_are_not_shown_to_the_supplier(booked, agency_procurer, supplier, clock, login, open_calloff,
                                                     django_capture_on_commit_callbacks):
    clock.set(booked.ends_at)
    with django_capture_on_commit_callbacks(execute=True):
        services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="Utkast", share=False)
    booked.refresh_from_db()
    assert booked.minutes == "Utkast" and booked.minutes_shared_at is None
    assert not Notification.objects.filter(kind="calloff.dialogue_minutes").exists()
    assert AuditEvent.objects.filter(verb="calloff.dialogue_minutes_saved").count() == 1
    assert "Utkast" not in login(supplier).get(_detail(open_calloff)).content.decode()
    own = login(supplier).get(f"/api/calloffs/{open_calloff.pk}/meetings").json()
    assert [row["minutes"] for row in own if row["id"] == booked.pk] == [None]


def test_a_correction_of_shared_minutes_is_shared_again(booked, agency_procurer, supplier, clock,
                                                        django_capture_on_commit_callbacks):
    clock.set(booked.ends_at)
    services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="Första", share=True)
    clock.set(booked.ends_at + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        slot = services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="Rättad", share=False)
    assert slot.minutes == "Rättad" and slot.minutes_shared_at == booked.ends_at + timedelta(hours=1)
    assert _notified("calloff.dialogue_minutes") == {supplier.pk}
    corrected = AuditEvent.objects.filter(verb="calloff.dialogue_minutes_shared").order_by("id").last()
    assert corrected.payload["corrected"] is True and corrected.payload["minutes"] == "Rättad"


def test_empty_minutes_are_refused(booked, agency_procurer, clock):
    clock.set(booked.ends_at)
    with pytest.raises(ValidationError):
        services.dialogue_minutes_record(actor=agency_procurer, slot=booked, minutes="  ", share=True)


# Pages

def test_the_team_offers_times_on_the_page(login, open_calloff, agency_procurer, people,
                                           django_capture_on_commit_callbacks):
    client = login(agency_procurer)
    url = reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk])
    page = client.get(url).content.decode()
    assert "2 suppliers have no meeting yet" in page and 'name="day_4"' in page
    data = {"day_1": "2027-03-16", "starts_1": "10:00", "ends_1": "11:00", "place_1": "Rum A",
            "day_2": "2027-03-17", "starts_2": "10:00", "ends_2": "11:00", "place_2": "Rum B"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response["Location"].endswith("#dialogue")
    assert list(open_calloff.slots.values_list("place", flat=True)) == ["Rum A", "Rum B"]
    assert _notified("calloff.dialogue_offered") == {p.pk for p in people.values()}


def test_a_refused_offer_keeps_what_was_typed(login, open_calloff, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk]), {
        "day_1": "2027-03-16", "starts_1": "10:00", "ends_1": "11:00", "place_1": "Rum A", "day_2": "2027-03-17"})
    text = response.content.decode()
    assert response.status_code == 200 and "Meeting 2 needs a day, a start, an end and a place." in text
    assert 'value="Rum A"' in text and 'value="2027-03-17"' in text
    overlapping = login(agency_procurer).post(reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk]), {
        "day_1": "2027-03-16", "starts_1": "10:00", "ends_1": "11:00", "place_1": "Rum A",
        "day_2": "2027-03-16", "starts_2": "10:30", "ends_2": "11:30", "place_2": "Rum B"})
    text = overlapping.content.decode()
    assert "Two meetings overlap" in text and 'value="Rum B"' in text and not DialogueSlot.objects.exists()


def test_the_page_requires_a_row_for_each_supplier_without_a_meeting(login, booked, open_calloff, agency_procurer):
    form = login(agency_procurer).get(reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk])).context["form"]
    assert form.rows == 3 and [form.fields[f"day_{n}"].required for n in (1, 2, 3)] == [False] * 3  # 2 free times
    DialogueSlot.objects.filter(supplier=None).delete()
    form = login(agency_procurer).get(reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk])).context["form"]
    assert [form.fields[f"place_{n}"].required for n in (1, 2, 3)] == [True, False, False]


@pytest.mark.parametrize("persona, status", [("agency_procurer", 200), ("agency_colleague", 403), ("supplier", 403),
                                             ("other_agency_procurer", 404), ("supplier_off_lot", 404)])
def test_who_may_offer_times(login, open_calloff, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:dialogue_slots_offer", args=[open_calloff.pk])).status_code == status


def test_a_supplier_books_and_cancels_on_the_page(login, slots, open_calloff, supplier, supplier_org):
    client = login(supplier)
    page = client.get(_detail(open_calloff)).content.decode()
    book = reverse("calloffs:dialogue_slot_book", args=[open_calloff.pk, slots[1].pk])
    assert book in page
    assert client.post(book)["Location"].endswith("#dialogue")
    assert DialogueSlot.objects.get(pk=slots[1].pk).supplier == supplier_org
    again = client.post(reverse("calloffs:dialogue_slot_book", args=[open_calloff.pk, slots[2].pk]), follow=True)
    assert "already has a dialogue meeting" in again.content.decode()
    client.post(reverse("calloffs:dialogue_booking_cancel", args=[open_calloff.pk, slots[1].pk]))
    assert DialogueSlot.objects.get(pk=slots[1].pk).supplier is None


@pytest.mark.parametrize("persona, status", [("supplier", 302), ("agency_procurer", 403),
                                             ("other_agency_procurer", 404), ("supplier_off_lot", 404)])
def test_who_may_book(login, slots, open_calloff, persona, status, request):
    response = login(request.getfixturevalue(persona)).post(
        reverse("calloffs:dialogue_slot_book", args=[open_calloff.pk, slots[0].pk]))
    assert response.status_code == status


def test_the_wrong_method_is_refused(login, slots, open_calloff, supplier):
    for name in ("dialogue_slot_book", "dialogue_booking_cancel"):
        assert login(supplier).get(reverse(f"calloffs:{name}", args=[open_calloff.pk, slots[0].pk])).status_code == 405


def test_the_team_records_and_shares_minutes_on_the_page(login, booked, open_calloff, agency_procurer, clock):
    client = login(agency_procurer)
    url = reverse("calloffs:dialogue_minutes", args=[open_calloff.pk, booked.pk])
    assert "has not started yet" in client.get(url).content.decode()
    clock.set(booked.ends_at)
    assert client.post(url, {"minutes": "", "action": "share"}).status_code == 200
    client.post(url, {"minutes": "Utkast", "action": "save"})
    booked.refresh_from_db()
    assert booked.minutes == "Utkast" and booked.minutes_shared_at is None
    assert "Utkast" in client.get(url).content.decode()
    client.post(url, {"minutes": "Slutligt", "action": "share"})
    booked.refresh_from_db()
    assert booked.minutes == "Slutligt" and booked.minutes_shared_at == booked.ends_at


@pytest.mark.parametrize("persona, status", [("agency_procurer", 200), ("agency_colleague", 403), ("supplier", 403),
                                             ("other_agency_procurer", 404)])
def test_who_may_record_minutes(login, booked, open_calloff, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:dialogue_minutes", args=[open_calloff.pk, booked.pk])).status_code == status


def test_the_api_books_for_a_supplier(login, slots, open_calloff, supplier, supplier_org, agency_procurer):
    url = f"/api/calloffs/{open_calloff.pk}/meetings/{slots[2].pk}/book"
    response = login(supplier).post(url, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["supplier"] == supplier_org.name and response.json()["booked"] is True
    again = login(supplier).post(f"/api/calloffs/{open_calloff.pk}/meetings/{slots[1].pk}/book")
    assert again.status_code == 400 and "already has a dialogue meeting" in again.json()["detail"]
    assert login(agency_procurer).post(url).status_code == 403


def test_the_agency_page_query_count_does_not_grow_with_meetings(login, booked, open_calloff, agency_procurer,
                                                                 supplier_b, django_assert_max_num_queries):
    client = login(agency_procurer)
    url = _detail(open_calloff)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                  slots=[_slot(h, day=date(2027, 3, 17)) for h in range(8, 14)])
    services.dialogue_slot_book(actor=supplier_b, slot=open_calloff.slots.last())
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_supplier_page_query_count_does_not_grow_with_meetings(login, slots, open_calloff, agency_procurer,
                                                                   supplier, django_assert_max_num_queries):
    client = login(supplier)
    url = _detail(open_calloff)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.dialogue_slots_offer(actor=agency_procurer, calloff=open_calloff,
                                  slots=[_slot(h, day=date(2027, 3, 17)) for h in range(8, 14)])
    with django_assert_max_num_queries(len(few)):
        client.get(url)


# Racing for the same time (PostgreSQL row locks; SQLite has one writer and nothing to race)

def _race(calls) -> list:
    """Runs each call on its own thread and database connection, all released at once; their outcomes."""
    import threading

    from django.db import connections

    barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            with translation.override("en"):  # the active language is per thread
                outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_suppliers_racing_for_one_time_get_one_booking(slots, supplier, supplier_b):
    outcomes = _race([lambda: services.dialogue_slot_book(actor=supplier, slot=slots[0]),
                      lambda: services.dialogue_slot_book(actor=supplier_b, slot=slots[0])])
    assert sorted(type(o).__name__ for o in outcomes) == ["CallOffError", "DialogueSlot"]
    assert "just been booked by another supplier" in str(next(o for o in outcomes if isinstance(o, Exception)))
    assert AuditEvent.objects.filter(verb="calloff.dialogue_booked").count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_one_supplier_racing_for_two_times_gets_one(slots, supplier, supplier_org):
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, email="kollega@supplier.se")
    outcomes = _race([lambda: services.dialogue_slot_book(actor=supplier, slot=slots[0]),
                      lambda: services.dialogue_slot_book(actor=colleague, slot=slots[1])])
    assert sorted(type(o).__name__ for o in outcomes) == ["CallOffError", "DialogueSlot"]
    assert DialogueSlot.objects.filter(supplier=supplier_org).count() == 1


def test_a_booking_in_a_cancelled_call_off_cannot_be_cancelled(booked, supplier, agency_procurer):
    calloff_cancel(actor=agency_procurer, calloff=booked.calloff, reason="Behovet har försvunnit.")
    with pytest.raises(CallOffError, match="call-off is cancelled"):
        services.dialogue_booking_cancel(actor=supplier, slot=booked)
