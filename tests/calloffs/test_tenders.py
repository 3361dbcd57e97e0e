"""Tenders in services (rule 6): drafts, completeness, ceiling prices, sealing, receipts, replacing, withdrawing."""

import hashlib
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from innokop.calloffs import sealing, services
from innokop.calloffs.models import Tender, TenderStatus, TenderSubmission
from innokop.calloffs.services import CallOffError, tenders
from innokop.calloffs.tender_content import RequirementAnswer, TenderContent
from innokop.core.models import AuditEvent, Notification

from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    PHRASE,
    calloff,
    complete,
    english,
    priced_lot,
    requirement,
    row,
    submit,
    supplier_clerk,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PDF = b"%PDF-1.4\n% ett litet dokument\n"


def _open(calloff, submission) -> TenderContent:
    """What the opening will read: the call-off's key, after the deadline, with two openers, these exact ids."""
    key = sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline,
                                     now=calloff.tender_deadline + timedelta(seconds=1), openers=[1, 2])
    return TenderContent.from_bytes(sealing.open_sealed(
        key, sealing.SealedBlob(submission.sealed, submission.sha256), calloff_id=calloff.pk,
        tender_id=submission.tender_id))


# Drafts

def test_a_draft_round_trips_and_is_encrypted_at_rest(calloff, supplier):
    content = complete(calloff)
    tender = tenders.tender_save_draft(actor=supplier, calloff=calloff, content=content)
    tender.refresh_from_db()
    assert tenders.read_draft(tender) == content
    assert tender.draft.startswith("v1:") and PHRASE not in tender.draft and "987654" not in tender.draft
    assert tender.draft_key and tender.draft_key != calloff.data_key
    assert tender.status == TenderStatus.DRAFT and tender.draft_saved_at is not None


def test_every_tender_has_its_own_draft_key(calloff, supplier, supplier_b):
    first = tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    second = tenders.tender_save_draft(actor=supplier_b, calloff=calloff, content=complete(calloff))
    assert first.draft_key != second.draft_key
    # One tender's draft does not open with another's key.
    with pytest.raises(sealing.DecryptionError):
        sealing.open_draft(second.draft_key, first.draft, calloff_id=calloff.pk, tender_id=first.pk)


def test_a_draft_may_be_incomplete_and_a_later_save_replaces_the_answers(calloff, supplier):
    k1 = requirement(calloff, "K1")
    tenders.tender_save_draft(actor=supplier, calloff=calloff,
                              content=TenderContent(requirements={k1.pk: RequirementAnswer(meets=True)}))
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=TenderContent(total_price=Decimal(5)))
    saved = tenders.read_draft(Tender.objects.get())
    assert saved.requirements == {} and saved.total_price == Decimal(5)


def test_starting_a_tender_is_audited_for_the_supplier_only(calloff, supplier, supplier_org):
    tender = tenders.tender_save_draft(actor=supplier, calloff=calloff, content=TenderContent())
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=TenderContent())
    event = AuditEvent.objects.get(verb="tender.started")
    assert event.organisation == supplier_org
    assert event.payload == {"calloff": calloff.pk, "tender": tender.pk}


def test_a_draft_save_keeps_the_attachments(calloff, supplier):
    tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("bilaga.pdf", PDF))
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    assert [a.name for a in tenders.read_draft(Tender.objects.get()).attachments] == ["bilaga.pdf"]


def test_a_draft_refuses_answers_to_what_the_call_off_does_not_ask(calloff, supplier):
    with pytest.raises(ValidationError, match="asks for no requirement with the id"):
        tenders.tender_save_draft(actor=supplier, calloff=calloff,
                                  content=TenderContent(requirements={999999: RequirementAnswer(meets=True)}))
    assert not Tender.objects.exists()


# Completeness and the ceiling prices (rule 4)

def test_incompleteness_is_listed_in_words_to_act_on(calloff, supplier):
    k1 = requirement(calloff, "K1")
    tenders.tender_save_draft(actor=supplier, calloff=calloff,
                              content=TenderContent(requirements={k1.pk: RequirementAnswer(meets=True)}))
    with pytest.raises(tenders.TenderIncomplete) as refused:
        tenders.tender_submit(actor=supplier, calloff=calloff)
    messages = [p.message for p in refused.value.problems]
    assert messages == [
        "Answer requirement K2: does your tender meet it, yes or no?",
        "Answer requirement K4: does your tender meet it, yes or no?",
        "Answer the criterion Pris.",
        "Answer the criterion Kvalitet.",
        "Give the total price, in kronor excluding VAT.",
        "Give a price for Konsulttimme (per timme).",
        "Give a price for Licens (per användare och år).",
    ]
    assert refused.value.problems[0].anchor == f"id_meets_{requirement(calloff, 'K2').pk}_0"
    assert not TenderSubmission.objects.exists()


def test_nothing_saved_cannot_be_submitted(calloff, supplier):
    with pytest.raises(tenders.TenderIncomplete, match="Answer requirement K1"):
        tenders.tender_submit(actor=supplier, calloff=calloff)


def test_a_price_above_the_ceiling_is_refused(calloff, supplier):
    hourly = row(calloff, "Konsulttimme")
    content = complete(calloff)
    tenders.tender_save_draft(actor=supplier, calloff=calloff,
                              content=replace(content, prices={**content.prices, hourly.pk: Decimal("1200.01")}))
    with pytest.raises(tenders.TenderIncomplete) as refused:
        tenders.tender_submit(actor=supplier, calloff=calloff)
    assert [p.message for p in refused.value.problems] == [
        "The price for Konsulttimme, 1\u00a0200,01\u00a0kr per timme, is above the framework agreement's ceiling "
        "price of 1\u00a0200\u00a0kr. Give at most 1\u00a0200\u00a0kr."]
    assert not TenderSubmission.objects.exists()
    # The draft keeps what was typed, so the supplier can see and correct it.
    assert tenders.read_draft(Tender.objects.get()).prices[hourly.pk] == Decimal("1200.01")


def test_a_price_at_the_ceiling_is_taken(calloff, supplier):
    hourly = row(calloff, "Konsulttimme")
    content = complete(calloff)
    submission = submit(supplier, calloff, replace(content, prices={**content.prices, hourly.pk: Decimal(1200)}))
    assert submission.number == 1


def test_price_refusals_name_only_the_prices_above_their_ceiling(calloff):
    content = complete(calloff)
    licence = row(calloff, "Licens")
    refusals = tenders.price_refusals(tenders.tender_scope(calloff),
                                      replace(content, prices={**content.prices, licence.pk: Decimal(501)}))
    assert [p.field for p in refusals] == [f"price_{licence.pk}"]


def test_a_mandatory_no_is_warned_but_may_be_submitted(calloff, supplier):
    k2 = requirement(calloff, "K2")
    content = complete(calloff)
    content = replace(content, requirements={**content.requirements, k2.pk: RequirementAnswer(meets=False)})
    warnings = tenders.submission_warnings(tenders.tender_scope(calloff), content)
    assert [w.message for w in warnings] == [
        "You answer no to the mandatory requirement K2. You can submit, but a tender that does not meet a mandatory "
        "requirement is rejected when the tenders are qualified."]
    assert submit(supplier, calloff, content).number == 1


def test_an_evaluated_no_gives_no_warning(calloff):
    k4 = requirement(calloff, "K4")
    content = complete(calloff)
    content = replace(content, requirements={**content.requirements, k4.pk: RequirementAnswer(meets=False)})
    assert tenders.submission_warnings(tenders.tender_scope(calloff), content) == []


def test_the_fixed_price_must_be_given_exactly(calloff, supplier):
    calloff.evaluation_model, calloff.fixed_price = "fixed_price", Decimal(500_000)
    calloff.save(update_fields=["evaluation_model", "fixed_price"])
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff, price=Decimal(499_000)))
    with pytest.raises(tenders.TenderIncomplete, match="fixed price of 500\u00a0000\u00a0kr"):
        tenders.tender_submit(actor=supplier, calloff=calloff)
    assert submit(supplier, calloff, complete(calloff, price=Decimal(500_000))).number == 1


def test_criteria_without_weight_are_not_asked(calloff):
    calloff.evaluation_model = "lowest_price"
    calloff.save(update_fields=["evaluation_model"])
    calloff.criteria.update(weight=None)
    assert tenders.tender_scope(calloff).criteria == []


# Submitting: the seal and the receipt

def test_the_receipt_sha256_is_that_of_the_sealed_content(calloff, supplier):
    content = complete(calloff)
    submission = submit(supplier, calloff, content)
    assert submission.sha256 == hashlib.sha256(content.to_bytes()).hexdigest() == content.sha256()
    assert submission.size == len(content.to_bytes())
    assert submission.number == 1 and submission.is_current and submission.submitted_by == supplier
    assert _open(calloff, submission) == content
    assert Tender.objects.get().status == TenderStatus.SUBMITTED


def test_the_sealed_content_is_not_plaintext(calloff, supplier):
    submission = submit(supplier, calloff)
    assert PHRASE not in submission.sealed and "987654" not in submission.sealed


def test_the_sealed_content_opens_only_with_its_own_ids(calloff, supplier):
    submission = submit(supplier, calloff)
    key = sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline,
                                     now=calloff.tender_deadline + timedelta(seconds=1), openers=[1, 2])
    with pytest.raises(sealing.DecryptionError):
        sealing.open_sealed(key, submission.sealed, calloff_id=calloff.pk, tender_id=submission.tender_id + 1)


def test_submitting_is_audited_without_content_or_price(calloff, supplier, supplier_org):
    submission = submit(supplier, calloff)
    event = AuditEvent.objects.get(verb="tender.submitted")
    assert event.organisation == supplier_org
    assert event.payload == {"tender": submission.tender_id, "number": 1, "sha256": submission.sha256,
                             "replaces": None}


def test_only_the_supplier_is_told_of_its_submission(calloff, supplier, supplier_b, agency_procurer,
                                                     django_capture_on_commit_callbacks):
    supplier.language = "en"  # notifications are written in the recipient's language
    supplier.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(supplier, calloff)
    notes = Notification.objects.filter(kind="tender.submitted")
    assert [n.recipient for n in notes] == [supplier]
    assert submission.sha256 in notes[0].body and "no. 1" in notes[0].body
    assert notes[0].url == f"/call-offs/{calloff.pk}/tender/receipts/1/"
    assert PHRASE not in notes[0].body


def test_a_changed_draft_is_not_sealed_unseen(calloff, supplier):
    content = complete(calloff)
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=content)
    checked = content.sha256()
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff, price=Decimal(1)))
    with pytest.raises(CallOffError, match="changed since you checked it"):
        tenders.tender_submit(actor=supplier, calloff=calloff, expected_sha256=checked)
    assert not TenderSubmission.objects.exists()


# The deadline: the server clock decides

def test_a_tender_at_exactly_the_deadline_is_taken(calloff, supplier, clock):
    clock.set(calloff.tender_deadline)
    assert submit(supplier, calloff).submitted_at == calloff.tender_deadline


@pytest.mark.parametrize("late", [timedelta(seconds=1), timedelta(microseconds=1)], ids=["1s", "1µs"])
def test_a_tender_after_the_deadline_is_refused(calloff, supplier, clock, late):
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline + late)
    with pytest.raises(CallOffError, match="tender deadline .* has passed"):
        tenders.tender_submit(actor=supplier, calloff=calloff)
    assert not TenderSubmission.objects.exists()
    assert Tender.objects.get().status == TenderStatus.DRAFT
    assert not AuditEvent.objects.filter(verb="tender.submitted").exists()


def test_a_late_refusal_shows_the_seconds(calloff, supplier, clock):
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    with pytest.raises(CallOffError, match=r"12:00:00 has passed \(the server's time is .*12:00:01\)"):
        tenders.tender_submit(actor=supplier, calloff=calloff)


def test_the_draft_cannot_be_changed_after_the_deadline(calloff, supplier, clock):
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    with pytest.raises(CallOffError, match="has passed"):
        tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    with pytest.raises(CallOffError, match="has passed"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("a.pdf", PDF))


# Replacing and withdrawing

def test_a_second_submission_replaces_the_first(calloff, supplier, clock):
    first = submit(supplier, calloff)
    clock.set(clock.now() + timedelta(hours=1))
    second = submit(supplier, calloff, complete(calloff, price=Decimal(900_000)))
    first.refresh_from_db()
    assert (first.number, second.number) == (1, 2)
    assert first.superseded_at == second.submitted_at and not first.is_current and second.is_current
    assert tenders.current_submission(Tender.objects.get()) == second
    assert _open(calloff, second).total_price == Decimal(900_000)
    event = AuditEvent.objects.get(verb="tender.replaced")
    assert event.payload == {"tender": second.tender_id, "number": 2, "sha256": second.sha256, "replaces": 1}


def test_withdrawing_marks_the_current_submission(calloff, supplier, supplier_org):
    submission = submit(supplier, calloff)
    withdrawn = tenders.tender_withdraw(actor=supplier, calloff=calloff)
    assert withdrawn == submission
    submission.refresh_from_db()
    assert submission.withdrawn_at is not None and submission.withdrawn_by == supplier
    assert submission.superseded_at is None and not submission.is_current
    assert Tender.objects.get().status == TenderStatus.WITHDRAWN
    assert tenders.current_submission(Tender.objects.get()) is None
    event = AuditEvent.objects.get(verb="tender.withdrawn")
    assert event.organisation == supplier_org
    assert event.payload == {"tender": submission.tender_id, "number": 1, "sha256": submission.sha256}


def test_withdrawing_is_told_to_the_supplier_only(calloff, supplier, agency_procurer,
                                                  django_capture_on_commit_callbacks):
    submit(supplier, calloff)
    with django_capture_on_commit_callbacks(execute=True):
        tenders.tender_withdraw(actor=supplier, calloff=calloff)
    assert [n.recipient for n in Notification.objects.filter(kind="tender.withdrawn")] == [supplier]


def test_after_withdrawing_a_new_tender_may_be_submitted(calloff, supplier):
    submit(supplier, calloff)
    tenders.tender_withdraw(actor=supplier, calloff=calloff)
    again = tenders.tender_submit(actor=supplier, calloff=calloff)
    first = TenderSubmission.objects.get(number=1)
    assert again.number == 2 and again.is_current
    assert first.withdrawn_at is not None and first.superseded_at is None
    assert Tender.objects.get().status == TenderStatus.SUBMITTED
    assert AuditEvent.objects.get(verb="tender.submitted", payload__number=2).payload["replaces"] is None


def test_nothing_to_withdraw_is_refused(calloff, supplier):
    with pytest.raises(CallOffError, match="no submitted tender"):
        tenders.tender_withdraw(actor=supplier, calloff=calloff)
    submit(supplier, calloff)
    tenders.tender_withdraw(actor=supplier, calloff=calloff)
    with pytest.raises(CallOffError, match="no submitted tender"):
        tenders.tender_withdraw(actor=supplier, calloff=calloff)


def test_withdrawing_at_the_deadline_is_taken_and_after_it_refused(calloff, supplier, clock):
    submit(supplier, calloff)
    clock.set(calloff.tender_deadline + timedelta(microseconds=1))
    with pytest.raises(CallOffError, match="has passed"):
        tenders.tender_withdraw(actor=supplier, calloff=calloff)
    clock.set(calloff.tender_deadline)
    assert tenders.tender_withdraw(actor=supplier, calloff=calloff).withdrawn_at == calloff.tender_deadline


def test_replacing_after_the_deadline_is_refused_and_the_first_stays(calloff, supplier, clock):
    first = submit(supplier, calloff)
    clock.set(calloff.tender_deadline + timedelta(seconds=1))
    with pytest.raises(CallOffError, match="has passed"):
        tenders.tender_submit(actor=supplier, calloff=calloff)
    first.refresh_from_db()
    assert first.is_current and TenderSubmission.objects.count() == 1


# Who may tender, and when

@pytest.mark.parametrize("persona", ["supplier_off_lot", "agency_procurer", "agency_colleague", "supplier_clerk",
                                     "cpb_manager"])
def test_only_representatives_of_invited_suppliers_tender(calloff, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(CallOffError, match="Only representatives of the suppliers invited"):
        tenders.tender_save_draft(actor=actor, calloff=calloff, content=complete(calloff))
    with pytest.raises(CallOffError, match="Only representatives of the suppliers invited"):
        tenders.tender_submit(actor=actor, calloff=calloff)
    with pytest.raises(CallOffError, match="Only representatives of the suppliers invited"):
        tenders.tender_withdraw(actor=actor, calloff=calloff)
    assert not Tender.objects.exists()


def test_no_tenders_in_a_cancelled_call_off(calloff, supplier, agency_procurer):
    tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff))
    services.calloff_cancel(actor=agency_procurer, calloff=calloff, reason="Behovet har upphört.")
    for attempt in (lambda: tenders.tender_submit(actor=supplier, calloff=calloff),
                    lambda: tenders.tender_save_draft(actor=supplier, calloff=calloff, content=complete(calloff)),
                    lambda: tenders.tender_withdraw(actor=supplier, calloff=calloff)):
        with pytest.raises(CallOffError, match="cancelled"):
            attempt()
    assert not TenderSubmission.objects.exists()


def test_a_withdrawal_is_refused_once_the_call_off_is_cancelled(calloff, supplier, agency_procurer):
    submission = submit(supplier, calloff)
    services.calloff_cancel(actor=agency_procurer, calloff=calloff, reason="Behovet har upphört.")
    with pytest.raises(CallOffError, match="cancelled"):
        tenders.tender_withdraw(actor=supplier, calloff=calloff)
    submission.refresh_from_db()
    assert submission.withdrawn_at is None


def test_a_draft_call_off_takes_no_tenders(draft, supplier):
    assert not draft.may_tender(draft.created_at)


# Attachments

def test_an_attachment_is_checked_by_content_and_named_safely(calloff, supplier):
    added = tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                          uploaded=SimpleUploadedFile("../../Referens å.pdf", PDF))
    assert (added.name, added.content_type, added.data) == ("Referens-a.pdf", "application/pdf", PDF)
    with pytest.raises(ValidationError, match="not of a kind we accept"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                      uploaded=SimpleUploadedFile("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00"))
    with pytest.raises(ValidationError, match="content is PDF"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("bild.png", PDF))


def test_attachment_caps_per_file_in_total_and_in_number(calloff, supplier, monkeypatch):
    big = SimpleUploadedFile("stor.txt", b"a" * (tenders.ATTACHMENT_MAX_BYTES + 1))
    with pytest.raises(ValidationError, match="at most 3 MB"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=big)
    monkeypatch.setattr(tenders, "ATTACHMENTS_MAX_TOTAL_BYTES", 25)
    tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("a.txt", b"x" * 20))
    with pytest.raises(ValidationError, match="together"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("b.txt", b"y" * 6))
    monkeypatch.setattr(tenders, "ATTACHMENTS_MAX_TOTAL_BYTES", 10_000)
    monkeypatch.setattr(tenders, "ATTACHMENTS_MAX_COUNT", 2)
    tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("c.txt", b"z"))
    with pytest.raises(ValidationError, match="at most 2 attachments"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("d.txt", b"w"))
    assert [a.name for a in tenders.read_draft(Tender.objects.get()).attachments] == ["a.txt", "c.txt"]


def test_the_same_file_is_attached_once_and_names_do_not_clash(calloff, supplier):
    tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("cv.txt", b"Anna"))
    with pytest.raises(ValidationError, match="already attached as cv.txt"):
        tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("x.txt", b"Anna"))
    other = tenders.tender_attachment_add(actor=supplier, calloff=calloff, uploaded=SimpleUploadedFile("cv.txt", b"Bo"))
    assert other.name == "cv-2.txt"


def test_attachments_are_sealed_with_the_tender_and_can_be_removed(calloff, supplier):
    added = tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                          uploaded=SimpleUploadedFile("bilaga.pdf", PDF))
    submission = submit(supplier, calloff, replace(complete(calloff), attachments=(added,)))
    assert [a.data for a in _open(calloff, submission).attachments] == [PDF]
    tenders.tender_attachment_remove(actor=supplier, calloff=calloff, sha256=added.sha256)
    assert tenders.read_draft(Tender.objects.get()).attachments == ()
    with pytest.raises(CallOffError, match="no longer in your draft"):
        tenders.tender_attachment_remove(actor=supplier, calloff=calloff, sha256=added.sha256)
