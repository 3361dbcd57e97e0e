"""Opening the tenders (rule 7): after the deadline, by two named people, each tender verified against its receipt."""

import base64
import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.calloffs import sealing, services
from innokop.calloffs.models import CallOffStatus, OpeningRecord, TenderStatus, TenderSubmission
from innokop.calloffs.services import evaluating, opening
from innokop.core.models import AuditEvent, Notification

from ..agreements.factories import LotSupplierFactory
from ..factories import OrganisationFactory, member
from .award_helpers import (  # noqa: F401  (fixtures)
    AFTER_DEADLINE,
    DEADLINE,
    PDF_BYTES,
    award_lot,
    content_for,
    open_tenders,
    opened,
    published_calloff,
    submit,
    two_tenders,
)

pytestmark = pytest.mark.django_db



# --- the guard: after the deadline, two people ------------------------------------------------------


@pytest.mark.parametrize("moment", [DEADLINE - timedelta(hours=1), DEADLINE], ids=["before", "at"])
def test_opening_before_or_at_the_deadline_is_refused(published_calloff, two_tenders, agency_procurer, clock,
                                                      moment):
    clock.set(moment)
    with pytest.raises(services.CallOffError, match="sealed until the tender deadline"):
        opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    assert not OpeningRecord.objects.exists()


def test_the_key_is_refused_at_exactly_the_deadline(published_calloff, agency_procurer, agency_colleague):
    with pytest.raises(sealing.SealedError):
        sealing.unwrap_for_opening(published_calloff.data_key, deadline=DEADLINE, now=DEADLINE,
                                   openers=[agency_procurer.pk, agency_colleague.pk])


def test_a_team_member_starts_the_opening_and_the_others_are_asked_to_confirm(
        published_calloff, agency_procurer, agency_colleague, clock, django_capture_on_commit_callbacks):
    clock.set(AFTER_DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        record = opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    assert record.started_by == agency_procurer and record.started_at == AFTER_DEADLINE
    assert record.opened_at is None and record.openers == [agency_procurer.pk]
    assert AuditEvent.objects.get(verb="calloff.opening_started").payload == {"record": record.pk}
    notified = set(Notification.objects.filter(kind="calloff.opening_started").values_list("recipient", flat=True))
    assert notified == {agency_colleague.pk}
    published_calloff.refresh_from_db()
    assert published_calloff.status == CallOffStatus.OPEN


def test_the_same_person_cannot_confirm_their_own_opening(published_calloff, agency_procurer, clock):
    clock.set(AFTER_DEADLINE)
    opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="two different people"):
        opening.opening_confirm(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="already started the opening"):
        opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    assert OpeningRecord.objects.get().opened_at is None


def test_a_second_start_points_to_confirming(published_calloff, agency_procurer, agency_colleague, clock):
    clock.set(AFTER_DEADLINE)
    opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="Confirm it as the second person"):
        opening.opening_start(actor=agency_colleague, calloff=published_calloff)


def test_confirming_needs_a_started_opening(published_calloff, agency_colleague, clock):
    clock.set(AFTER_DEADLINE)
    with pytest.raises(services.CallOffError, match="Nobody has started the opening"):
        opening.opening_confirm(actor=agency_colleague, calloff=published_calloff)


def test_only_the_team_opens(published_calloff, agency_procurer, supplier, clock):
    outsider = member(published_calloff.agency, "procurer", full_name="Utanför Teamet")
    clock.set(AFTER_DEADLINE)
    for actor in (outsider, supplier):
        with pytest.raises(services.CallOffError, match="Only the call-off's team can open"):
            opening.opening_start(actor=actor, calloff=published_calloff)
    opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="Only the call-off's team can open"):
        opening.opening_confirm(actor=outsider, calloff=published_calloff)


def test_a_cancelled_call_off_is_not_opened(published_calloff, agency_procurer, clock):
    services.calloff_cancel(actor=agency_procurer, calloff=published_calloff, reason="Behovet försvann.")
    clock.set(AFTER_DEADLINE)
    with pytest.raises(services.CallOffError, match="not cancelled"):
        opening.opening_start(actor=agency_procurer, calloff=published_calloff)


# --- what the opening does --------------------------------------------------------------------------


def test_two_people_open_and_the_record_lists_each_tender_with_its_receipt_checksum(
        opened, two_tenders, agency_procurer, agency_colleague, supplier_org, supplier_org_b):
    a, b = two_tenders
    assert opened.status == CallOffStatus.OPENED
    record = opened.opening
    assert record.started_by == agency_procurer and record.confirmed_by == agency_colleague
    assert record.opened_at == AFTER_DEADLINE and record.openers == [agency_procurer.pk, agency_colleague.pk]
    rows = {row["tender"]: row for row in record.tenders}
    for tender, org in ((a, supplier_org), (b, supplier_org_b)):
        submission = tender.submissions.get()
        assert rows[tender.pk] == {"tender": tender.pk, "supplier": org.name, "supplier_id": org.pk, "number": 1,
                                   "submitted_at": submission.submitted_at.isoformat(), "sha256": submission.sha256,
                                   "size": submission.size, "verified": True}


def test_the_checksum_is_the_sha256_of_the_opened_content(opened, two_tenders):
    for item in opening.opened_tenders(opened):
        assert item.verified
        assert hashlib.sha256(item.content.to_bytes()).hexdigest() == item.submission.sha256


def test_opening_is_audited_and_the_team_told(opened, two_tenders, agency_procurer, agency_colleague):
    event = AuditEvent.objects.get(verb="calloff.opened")
    assert event.actor == agency_colleague
    assert event.payload["openers"] == [agency_procurer.pk, agency_colleague.pk]
    assert sorted(event.payload["tenders"]) == sorted(t.pk for t in two_tenders)
    assert event.payload["not_verified"] == [] and event.payload["withdrawn"] == 0
    notified = set(Notification.objects.filter(kind="calloff.opened").values_list("recipient", flat=True))
    assert notified == {agency_procurer.pk, agency_colleague.pk}


def test_the_tenders_are_opened_once(opened, agency_procurer, agency_colleague):
    for service in (opening.opening_start, opening.opening_confirm):
        with pytest.raises(services.CallOffError, match="already opened"):
            service(actor=agency_colleague, calloff=opened)


def test_a_changed_ciphertext_shows_as_not_verified_and_cannot_be_qualified(
        published_calloff, two_tenders, agency_procurer, agency_colleague, clock):
    a, b = two_tenders
    submission = a.submissions.get()
    version, nonce, ciphertext = submission.sealed.split(":")
    flipped = bytearray(base64.b64decode(ciphertext))
    flipped[0] ^= 1
    submission.sealed = ":".join((version, nonce, base64.b64encode(bytes(flipped)).decode()))
    submission.save(update_fields=["sealed"])
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    verified = {row["tender"]: row["verified"] for row in calloff.opening.tenders}
    assert verified == {a.pk: False, b.pk: True}
    assert AuditEvent.objects.get(verb="calloff.opened").payload["not_verified"] == [a.pk]
    broken = opening.opened_tender(calloff, a.pk)
    assert broken.content is None and "changed since it was submitted" in broken.problem
    with pytest.raises(services.CallOffError, match="cannot be qualified"):
        evaluating.tender_qualify(actor=agency_procurer, tender=a)
    assert "could not be read" in evaluating.rejection_suggestion(calloff, broken)


def test_a_receipt_checksum_that_does_not_match_is_not_verified(published_calloff, two_tenders, agency_procurer,
                                                               agency_colleague, clock):
    a, _b = two_tenders
    TenderSubmission.objects.filter(tender=a).update(sha256="0" * 64)
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    assert {row["tender"]: row["verified"] for row in calloff.opening.tenders}[a.pk] is False


def test_withdrawn_tenders_and_drafts_are_not_opened_but_withdrawals_are_counted(
        published_calloff, two_tenders, agency_procurer, agency_colleague, clock, supplier_off_lot):
    a, b = two_tenders
    a.submissions.update(withdrawn_at=DEADLINE - timedelta(minutes=5), withdrawn_by=a.submissions.get().submitted_by)
    a.status = TenderStatus.WITHDRAWN
    a.save(update_fields=["status"])
    draft_org = OrganisationFactory(kind="supplier", name="Utkast AB")
    published_calloff.tenders.create(supplier=draft_org, draft_key="k", draft="v1:draft")
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    assert [row["tender"] for row in opening.opened_entries(calloff.opening)] == [b.pk]
    assert opening.withdrawn_count(calloff.opening) == 1
    assert "Utkast AB" not in str(calloff.opening.tenders)


def test_only_the_current_submission_of_a_replaced_tender_is_opened(published_calloff, supplier_org, supplier,
                                                                    agency_procurer, agency_colleague, clock):
    first = submit(published_calloff, supplier_org, supplier, content_for(published_calloff, price=100))
    first.submissions.update(superseded_at=DEADLINE - timedelta(hours=1))
    submit(published_calloff, supplier_org, supplier, content_for(published_calloff, price=90), number=2, tender=first)
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    [row] = opening.opened_entries(calloff.opening)
    assert row["number"] == 2
    assert opening.opened_tender(calloff, first.pk).content.total_price == 90


def test_no_tenders_is_a_valid_outcome_and_the_call_off_can_then_be_cancelled(published_calloff, agency_procurer,
                                                                             agency_colleague, clock):
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    assert calloff.status == CallOffStatus.OPENED and calloff.opening.tenders == []
    services.calloff_cancel(actor=agency_procurer, calloff=calloff, reason="Inga anbud kom in.")
    calloff.refresh_from_db()
    assert calloff.status == CallOffStatus.CANCELLED


# --- pages ------------------------------------------------------------------------------------------


def _strip_csrf(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_before_the_deadline_the_opening_page_says_sealed_and_nothing_else(
        login, published_calloff, agency_procurer, supplier_org, supplier, supplier_org_b, supplier_b, clock):
    clock.set(DEADLINE - timedelta(hours=3))
    client = login(agency_procurer)
    url = reverse("calloffs:opening", args=[published_calloff.pk])
    empty = client.get(url)
    assert empty.status_code == 200 and "sealed until the tender deadline" in empty.content.decode()
    detail_empty = client.get(reverse("calloffs:calloff_detail", args=[published_calloff.pk])).content.decode()
    submit(published_calloff, supplier_org, supplier, content_for(published_calloff, price=100))
    submit(published_calloff, supplier_org_b, supplier_b, content_for(published_calloff, price=80))
    two = client.get(url).content.decode()
    assert _strip_csrf(two) == _strip_csrf(empty.content.decode())
    assert "Start the opening" not in two and supplier_org.name not in two
    detail_two = client.get(reverse("calloffs:calloff_detail", args=[published_calloff.pk])).content.decode()
    section = re.compile(r'<h2 class="govuk-heading-l" id="award">.*?</ul>', re.S)
    assert section.search(detail_two).group(0) == section.search(detail_empty).group(0)


def test_two_people_open_through_the_pages(login, published_calloff, two_tenders, agency_procurer, agency_colleague,
                                           clock, client):
    clock.set(AFTER_DEADLINE)
    url = reverse("calloffs:opening", args=[published_calloff.pk])
    assert "Start the opening" in login(agency_procurer).get(url).content.decode()
    response = client.post(reverse("calloffs:opening_start", args=[published_calloff.pk]))
    assert response.status_code == 302 and response["Location"] == url
    assert client.post(reverse("calloffs:opening_confirm", args=[published_calloff.pk])).status_code == 302
    assert "different people" in client.get(url).content.decode()
    page = login(agency_colleague).get(url).content.decode()
    assert "Confirm the opening as the second person" in page
    client.post(reverse("calloffs:opening_confirm", args=[published_calloff.pk]))
    page = client.get(url).content.decode()
    assert "Opening record" in page and "Maria Upphandlare" in page and "Johan Kollega" in page
    for tender in two_tenders:
        assert tender.submissions.get().sha256 in page and tender.supplier.name in page


@pytest.mark.parametrize(("persona", "status"), [
    ("agency_procurer", 200), ("outsider", 200), ("other_agency_procurer", 404), ("supplier", 404),
    ("cpb_manager", 404)])
def test_who_sees_the_opening_record(login, opened, persona, status, request):
    user = member(opened.agency, "procurer") if persona == "outsider" else request.getfixturevalue(persona)
    assert login(user).get(reverse("calloffs:opening", args=[opened.pk])).status_code == status


def test_a_member_outside_the_team_may_not_open(login, published_calloff, clock):
    clock.set(AFTER_DEADLINE)
    outsider = member(published_calloff.agency, "procurer")
    assert login(outsider).post(reverse("calloffs:opening_start", args=[published_calloff.pk])).status_code == 403
    assert not OpeningRecord.objects.exists()


def test_opening_by_get_is_refused(login, published_calloff, agency_procurer, clock):
    clock.set(AFTER_DEADLINE)
    client = login(agency_procurer)
    assert client.get(reverse("calloffs:opening_start", args=[published_calloff.pk])).status_code == 405
    assert client.get(reverse("calloffs:opening_confirm", args=[published_calloff.pk])).status_code == 405


def test_the_agency_reads_an_opened_tender_in_full(login, opened, two_tenders, agency_colleague):
    a, _b = two_tenders
    page = login(agency_colleague).get(reverse("calloffs:opened_tender", args=[opened.pk, a.pk])).content.decode()
    assert "Bevis för K1" in page and "Vårt svar om Kvalitet" in page and "100\xa0kr" in page
    assert "Bilaga – referenser.pdf" in page and a.submissions.get().sha256 in page


def test_an_attachment_is_served_as_its_sniffed_type_with_a_safe_name(login, opened, two_tenders, agency_procurer):
    a, b = two_tenders
    client = login(agency_procurer)
    response = client.get(reverse("calloffs:opened_attachment", args=[opened.pk, a.pk, 0]))
    assert response.status_code == 200 and response.content == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Bilaga-referenser.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(reverse("calloffs:opened_attachment", args=[opened.pk, a.pk, 1])).status_code == 404
    assert client.get(reverse("calloffs:opened_attachment", args=[opened.pk, b.pk, 0])).status_code == 404


def test_a_supplier_cannot_read_opened_tenders(login, opened, two_tenders, supplier):
    a, _b = two_tenders
    client = login(supplier)
    assert client.get(reverse("calloffs:opened_tender", args=[opened.pk, a.pk])).status_code == 404
    assert client.get(reverse("calloffs:opened_attachment", args=[opened.pk, a.pk, 0])).status_code == 404


def test_an_opened_tender_of_another_call_off_is_not_found(login, opened, two_tenders, agency_procurer, award_lot,
                                                           clock):
    from .award_helpers import publish

    other = publish(agency_procurer, award_lot, clock)
    a, _b = two_tenders
    assert login(agency_procurer).get(reverse("calloffs:opened_tender", args=[other.pk, a.pk])).status_code == 404


def test_the_opening_and_evaluation_pages_do_not_grow_in_queries_with_the_tenders(
        login, published_calloff, award_lot, agency_procurer, agency_colleague, clock):
    def add_tenders(count):
        for _ in range(count):
            org = OrganisationFactory(kind="supplier")
            LotSupplierFactory(lot=award_lot, supplier=org)
            submit(published_calloff, org, agency_procurer, content_for(published_calloff, price=90))

    add_tenders(2)
    calloff = open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    client = login(agency_procurer)
    urls = [reverse(name, args=[calloff.pk]) for name in ("calloffs:opening", "calloffs:evaluation_overview")]
    counts = {}
    for url in urls:
        client.get(url)
        with CaptureQueriesContext(connection) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few)
    # More tenders in the record: the same queries (the opening record is rewritten to include them).
    add_tenders(6)
    record = calloff.opening
    subs = opening.current_submissions(calloff)
    record.tenders = [opening._record_entry(sub, True) for sub in subs]
    record.save(update_fields=["tenders"])
    for url in urls:
        with CaptureQueriesContext(connection) as many:
            assert client.get(url).status_code == 200
        assert len(many) == counts[url], url


# --- API --------------------------------------------------------------------------------------------


def test_the_api_gives_the_opening_record_to_the_agency_after_opening(login, published_calloff, two_tenders,
                                                                      agency_procurer, agency_colleague, supplier,
                                                                      clock):
    client = login(agency_procurer)
    url = f"/api/calloffs/{published_calloff.pk}/opening"
    clock.set(AFTER_DEADLINE)
    assert client.get(url).status_code == 404
    open_tenders(published_calloff, agency_procurer, agency_colleague, clock)
    body = client.get(url).json()
    assert body["confirmed_by"] == "Johan Kollega" and body["withdrawn"] == 0
    assert {row["sha256"] for row in body["tenders"]} == {t.submissions.get().sha256 for t in two_tenders}
    assert login(supplier).get(url).status_code == 404


def test_the_call_off_page_leads_to_the_opening_and_keeps_the_record_after_a_cancellation(
        login, opened, agency_procurer):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_detail", args=[opened.pk])
    page = client.get(url).content.decode()
    assert 'id="award-task-opening-status">Completed' in page
    assert reverse("calloffs:evaluation_overview", args=[opened.pk]) in page
    services.calloff_cancel(actor=agency_procurer, calloff=opened, reason="Budgeten drogs in.")
    page = client.get(url).content.decode()
    assert reverse("calloffs:opening", args=[opened.pk]) in page
    assert reverse("calloffs:evaluation_overview", args=[opened.pk]) not in page
    record = client.get(reverse("calloffs:opening", args=[opened.pk])).content.decode()
    assert "Opening record" in record
