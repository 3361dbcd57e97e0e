"""Edits to a published solution are reviewed before they show; the published text stays meanwhile."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innokop.catalogue import services
from innokop.catalogue.models import ReviewDecision, SolutionAttachment
from innokop.core.models import Document, Notification

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%test\n"


def test_an_edit_to_a_published_solution_waits_and_the_public_page_shows_the_old_text(published, supplier, client):
    services.solution_update(actor=supplier, solution=published, title="Nytt namn", summary="Ny sammanfattning")
    published.refresh_from_db()
    assert published.title == "Smart avfallshantering"
    assert published.pending_changes == {"title": "Nytt namn", "summary": "Ny sammanfattning"}
    page = client.get(reverse("catalogue:solution_detail", args=[published.pk])).content.decode()
    assert "Smart avfallshantering" in page and "Nytt namn" not in page


def test_an_unchanged_value_is_no_change(published, supplier):
    services.solution_update(actor=supplier, solution=published, title="Smart avfallshantering", trl=8)
    published.refresh_from_db()
    assert published.pending_changes is None and not published.has_pending_changes


def test_approved_changes_show(published, supplier, cpb_manager, client, django_capture_on_commit_callbacks):
    services.solution_update(actor=supplier, solution=published, title="Nytt namn", cpv_codes=["90500000"])
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_changes_approve(actor=cpb_manager, solution=published)
    published.refresh_from_db()
    assert published.title == "Nytt namn"
    assert [code.pk for code in published.cpv_codes.all()] == ["90500000"]
    assert published.pending_changes is None
    assert published.reviews.first().decision == ReviewDecision.CHANGES_APPROVED
    assert Notification.objects.filter(recipient=supplier, kind="catalogue.changes_approved").exists()
    assert "Nytt namn" in client.get(reverse("catalogue:solution_detail", args=[published.pk])).content.decode()


def test_rejected_changes_are_dropped_with_a_reason(published, supplier, cpb_manager,
                                                    django_capture_on_commit_callbacks):
    services.solution_update(actor=supplier, solution=published, title="Bäst i världen")
    with pytest.raises(services.CatalogueError):
        services.solution_changes_reject(actor=cpb_manager, solution=published, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_changes_reject(actor=cpb_manager, solution=published, reason="Påståendet saknar belägg.")
    published.refresh_from_db()
    assert published.title == "Smart avfallshantering" and published.pending_changes is None
    assert published.reviews.first().reason == "Påståendet saknar belägg."
    assert "Påståendet saknar belägg." in Notification.objects.get(kind="catalogue.changes_rejected").body


def test_only_framework_managers_decide_on_changes(published, supplier):
    services.solution_update(actor=supplier, solution=published, title="Nytt")
    with pytest.raises(services.CatalogueError):
        services.solution_changes_approve(actor=supplier, solution=published)


def test_a_reference_case_added_after_publication_waits_for_approval(published, supplier, cpb_manager, client):
    case = services.reference_case_add(actor=supplier, solution=published, customer="Sjöstads kommun",
                                       title="Tömning efter behov", story="Det fungerade.", year=2026)
    assert case.pending
    url = reverse("catalogue:solution_detail", args=[published.pk])
    assert "Tömning efter behov" not in client.get(url).content.decode()
    services.solution_changes_approve(actor=cpb_manager, solution=published)
    assert "Tömning efter behov" in client.get(url).content.decode()


def test_an_image_must_be_png_or_jpeg(draft, supplier):
    with pytest.raises(ValidationError):
        services.attachment_add(actor=supplier, solution=draft, kind="image", title="Bild", alt_text="En bild",
                                uploaded=SimpleUploadedFile("bild.pdf", PDF))
    with pytest.raises(ValidationError):
        services.attachment_add(actor=supplier, solution=draft, kind="image", title="Bild", alt_text="",
                                uploaded=SimpleUploadedFile("bild.png", PNG))
    attachment = services.attachment_add(actor=supplier, solution=draft, kind="image", title="Bild",
                                         alt_text="Sensor på ett sopkärl", uploaded=SimpleUploadedFile("bild.png", PNG))
    assert attachment.document.attached_to == f"catalogue.solution:{draft.pk}"
    assert not attachment.document.is_public


def test_images_become_public_when_the_solution_is_published(draft, supplier, cpb_manager, client):
    attachment = services.attachment_add(actor=supplier, solution=draft, kind="image", title="Bild",
                                         alt_text="Sensor", uploaded=SimpleUploadedFile("bild.png", PNG))
    url = reverse("catalogue:solution_file", args=[draft.pk, attachment.document_id])
    assert client.get(url).status_code == 404
    services.solution_submit(actor=supplier, solution=draft)
    services.solution_publish(actor=cpb_manager, solution=draft)
    assert Document.objects.get(pk=attachment.document_id).is_public
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    services.solution_archive(actor=supplier, solution=draft)
    assert not Document.objects.get(pk=attachment.document_id).is_public


def test_an_image_added_after_publication_waits(published, supplier, cpb_manager):
    attachment = services.attachment_add(actor=supplier, solution=published, kind="image", title="Ny bild",
                                         alt_text="Ny", uploaded=SimpleUploadedFile("ny.png", PNG))
    assert attachment.pending and not Document.objects.get(pk=attachment.document_id).is_public
    published.refresh_from_db()
    assert published.has_pending_changes
    services.solution_changes_approve(actor=cpb_manager, solution=published)
    assert not SolutionAttachment.objects.get(pk=attachment.pk).pending
    assert Document.objects.get(pk=attachment.document_id).is_public


def test_an_evidence_document_is_public_only_once_accepted(published, supplier, cpb_manager, client, clock):
    evidence = services.evidence_add(actor=supplier, solution=published, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot",
                                     uploaded=SimpleUploadedFile("rapport.pdf", PDF))
    url = reverse("catalogue:solution_file", args=[published.pk, evidence.document_id])
    assert client.get(url).status_code == 404
    services.evidence_review(actor=cpb_manager, evidence=evidence, status="accepted")
    assert client.get(url).status_code == 200
