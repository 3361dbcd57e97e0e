"""The demo's requests for public documents: the RFI answer with a secrecy request was asked for; one request is
handled (the prices withheld under OSL 31:16, the redacted copy stored as a versioned document), one is pending."""

import pytest
from django.core.management import call_command

from innokop.prestudy.models import DocumentRequest, DocumentRequestStatus

from .test_public_documents import pdf_text


@pytest.mark.django_db
def test_the_demo_has_a_handled_and_a_pending_request(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)
    handled = DocumentRequest.objects.get(status=DocumentRequestStatus.PARTLY_RELEASED)
    assert handled.rfi_response.secrecy_requested
    withheld = handled.parts.get(released=False)
    assert withheld.provision == "31:16" and withheld.text
    text = pdf_text(handled.copy.versions.get().file.open("rb").read())
    assert withheld.text[:30] not in text and "31:16" in text
    assert DocumentRequest.objects.filter(status=DocumentRequestStatus.REGISTERED, dialogue=handled.dialogue).count() == 1
    call_command("demo", quiet_logins=True)
    assert DocumentRequest.objects.count() == 2
