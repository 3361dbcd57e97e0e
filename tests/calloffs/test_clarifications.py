"""Clarifications (addenda and document versions), the late-change prompt and the deadline's extension."""

from datetime import date, datetime, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from innokop.calloffs.models import CallOffStatus, Clarification
from innokop.calloffs.services import CallOffError, calloff_cancel
from innokop.calloffs.services import dialogue as services
from innokop.core.calendar import at_local
from innokop.core.models import AuditEvent, Document, Notification

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ADDENDUM = "Krav K2 gäller även säkerhetskopior."



@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs a call with its on-commit work (notifications) done, as in a real request."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


@pytest.fixture
def invited(supplier, supplier_b, supplier_off_lot):
    return {supplier.pk, supplier_b.pk}


def _addendum(calloff, actor, **overrides):
    data = {"kind": "addendum", "title": "Tillägg 1", "text": ADDENDUM} | overrides
    return services.clarification_publish(actor=actor, calloff=calloff, **data)


def _pdf(name="krav.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _notified(kind):
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


# Publishing

def test_an_addendum_is_published_to_every_invited_supplier(open_calloff, agency_procurer, invited, committed):
    clarification = committed(_addendum, calloff=open_calloff, actor=agency_procurer)
    assert (clarification.kind, clarification.title, clarification.text) == ("addendum", "Tillägg 1", ADDENDUM)
    assert clarification.published_by == agency_procurer
    assert clarification.published_at == datetime(2027, 3, 15, 9, tzinfo=timezone.utc)
    assert _notified("calloff.clarification_published") == invited
    note = Notification.objects.filter(kind="calloff.clarification_published").first()
    assert "Tillägg 1" in note.body and note.url.endswith("#clarifications")


def test_publishing_is_audited(open_calloff, agency_procurer):
    clarification = _addendum(open_calloff, agency_procurer)
    event = AuditEvent.objects.get(verb="calloff.clarification_published")
    assert event.payload == {"clarification": clarification.pk, "kind": "addendum", "title": "Tillägg 1",
                             "late": False, "document": None, "version": None, "sha256": None}
    assert event.object_id == str(open_calloff.pk)


def test_a_document_is_stored_as_a_call_off_document(open_calloff, agency_procurer, invited, committed):
    clarification = committed(services.clarification_publish, actor=agency_procurer, calloff=open_calloff,
                               kind="document", title="Kravspecifikation", uploaded=_pdf())
    version = clarification.document_version
    assert version.number == 1 and version.content_type == "application/pdf"
    assert version.document.attached_to == f"calloffs.calloff:{open_calloff.pk}"
    assert version.document.owner == open_calloff.agency and not version.document.is_public
    assert _notified("calloff.clarification_published") == invited
    assert AuditEvent.objects.get(verb="calloff.clarification_published").payload["sha256"] == version.sha256


def test_a_new_version_of_an_earlier_document_keeps_the_history(open_calloff, agency_procurer):
    first = services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                           title="Kravspecifikation", uploaded=_pdf())
    document = first.document_version.document
    second = services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                            title="Kravspecifikation, rättad", uploaded=_pdf("krav2.pdf"),
                                            document=document, comment="K2 rättat")
    assert second.document_version.document == document and second.document_version.number == 2
    assert Document.objects.count() == 1
    history = services.with_document_history(list(open_calloff.clarifications.all()))
    assert [c.earlier for c in history] == [[], [first]]


def test_a_document_of_another_call_off_cannot_be_versioned(open_calloff, agency_procurer, agency):
    from innokop.core.documents import document_create

    foreign = document_create(actor=agency_procurer, owner=agency, title="PM", uploaded=_pdf())
    with pytest.raises(ValidationError) as refused:
        services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document", title="PM",
                                       uploaded=_pdf(), document=foreign)
    assert "document" in refused.value.error_dict


def test_a_file_of_a_forbidden_kind_is_refused_and_nothing_is_kept(open_calloff, agency_procurer):
    with pytest.raises(ValidationError) as refused:
        services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                       title="Program", uploaded=SimpleUploadedFile("run.pdf", b"MZ\x00\x01"))
    assert "not of a kind we accept" in " ".join(refused.value.error_dict["file"][0].messages)
    assert not Clarification.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize("overrides, field", [({"text": "  "}, "text"), ({"title": ""}, "title"),
                                              ({"kind": "document", "text": ""}, "file")])
def test_an_incomplete_clarification_is_refused(open_calloff, agency_procurer, overrides, field):
    with pytest.raises(ValidationError) as refused:
        _addendum(open_calloff, agency_procurer, **overrides)
    assert field in refused.value.error_dict
    assert not Clarification.objects.exists()


def test_only_the_team_publishes(open_calloff, agency_colleague, supplier):
    for actor in (agency_colleague, supplier):
        with pytest.raises(CallOffError, match="Only the call-off's team"):
            _addendum(open_calloff, actor)


def test_no_clarification_in_a_draft(ready, agency_procurer):
    with pytest.raises(CallOffError, match="only be published while the call-off is open"):
        _addendum(ready, agency_procurer)


@pytest.mark.parametrize("after", [timedelta(0), timedelta(days=1)], ids=["at", "after"])
def test_no_clarification_at_or_after_the_tender_deadline(open_calloff, agency_procurer, clock, after):
    clock.set(open_calloff.tender_deadline + after)
    with pytest.raises(CallOffError, match="before the tender deadline"):
        _addendum(open_calloff, agency_procurer)


def test_no_clarification_in_a_cancelled_call_off(open_calloff, agency_procurer):
    calloff_cancel(actor=agency_procurer, calloff=open_calloff, reason="Behovet försvann.")
    with pytest.raises(CallOffError):
        _addendum(open_calloff, agency_procurer)


# The late-change rule

@pytest.mark.parametrize("min_days, n", [(10, 5), (9, 5), (15, 8), (2, 1), (1, 1), (0, 1)])
def test_n_is_half_the_minimum_tender_period_rounded_up_and_at_least_one(open_calloff, min_days, n):
    open_calloff.lot.min_tender_days = min_days
    assert services.late_change_days(open_calloff) == n


def test_the_prompt_appears_less_than_n_days_before_the_deadline(open_calloff, agency_procurer, clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=5) + timedelta(seconds=1))
    clarification = _addendum(open_calloff, agency_procurer)
    late = services.late_change(open_calloff, clock.now())
    assert late.clarification == clarification and late.days == 5
    assert AuditEvent.objects.get(verb="calloff.clarification_published").payload["late"] is True


@pytest.mark.parametrize("before", [timedelta(days=5), timedelta(days=5, hours=1), timedelta(days=9)])
def test_no_prompt_at_n_days_or_more_before_the_deadline(open_calloff, agency_procurer, clock, before):
    clock.set(open_calloff.tender_deadline - before)
    _addendum(open_calloff, agency_procurer)
    assert services.late_change(open_calloff, clock.now()) is None
    clock.set(open_calloff.tender_deadline - timedelta(hours=1))  # time passing does not make it late
    assert services.late_change(open_calloff, clock.now()) is None


def test_the_suggested_deadline_is_n_days_on_a_working_day_at_noon(open_calloff, clock):
    clock.set(datetime(2027, 3, 22, 9, tzinfo=timezone.utc))  # Monday; +5 days is Saturday before Easter Monday
    assert services.suggested_deadline(open_calloff, clock.now()) == at_local(date(2027, 3, 30), 12)


def test_the_suggestion_is_always_after_the_current_deadline(open_calloff, clock):
    clock.set(datetime(2027, 3, 16, 9, tzinfo=timezone.utc))  # +5 days is a Sunday, before the deadline
    assert services.suggested_deadline(open_calloff, clock.now()) == at_local(date(2027, 3, 30), 12)


def test_the_prompt_is_on_the_agency_page_until_the_deadline_is_extended(login, open_calloff, agency_procurer,
                                                                        clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=2))
    _addendum(open_calloff, agency_procurer)
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    page = client.get(url).content.decode()
    assert 'id="late-change-title"' in page and "was published less than 5 days before the tender deadline" in page
    assert reverse("calloffs:deadline_extend", args=[open_calloff.pk]) in page
    assert client.get(url).content.decode().count('id="late-change-title"') == 1  # still there on the next visit
    services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                     tender_deadline=clock.now() + timedelta(days=5), reason="Tillägg 1")
    page = client.get(url).content.decode()
    assert 'id="late-change-title"' not in page and "was published less than" not in page


def test_an_extension_shorter_than_n_days_after_the_change_keeps_the_prompt(open_calloff, agency_procurer, clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=2))
    _addendum(open_calloff, agency_procurer)
    services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                     tender_deadline=open_calloff.tender_deadline + timedelta(days=1), reason="Mer tid")
    assert services.late_change(open_calloff, clock.now()) is not None


def test_keeping_the_deadline_ends_the_prompt_and_is_audited(open_calloff, agency_procurer, clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=2))
    clarification = _addendum(open_calloff, agency_procurer)
    with pytest.raises(ValidationError):
        services.calloff_keep_deadline(actor=agency_procurer, calloff=open_calloff, reason=" ")
    services.calloff_keep_deadline(actor=agency_procurer, calloff=open_calloff, reason="Bara ett stavfel.")
    assert services.late_change(open_calloff, clock.now()) is None
    event = AuditEvent.objects.get(verb="calloff.deadline_kept")
    assert event.payload["clarification"] == clarification.pk and event.payload["reason"] == "Bara ett stavfel."
    later = _addendum(open_calloff, agency_procurer, title="Tillägg 2")
    assert services.late_change(open_calloff, clock.now()).clarification == later  # a new late change asks again


def test_keeping_the_deadline_needs_a_late_change_and_the_team(open_calloff, agency_procurer, agency_colleague):
    with pytest.raises(CallOffError, match="no late change"):
        services.calloff_keep_deadline(actor=agency_procurer, calloff=open_calloff, reason="Inget")
    with pytest.raises(CallOffError, match="Only the call-off's team"):
        services.calloff_keep_deadline(actor=agency_colleague, calloff=open_calloff, reason="Inget")


def test_a_late_clarification_on_the_page_leads_to_the_extension(login, open_calloff, agency_procurer, clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=1))
    client = login(agency_procurer)
    response = client.post(reverse("calloffs:clarification_publish", args=[open_calloff.pk]),
                           {"kind": "addendum", "title": "Sent tillägg", "text": ADDENDUM})
    assert response["Location"] == reverse("calloffs:deadline_extend", args=[open_calloff.pk])
    page = client.get(response["Location"]).content.decode()
    assert "less than 5 days before the tender deadline" in page
    assert 'value="2027-03-29T12:00"' not in page and 'value="2027-03-30T12:00"' in page  # Easter Monday skipped


# Extending the deadline

def test_the_extension_moves_the_deadline_and_notifies_every_invited_supplier(open_calloff, agency_procurer,
                                                                             invited, committed):
    old = open_calloff.tender_deadline
    new = at_local(date(2027, 4, 1), 12)
    calloff = committed(services.calloff_extend_deadline, actor=agency_procurer, calloff=open_calloff,
                        tender_deadline=new, reason="Tillägg 1 ändrar kraven.")
    calloff.refresh_from_db()
    assert calloff.tender_deadline == new
    assert _notified("calloff.deadline_extended") == invited
    note = Notification.objects.filter(kind="calloff.deadline_extended").first()
    assert note.params["deadline"] == {"moment": new.isoformat()}  # formatted when read, in the reader's language
    with translation.override("sv"):
        assert "Tillägg 1 ändrar kraven." in note.body and "torsdag 1 april 2027 kl. 12:00" in note.body
    event = AuditEvent.objects.get(verb="calloff.deadline_extended")
    assert event.payload["reason"] == "Tillägg 1 ändrar kraven."
    assert (event.payload["from"], event.payload["to"]) == (old.isoformat(), new.isoformat())


def test_the_opening_moves_with_the_deadline_keeping_its_gap(open_calloff, agency_procurer):
    gap = open_calloff.opening_at - open_calloff.tender_deadline
    questions, answers = open_calloff.questions_close, open_calloff.answers_by
    new = at_local(date(2027, 4, 5), 12)
    calloff = services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff, tender_deadline=new,
                                               reason="Mer tid")
    calloff.refresh_from_db()
    assert calloff.opening_at == new + gap
    assert (calloff.questions_close, calloff.answers_by) == (questions, answers)
    assert calloff.decision_on >= calloff.opening_at.date()
    assert calloff.contract_start >= calloff.decision_on


def test_steps_that_stay_in_order_are_not_moved(open_calloff, agency_procurer):
    opening = open_calloff.opening_at
    calloff = services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                               tender_deadline=open_calloff.tender_deadline + timedelta(hours=2),
                                               reason="Två timmar till")
    calloff.refresh_from_db()
    assert calloff.opening_at == opening
    assert AuditEvent.objects.get(verb="calloff.deadline_extended").payload["moved"] == {}


@pytest.mark.parametrize("shift", [timedelta(0), timedelta(hours=-1)], ids=["same", "earlier"])
def test_a_deadline_is_never_shortened(open_calloff, agency_procurer, shift):
    with pytest.raises(ValidationError) as refused:
        services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                         tender_deadline=open_calloff.tender_deadline + shift, reason="Fel")
    assert "tender_deadline" in refused.value.error_dict


def test_an_extension_past_the_agreement_is_refused(open_calloff, agency_procurer):
    with pytest.raises(ValidationError, match="past the framework agreement's end"):
        services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff,
                                         tender_deadline=at_local(date(2030, 6, 3), 12), reason="Långt")
    open_calloff.refresh_from_db()
    assert open_calloff.tender_deadline == at_local(date(2027, 3, 25), 12)


def test_extension_guards(open_calloff, agency_procurer, agency_colleague, clock):
    new = open_calloff.tender_deadline + timedelta(days=3)
    with pytest.raises(ValidationError):
        services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff, tender_deadline=new, reason="")
    with pytest.raises(CallOffError, match="Only the call-off's team"):
        services.calloff_extend_deadline(actor=agency_colleague, calloff=open_calloff, tender_deadline=new, reason="x")
    clock.set(open_calloff.tender_deadline)
    with pytest.raises(CallOffError, match="before the current deadline"):
        services.calloff_extend_deadline(actor=agency_procurer, calloff=open_calloff, tender_deadline=new, reason="x")
    assert not AuditEvent.objects.filter(verb="calloff.deadline_extended").exists()


def test_the_extension_page_extends_without_a_late_change(login, open_calloff, agency_procurer):
    client = login(agency_procurer)
    url = reverse("calloffs:deadline_extend", args=[open_calloff.pk])
    page = client.get(url).content.decode()
    assert "less than 5 days before" in page and 'value="2027-03-26T12:00"' not in page  # Good Friday skipped
    response = client.post(url, {"tender_deadline": "2027-04-01T12:00", "reason": "Semester"})
    assert response.status_code == 302
    open_calloff.refresh_from_db()
    assert open_calloff.tender_deadline == at_local(date(2027, 4, 1), 12)


def test_a_refused_extension_keeps_what_was_typed(login, open_calloff, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:deadline_extend", args=[open_calloff.pk]),
                                           {"tender_deadline": "2027-03-20T12:00", "reason": "Mitt skäl"})
    text = response.content.decode()
    assert response.status_code == 200 and "never shortened" in text and "Mitt skäl" in text
    assert "govuk-error-summary" in text


def test_a_non_working_deadline_is_allowed_with_a_warning(login, open_calloff, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:deadline_extend", args=[open_calloff.pk]),
                                           {"tender_deadline": "2027-03-27T12:00", "reason": "Helg"}, follow=True)
    assert "weekend or public holiday" in response.content.decode()


def test_the_keep_form_on_the_page(login, open_calloff, agency_procurer, clock):
    clock.set(open_calloff.tender_deadline - timedelta(days=2))
    _addendum(open_calloff, agency_procurer)
    client = login(agency_procurer)
    url = reverse("calloffs:deadline_keep", args=[open_calloff.pk])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert client.post(url, {"reason": "Bara ett stavfel."}).status_code == 302
    assert AuditEvent.objects.filter(verb="calloff.deadline_kept").count() == 1


# Pages and downloads

def test_the_team_publishes_on_the_page(login, open_calloff, agency_procurer, invited,
                                        django_capture_on_commit_callbacks):
    client = login(agency_procurer)
    url = reverse("calloffs:clarification_publish", args=[open_calloff.pk])
    assert "Publish a clarification" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "document", "title": "Bilaga", "text": "Ny bilaga", "file": _pdf()})
    assert response["Location"].endswith("#clarifications")
    assert Clarification.objects.get().document_version.original_name == "krav.pdf"
    assert _notified("calloff.clarification_published") == invited


def test_a_refused_clarification_keeps_what_was_typed(login, open_calloff, agency_procurer):
    response = login(agency_procurer).post(reverse("calloffs:clarification_publish", args=[open_calloff.pk]),
                                           {"kind": "document", "title": "Min titel", "text": "Min text"})
    text = response.content.decode()
    assert response.status_code == 200 and "Choose the file to publish." in text
    assert 'value="Min titel"' in text and "Min text" in text and not Clarification.objects.exists()


@pytest.mark.parametrize("persona, status", [("agency_procurer", 200), ("agency_colleague", 403), ("supplier", 403),
                                             ("other_agency_procurer", 404), ("supplier_off_lot", 404)])
def test_who_may_open_the_clarification_page(login, open_calloff, persona, status, request):
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:clarification_publish", args=[open_calloff.pk])).status_code == status


def test_invited_suppliers_read_and_download_clarifications(login, open_calloff, agency_procurer, supplier_b):
    first = services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                           title="Kravspecifikation", uploaded=_pdf())
    second = services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                            title="Kravspecifikation v2", uploaded=_pdf("krav-2.pdf", PDF + b"%v2"),
                                            document=first.document_version.document)
    _addendum(open_calloff, agency_procurer)
    client = login(supplier_b)
    page = client.get(reverse("calloffs:calloff_detail", args=[open_calloff.pk])).content.decode()
    assert ADDENDUM in page and "version 2" in page and "Earlier versions" in page
    assert agency_procurer.full_name not in page  # who published is for the agency's own page
    response = client.get(reverse("calloffs:clarification_file", args=[open_calloff.pk, second.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF + b"%v2"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="krav-2.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    old = client.get(reverse("calloffs:clarification_file", args=[open_calloff.pk, first.pk]))
    assert b"".join(old.streaming_content) == PDF


@pytest.mark.parametrize("persona, status", [("supplier", 200), ("agency_colleague", 200),
                                             ("other_agency_procurer", 404), ("supplier_off_lot", 404)])
def test_who_may_download(login, open_calloff, agency_procurer, persona, status, request):
    clarification = services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                                   title="Bilaga", uploaded=_pdf())
    client = login(request.getfixturevalue(persona))
    assert client.get(reverse("calloffs:clarification_file", args=[open_calloff.pk, clarification.pk])
                      ).status_code == status


def test_an_addendum_has_no_file_to_download(login, open_calloff, agency_procurer, supplier):
    clarification = _addendum(open_calloff, agency_procurer)
    url = reverse("calloffs:clarification_file", args=[open_calloff.pk, clarification.pk])
    assert login(supplier).get(url).status_code == 404
    assert login(supplier).post(url).status_code == 405


def test_the_supplier_page_query_count_does_not_grow_with_clarifications(login, open_calloff, agency_procurer,
                                                                         supplier, django_assert_max_num_queries):
    client = login(supplier)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    for n in range(2):
        _addendum(open_calloff, agency_procurer, title=f"Tillägg {n}")
        services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                       title=f"Bilaga {n}", uploaded=_pdf())
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 6):
        _addendum(open_calloff, agency_procurer, title=f"Tillägg {n}")
        services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                       title=f"Bilaga {n}", uploaded=_pdf())
    with django_assert_max_num_queries(len(few)):
        client.get(url)


def test_the_agency_page_query_count_does_not_grow_with_clarifications(login, open_calloff, agency_procurer,
                                                                       django_assert_max_num_queries):
    client = login(agency_procurer)
    url = reverse("calloffs:calloff_detail", args=[open_calloff.pk])
    _addendum(open_calloff, agency_procurer)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        services.clarification_publish(actor=agency_procurer, calloff=open_calloff, kind="document",
                                       title=f"Bilaga {n}", uploaded=_pdf())
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200
    assert open_calloff.status == CallOffStatus.OPEN
