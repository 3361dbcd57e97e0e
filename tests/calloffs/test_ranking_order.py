"""Ranking order (rule 2): offered to rank 1; a decline with a reason or a missed deadline passes it on."""

from dataclasses import asdict
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs import rules
from innokop.calloffs import services as calloff_services
from innokop.calloffs.models import CallOff, CallOffInvitation, CallOffStatus, OfferStatus, RankingOffer
from innokop.calloffs.services import CallOffError
from innokop.calloffs.services import ranking as services
from innokop.calloffs.tasks import advance_ranking_offers
from innokop.core.calendar import at_local, local_date
from innokop.core.models import AuditEvent, Notification

from ..agreements.factories import LotSupplierFactory
from ..factories import OrganisationFactory, member
from .conftest import start

pytestmark = pytest.mark.django_db

MONDAY_NOON = at_local(date(2027, 3, 22), 12)  # five working days from Monday 15 March 2027



@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def supplier_org_c(db):
    return OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Leverantör Tre AB")


@pytest.fixture
def supplier_c(supplier_org_c):
    return member(supplier_org_c, Role.SUPPLIER_REPRESENTATIVE, full_name="Cecilia Tre", email="cecilia@three.se")


@pytest.fixture
def ranking_lot(lot, published, supplier_org_b, supplier_org_c):
    """Lot 2 in ranking order: supplier_org ranked 1, supplier_org_b 2, supplier_org_c 3."""
    ranking = published.lots.get(number=2)
    LotSupplierFactory(lot=ranking, supplier=supplier_org_c, rank=3)
    LotSupplierFactory(lot=ranking, supplier=supplier_org_b, rank=2)
    return ranking


@pytest.fixture
def ranking_draft(ranking_lot, agency_procurer, clock):
    calloff = start(agency_procurer, ranking_lot, estimated_value=Decimal(400_000))
    timetable = asdict(rules.suggest_timetable(ranking_lot, local_date(clock.now())))
    calloff_services.calloff_update_step(actor=agency_procurer, calloff=calloff, step="timetable", data=timetable)
    return calloff


@pytest.fixture
def people(supplier, supplier_b, supplier_c):
    return {1: supplier, 2: supplier_b, 3: supplier_c}


@pytest.fixture
def offered(ranking_draft, agency_procurer, people, committed):
    return committed(services.ranking_offer_first, actor=agency_procurer, calloff=ranking_draft,
                     answer_by=MONDAY_NOON)


def _offer(calloff, rank):
    return RankingOffer.objects.get(calloff=calloff, rank=rank)


def _notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def _detail(calloff):
    return reverse("calloffs:calloff_detail", args=[calloff.pk])


# Publishing: the offer to rank 1

def test_a_ranking_call_off_can_be_published(ranking_draft):
    assert ranking_draft.method == "ranking"
    assert calloff_services.publication_problems(ranking_draft) == []


def test_a_ranking_call_off_needs_no_evaluation_model_but_a_contract_period(ranking_draft):
    CallOff.objects.filter(pk=ranking_draft.pk).update(contract_start=None)
    ranking_draft.refresh_from_db()
    assert calloff_services.publication_problems(ranking_draft) == ["Set the contract period in the timetable step."]


def test_a_lot_without_ranked_suppliers_cannot_be_offered(ranking_draft, ranking_lot):
    ranking_lot.lot_suppliers.update(rank=None)
    assert any("No supplier on the lot has a rank" in p for p in calloff_services.publication_problems(ranking_draft))


def test_the_first_ranked_supplier_is_offered_and_invited(offered, supplier_org, supplier, people):
    assert offered.status == CallOffStatus.OFFERED and offered.published_at is not None
    offer = _offer(offered, 1)
    assert (offer.supplier, offer.status, offer.answer_by) == (supplier_org, OfferStatus.OFFERED, MONDAY_NOON)
    assert list(CallOffInvitation.objects.filter(calloff=offered).values_list("supplier_id", flat=True)) == [
        supplier_org.pk]
    assert _notified("calloff.offer_made") == {supplier.pk}
    with translation.override("en"):
        assert "by Monday 22 March 2027 at 12:00;" in Notification.objects.get(kind="calloff.offer_made").body


def test_publishing_and_the_offer_are_audited(offered, supplier_org):
    assert AuditEvent.objects.get(verb="calloff.published").payload["method"] == "ranking"
    made = AuditEvent.objects.get(verb="calloff.offer_made")
    assert made.payload == {"offer": _offer(offered, 1).pk, "supplier": supplier_org.pk, "rank": 1,
                            "answer_by": MONDAY_NOON.isoformat()}


def test_the_default_answer_deadline_is_five_working_days_at_noon():
    assert services.default_answer_by(datetime(2027, 3, 15, 9, tzinfo=timezone.utc)) == MONDAY_NOON
    # Good Friday and Easter Monday are not working days.
    assert services.default_answer_by(datetime(2027, 3, 22, 9, tzinfo=timezone.utc)) == at_local(date(2027, 3, 31), 12)


def test_publishing_guards(ranking_draft, agency_procurer, agency_colleague, clock):
    with pytest.raises(CallOffError, match="Only the call-off's team"):
        services.ranking_offer_first(actor=agency_colleague, calloff=ranking_draft, answer_by=MONDAY_NOON)
    with pytest.raises(ValidationError, match="answer deadline has passed"):
        services.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=clock.now())
    services.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=MONDAY_NOON)
    with pytest.raises(CallOffError, match="already published"):
        services.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=MONDAY_NOON)
    ranking_draft.refresh_from_db()
    with pytest.raises(CallOffError, match="can no longer be changed"):
        services.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=MONDAY_NOON)
    assert RankingOffer.objects.count() == 1


def test_a_renewed_competition_is_not_offered(ready, agency_procurer):
    with pytest.raises(CallOffError, match="Only call-offs in ranking order"):
        services.ranking_offer_first(actor=agency_procurer, calloff=ready, answer_by=MONDAY_NOON)


def test_a_ranking_call_off_is_not_opened_for_tenders(ranking_draft, agency_procurer):
    with pytest.raises(CallOffError, match="ranking order is not opened for tenders"):
        calloff_services.calloff_publish(actor=agency_procurer, calloff=ranking_draft)
    assert not ranking_draft.invitations.exists()


def test_suppliers_not_yet_offered_do_not_see_the_call_off(login, offered, supplier_b, supplier):
    assert login(supplier_b).get(_detail(offered)).status_code == 404
    assert login(supplier).get(_detail(offered)).status_code == 200


# Decline → rank 2, missed deadline → rank 3, accept

def test_a_decline_needs_a_reason(offered, supplier):
    with pytest.raises(ValidationError):
        services.ranking_offer_decline(actor=supplier, offer=_offer(offered, 1), reason="  ")
    assert _offer(offered, 1).status == OfferStatus.OFFERED


def test_a_decline_passes_the_offer_to_rank_two(offered, supplier, supplier_b, supplier_org_b, agency_procurer,
                                                committed):
    declined = committed(services.ranking_offer_decline, actor=supplier, offer=_offer(offered, 1),
                         reason="Vi har inte kapacitet i vår.")
    assert (declined.status, declined.reason, declined.answered_by) == (
        OfferStatus.DECLINED, "Vi har inte kapacitet i vår.", supplier)
    second = _offer(offered, 2)
    assert second.supplier == supplier_org_b and second.answer_by == MONDAY_NOON
    assert offered.invitations.filter(supplier=supplier_org_b).exists()
    assert _notified("calloff.offer_made") == {supplier.pk, supplier_b.pk}
    assert _notified("calloff.offer_declined") == {agency_procurer.pk}
    assert "Vi har inte kapacitet i vår." in Notification.objects.get(kind="calloff.offer_declined").body
    assert AuditEvent.objects.get(verb="calloff.offer_declined").payload["reason"] == "Vi har inte kapacitet i vår."
    assert AuditEvent.objects.filter(verb="calloff.offer_made").count() == 2


def test_a_missed_deadline_shows_as_expired_when_read(offered, clock):
    offer = _offer(offered, 1)
    clock.set(MONDAY_NOON - timedelta(seconds=1))
    assert services.offer_state(offer, clock.now()) == OfferStatus.OFFERED
    clock.set(MONDAY_NOON)
    assert services.offer_state(offer, clock.now()) == OfferStatus.EXPIRED
    assert offer.status == OfferStatus.OFFERED  # stored state untouched until the pass-on


def test_decline_then_missed_deadline_reaches_rank_three(offered, supplier, supplier_b, supplier_c,
                                                         supplier_org_c, agency_procurer, clock, login,
                                                         django_capture_on_commit_callbacks):
    services.ranking_offer_decline(actor=supplier, offer=_offer(offered, 1), reason="Ingen kapacitet")
    clock.set(MONDAY_NOON + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        page = login(agency_procurer).get(_detail(offered)).content.decode()  # reading passes it on
    assert _offer(offered, 2).status == OfferStatus.EXPIRED
    third = _offer(offered, 3)
    assert third.supplier == supplier_org_c and third.offered_at == clock.now()
    assert third.answer_by == at_local(date(2027, 3, 31), 12)  # five working days over Easter
    assert _notified("calloff.offer_expired") == {supplier_b.pk, agency_procurer.pk}
    assert supplier_c.pk in _notified("calloff.offer_made")
    expired = AuditEvent.objects.get(verb="calloff.offer_expired")
    assert expired.actor is None and expired.payload["rank"] == 2
    assert "Ingen kapacitet" in page and "No answer by the deadline" in page and supplier_org_c.name in page


def test_the_task_passes_the_offer_on_when_nobody_looks(offered, supplier, supplier_b, clock, committed):
    clock.set(MONDAY_NOON)
    assert committed(advance_ranking_offers.call) == 1
    assert _offer(offered, 1).status == OfferStatus.EXPIRED
    assert supplier_b.pk in _notified("calloff.offer_made") and supplier.pk in _notified("calloff.offer_expired")
    assert committed(advance_ranking_offers.call) == 0  # nothing more to do: safe to run again
    assert RankingOffer.objects.filter(calloff=offered).count() == 2


def test_the_task_leaves_open_offers_alone(offered, clock):
    clock.set(MONDAY_NOON - timedelta(minutes=1))
    assert advance_ranking_offers.call(offered.pk) == 0
    assert _offer(offered, 1).status == OfferStatus.OFFERED


def test_a_queue_that_can_wait_runs_the_pass_on_at_the_answer_deadline(ranking_draft, agency_procurer, people,
                                                                       settings, committed):
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    committed(services.ranking_offer_first, actor=agency_procurer, calloff=ranking_draft, answer_by=MONDAY_NOON)
    [queued] = [r for r in task_backends["default"].results if r.task.func == advance_ranking_offers.func]
    assert queued.task.run_after == MONDAY_NOON
    assert queued.args == [ranking_draft.pk]


def test_later_offers_get_the_answer_time_the_agency_chose(ranking_draft, agency_procurer, people, supplier):
    chosen = at_local(date(2027, 3, 18), 15, 30)  # three working days, 15:30
    services.ranking_offer_first(actor=agency_procurer, calloff=ranking_draft, answer_by=chosen)
    services.ranking_offer_decline(actor=supplier, offer=_offer(ranking_draft, 1), reason="Nej")
    assert _offer(ranking_draft, 2).answer_by == chosen


def test_the_offered_supplier_accepts(offered, supplier, agency_procurer, committed):
    accepted = committed(services.ranking_offer_accept, actor=supplier, offer=_offer(offered, 1))
    offered.refresh_from_db()
    assert accepted.status == OfferStatus.ACCEPTED and offered.status == CallOffStatus.ACCEPTED
    assert _notified("calloff.offer_accepted") == {agency_procurer.pk}
    assert AuditEvent.objects.get(verb="calloff.offer_accepted").payload["rank"] == 1
    with pytest.raises(CallOffError, match="no longer open"):
        services.ranking_offer_decline(actor=supplier, offer=accepted, reason="Ångrar")


def test_an_answer_after_the_deadline_is_refused(offered, supplier, clock):
    clock.set(MONDAY_NOON)
    with pytest.raises(CallOffError, match="answer deadline has passed"):
        services.ranking_offer_accept(actor=supplier, offer=_offer(offered, 1))


def test_only_the_offered_supplier_answers(offered, supplier_b, agency_procurer):
    for actor in (supplier_b, agency_procurer):
        with pytest.raises(CallOffError, match="Only a representative of the supplier"):
            services.ranking_offer_accept(actor=actor, offer=_offer(offered, 1))


def test_when_nobody_is_left_the_agency_is_told_and_may_cancel(offered, people, agency_procurer, login,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for rank, person in people.items():
            services.ranking_offer_decline(actor=person, offer=_offer(offered, rank), reason=f"Nej {rank}")
    offered.refresh_from_db()
    assert offered.status == CallOffStatus.OFFERED and RankingOffer.objects.count() == 3
    assert _notified("calloff.ranking_exhausted") == {agency_procurer.pk}
    assert AuditEvent.objects.filter(verb="calloff.ranking_exhausted").count() == 1
    page = login(agency_procurer).get(_detail(offered)).content.decode()
    assert "No supplier is left" in page and reverse("calloffs:calloff_cancel", args=[offered.pk]) in page
    calloff_services.calloff_cancel(actor=agency_procurer, calloff=offered, reason="Ingen leverantör")


def test_a_cancelled_call_off_withdraws_the_open_offer(offered, agency_procurer, clock):
    calloff_services.calloff_cancel(actor=agency_procurer, calloff=offered, reason="Behovet försvann")
    offered.refresh_from_db()
    assert services.offer_state(_offer(offered, 1), clock.now()) == OfferStatus.WITHDRAWN
    services.ranking_offers_advance(calloff=offered)
    assert _offer(offered, 1).status == OfferStatus.WITHDRAWN
    assert AuditEvent.objects.filter(verb="calloff.offer_withdrawn").count() == 1


# Pages

def test_the_evaluation_step_of_a_ranking_call_off_explains_the_ranking(login, ranking_draft, agency_procurer,
                                                                        supplier_org_c):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_evaluation", args=[ranking_draft.pk])
    page = client.get(url).content.decode()
    assert "There is no evaluation" in page and supplier_org_c.name in page and "Step 2 of 4" in page
    assert client.post(url)["Location"] == reverse("calloffs:calloff_timetable", args=[ranking_draft.pk])


def test_the_check_page_publishes_by_offering(login, ranking_draft, agency_procurer, people,
                                              django_capture_on_commit_callbacks):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_check", args=[ranking_draft.pk])
    page = client.get(url).content.decode()
    assert "Step 4 of 4" in page and 'value="2027-03-22T12:00"' in page and "Leverantör Tre AB" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer_by": "2027-03-23T12:00"})
    assert response["Location"] == reverse("calloffs:ranking_offered", args=[ranking_draft.pk])
    assert _offer(ranking_draft, 1).answer_by == at_local(date(2027, 3, 23), 12)
    confirmation = client.get(response["Location"]).content.decode()
    assert ranking_draft.reference in confirmation and "Leverantör Ett AB" in confirmation


def test_a_non_working_answer_deadline_asks_for_confirmation(login, ranking_draft, agency_procurer):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_check", args=[ranking_draft.pk])
    response = client.post(url, {"answer_by": "2027-03-26T12:00"})  # Good Friday
    assert response.status_code == 200 and "weekend or public holiday" in response.content.decode()
    assert 'value="2027-03-26T12:00"' in response.content.decode() and not RankingOffer.objects.exists()
    assert client.post(url, {"answer_by": "2027-03-26T12:00", "accept_non_working": "on"}).status_code == 302
    assert _offer(ranking_draft, 1).answer_by == at_local(date(2027, 3, 26), 12)


def test_a_past_answer_deadline_on_the_check_page_is_an_error(login, ranking_draft, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:calloff_check", args=[ranking_draft.pk]),
                                           {"answer_by": "2027-03-15T08:00"})
    assert response.status_code == 200 and "answer deadline has passed" in response.content.decode()


@pytest.mark.parametrize("persona, status", [("agency_procurer", 200), ("agency_colleague", 200),
                                             ("supplier", 404), ("other_agency_procurer", 404)])
def test_who_sees_the_confirmation(login, offered, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:ranking_offered", args=[offered.pk])).status_code == status


def test_the_supplier_accepts_on_the_page(login, offered, supplier):
    client = login(supplier)
    page = client.get(_detail(offered)).content.decode()
    url = reverse("calloffs:offer_answer", args=[offered.pk])
    assert url in page and "you are ranked 1" in page
    assert 'id="clarifications"' not in page and 'id="dialogue"' not in page  # offered, not clarified
    assert "Do you accept the call-off?" in client.get(url).content.decode()
    assert client.post(url, {"answer": "accept"})["Location"] == _detail(offered)
    offered.refresh_from_db()
    assert offered.status == CallOffStatus.ACCEPTED
    assert "Accepted" in client.get(_detail(offered)).content.decode()


def test_a_decline_without_a_reason_on_the_page_keeps_the_choice(login, offered, supplier):
    response = login(supplier).post(reverse("calloffs:offer_answer", args=[offered.pk]), {"answer": "decline"})
    text = response.content.decode()
    assert response.status_code == 200 and "Give the reason for declining" in text
    assert 'value="decline" checked' in text
    login(supplier).post(reverse("calloffs:offer_answer", args=[offered.pk]),
                         {"answer": "decline", "reason": "Ingen kapacitet"})
    assert _offer(offered, 1).status == OfferStatus.DECLINED


@pytest.mark.parametrize("persona, status", [("supplier", 200), ("agency_procurer", 403), ("supplier_b", 404),
                                             ("other_agency_procurer", 404)])
def test_who_may_answer(login, offered, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:offer_answer", args=[offered.pk])).status_code == status


def test_a_supplier_whose_offer_passed_on_is_sent_back(login, offered, supplier):
    services.ranking_offer_decline(actor=supplier, offer=_offer(offered, 1), reason="Nej")
    response = login(supplier).get(reverse("calloffs:offer_answer", args=[offered.pk]), follow=True)
    assert "There is no offer waiting for your company" in response.content.decode()
    assert "Declined" in response.content.decode()


def test_the_wrong_method_is_refused(login, offered, supplier, agency_procurer):
    assert login(supplier).put(reverse("calloffs:offer_answer", args=[offered.pk])).status_code == 405
    assert login(agency_procurer).post(reverse("calloffs:ranking_offered", args=[offered.pk])).status_code == 405


def test_the_agency_page_query_count_does_not_grow_with_offers(login, offered, supplier, supplier_b,
                                                               agency_procurer, django_assert_max_num_queries):
    client = login(agency_procurer)
    client.get(_detail(offered))
    with CaptureQueriesContext(connection) as few:
        client.get(_detail(offered))
    services.ranking_offer_decline(actor=supplier, offer=_offer(offered, 1), reason="Nej")
    services.ranking_offer_decline(actor=supplier_b, offer=_offer(offered, 2), reason="Nej")
    with django_assert_max_num_queries(len(few)):
        client.get(_detail(offered))


# API

def test_the_api_shows_every_step_to_the_agency_and_own_offers_to_a_supplier(login, offered, supplier, supplier_b,
                                                                              agency_procurer, supplier_org):
    services.ranking_offer_decline(actor=supplier, offer=_offer(offered, 1), reason="Nej")
    rows = login(agency_procurer).get(f"/api/calloffs/{offered.pk}/offers").json()
    assert [(row["rank"], row["status"], row["reason"]) for row in rows] == [(1, "declined", "Nej"),
                                                                            (2, "offered", "")]
    own = login(supplier).get(f"/api/calloffs/{offered.pk}/offers").json()
    assert [(row["rank"], row["supplier"]) for row in own] == [(1, supplier_org.name)]


def test_the_api_passes_an_expired_offer_on_when_read(login, offered, agency_procurer, clock):
    clock.set(MONDAY_NOON)
    rows = login(agency_procurer).get(f"/api/calloffs/{offered.pk}/offers").json()
    assert [(row["rank"], row["status"]) for row in rows] == [(1, "expired"), (2, "offered")]


def test_the_api_accepts_and_declines(login, offered, supplier, supplier_b, agency_procurer):
    url = f"/api/calloffs/{offered.pk}/offer"
    assert login(agency_procurer).post(f"{url}/accept").status_code == 403
    empty = login(supplier).post(f"{url}/decline", {"reason": ""}, content_type="application/json")
    assert empty.status_code == 400 and "reason" in empty.json()["detail"]
    declined = login(supplier).post(f"{url}/decline", {"reason": "Nej tack"}, content_type="application/json")
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    assert login(supplier).post(f"{url}/accept").status_code == 400  # its offer has passed on
    accepted = login(supplier_b).post(f"{url}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted" and accepted.json()["rank"] == 2


# The start flow in ranking order: no evaluation, no tender period

def test_the_timetable_step_asks_only_for_the_contract_period(login, ranking_lot, agency_procurer, clock):
    calloff = start(agency_procurer, ranking_lot, estimated_value=Decimal(400_000))
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_timetable", args=[calloff.pk])
    page = client.get(url).content.decode()
    assert 'name="contract_start"' in page and 'name="tender_deadline"' not in page
    response = client.post(url, {"contract_start": "2027-04-01", "contract_end": "2028-03-31"})
    assert response.status_code == 302
    calloff.refresh_from_db()
    assert (calloff.contract_start, calloff.contract_end) == (date(2027, 4, 1), date(2028, 3, 31))
    assert calloff.tender_deadline is None
    assert calloff.steps_done() == {"need": True, "evaluation": True, "timetable": True}


def test_a_contract_period_outside_the_agreement_or_in_the_past_is_refused(ranking_lot, agency_procurer, clock):
    calloff = start(agency_procurer, ranking_lot, estimated_value=Decimal(400_000))
    for start_day, end_day, field in ((date(2027, 3, 1), date(2027, 12, 31), "contract_start"),
                                      (date(2027, 4, 1), date(2027, 3, 31), "contract_end"),
                                      (date(2027, 4, 1), date(2099, 1, 1), "long_contract_reason")):
        with pytest.raises(ValidationError) as refused:
            calloff_services.calloff_update_step(actor=agency_procurer, calloff=calloff, step="contract_period",
                                                 data={"contract_start": start_day, "contract_end": end_day})
        assert field in refused.value.message_dict
    calloff.refresh_from_db()
    assert calloff.contract_start is None


def test_the_offered_supplier_reads_an_offer_not_an_invitation_to_tender(login, offered, supplier):
    page = login(supplier).get(_detail(offered)).content.decode()
    assert "Call-off in ranking order" in page
    assert "Invitation to tender" not in page and "Tender deadline" not in page
    assert "invites every supplier admitted to the lot to tender" not in page


def test_reading_the_call_off_through_the_api_passes_a_missed_offer_on(login, offered, agency_procurer, clock):
    clock.set(MONDAY_NOON + timedelta(seconds=1))
    response = login(agency_procurer).get(reverse("api:calloff_detail", args=[offered.pk]))
    assert response.status_code == 200
    assert _offer(offered, 1).status == OfferStatus.EXPIRED
    assert _offer(offered, 2).status == OfferStatus.OFFERED
