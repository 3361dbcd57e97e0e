"""Requests for public documents: an RFI answer asked for by anyone (anonymous allowed), registered with a deadline,
reviewed part by part by the purchasing body, decided with reasons, and handed out as a redacted copy generated from
the stored text; the requester told how to appeal."""

import re
import zlib
from datetime import date, datetime, timezone

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind, Role
from innokop.core.models import AuditEvent, Notification
from innokop.core.states import InvalidTransition
from innokop.prestudy import redaction
from innokop.prestudy.models import DocumentRequest, DocumentRequestStatus, SecrecyProvision
from innokop.prestudy.services import documents
from innokop.prestudy.services.documents import DocumentRequestError

from ..factories import OrganisationFactory, member
from .test_market import answer, draft_rfi, rfi  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

PRICE = "Abonnemang, 30 kr per kärl och månad."


@pytest.fixture
def registered(rfi, clock, django_capture_on_commit_callbacks, answer):
    from django.contrib.auth.models import AnonymousUser

    with django_capture_on_commit_callbacks(execute=True):
        return documents.document_request_register(actor=AnonymousUser(), dialogue=rfi,
                                                   description="Svaret från Leverantör Ett AB",
                                                   name="Journalist Jansson", email="jansson@tidning.se")


@pytest.fixture
def under_review(registered, cpb_manager, answer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return documents.document_request_review(actor=cpb_manager, request=registered, document_pk=answer.pk)


def _decide_parts(request, actor, *, withhold_price=True):
    first, second = request.parts.all()
    documents.document_request_part_decide(actor=actor, request=request, part=first, released=True)
    if withhold_price:
        documents.document_request_part_decide(actor=actor, request=request, part=second, released=False,
                                               provision=SecrecyProvision.BUSINESS_SECRET,
                                               reasons="Priserna skulle skada leverantören i kommande upphandlingar.")
    else:
        documents.document_request_part_decide(actor=actor, request=request, part=second, released=True)


def pdf_text(data: bytes) -> str:
    """The text drawn in a PDF: every content stream inflated (fpdf compresses them), its string operands."""
    texts = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            content = stream
        texts.extend(re.findall(rb"\((.*?)(?<!\\)\)\s*Tj", content, re.S))
    return b" ".join(texts).decode("latin-1").replace("\\(", "(").replace("\\)", ")")


def test_registering_sets_the_deadline_in_working_days_and_tells_the_reviewers(registered, cpb_manager):
    # Registered Monday 15 March 2027; three working days later.
    assert registered.status == DocumentRequestStatus.REGISTERED
    assert registered.due_on == date(2027, 3, 18)
    assert Notification.objects.filter(kind="prestudy.document_request", recipient=cpb_manager).exists()
    event = AuditEvent.objects.get(verb="document_request.registered")
    assert "jansson" not in str(event.payload).lower()  # personal data stays out of the audit trail


@override_settings(INNOKOP_DOCUMENT_REQUEST_DAYS=10)
def test_the_deadline_is_a_setting(rfi, clock):
    from django.contrib.auth.models import AnonymousUser

    request = documents.document_request_register(actor=AnonymousUser(), dialogue=rfi, description="Alla svar")
    assert request.due_on == date(2027, 3, 31)  # ten working days: Good Friday and Easter Monday do not count
    assert request.requester_name == "" and request.requester_email == ""


def test_overdue_is_read_from_the_clock(registered):
    assert not registered.is_overdue(date(2027, 3, 18))
    assert registered.is_overdue(date(2027, 3, 19))


def test_a_request_needs_a_description_and_a_published_rfi(draft_rfi, clock):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_register(actor=AnonymousUser(), dialogue=draft_rfi, description=" ")
    assert {p.field for p in refused.value.problems} == {"description", "dialogue"}
    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_register(actor=AnonymousUser(), calloff_reference="AV-9999", description="Anbud")
    assert refused.value.problems[0].field == "calloff_reference"


def test_the_review_stores_the_parts_and_tells_the_supplier(under_review, supplier):
    assert under_review.status == DocumentRequestStatus.UNDER_REVIEW
    assert [p.text for p in under_review.parts.all()] == ["Sensorer i kärlen.", PRICE]
    assert Notification.objects.filter(kind="prestudy.document_requested", recipient=supplier).exists()
    assert documents.secrecy_request_of(under_review) == ("Svar 2, priserna", "Priserna är affärshemligheter.")


def test_a_withheld_part_needs_a_provision_and_reasons(under_review, cpb_manager):
    part = under_review.parts.last()
    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_part_decide(actor=cpb_manager, request=under_review, part=part, released=False)
    assert {p.field for p in refused.value.problems} == {"provision", "reasons"}


def test_the_request_is_decided_only_when_every_part_is(under_review, cpb_manager):
    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_decide(actor=cpb_manager, request=under_review, reasons="Delvis.")
    assert refused.value.code == "parts_open"


def test_partly_released_the_copy_has_no_withheld_text(under_review, cpb_manager, supplier, mailoutbox,
                                                       django_capture_on_commit_callbacks):
    _decide_parts(under_review, cpb_manager)
    with django_capture_on_commit_callbacks(execute=True):
        decided = documents.document_request_decide(actor=cpb_manager, request=under_review,
                                                    reasons="Priserna är affärshemligheter enligt OSL 31:16.")
    assert decided.status == DocumentRequestStatus.PARTLY_RELEASED and decided.decided_by == cpb_manager
    version = decided.copy.versions.get()
    assert version.content_type == "application/pdf" and decided.copy.owner == decided.dialogue.prestudy.owner
    text = pdf_text(version.file.open("rb").read())
    assert "Sensorer i kärlen." in text
    assert "30 kr" not in text and "Abonnemang" not in text
    assert "31:16" in text and "kammarr" in text  # the redaction names the provision; the appeal information
    layout = " ".join(b.text for b in redaction.copy_layout(decided))
    assert PRICE not in layout and "Sensorer i kärlen." in layout
    assert Notification.objects.filter(kind="prestudy.document_request_decided", recipient=supplier).exists()
    [sent] = [m for m in mailoutbox if "jansson@tidning.se" in m.to]
    assert "kammarrätten" in sent.body and "administrative court of appeal" in sent.body
    event = AuditEvent.objects.get(verb="document_request.decided")
    assert event.payload["withheld"] == [2] and event.payload["provisions"] == ["31:16"]


def test_released_in_full_and_refused_in_full(under_review, cpb_manager, registered):
    _decide_parts(under_review, cpb_manager, withhold_price=False)
    assert documents.document_request_decide(actor=cpb_manager, request=under_review,
                                             reasons="Inget sekretessbelagt.").status == DocumentRequestStatus.RELEASED
    with pytest.raises(InvalidTransition):
        under_review.move_to(DocumentRequestStatus.UNDER_REVIEW)


def test_everything_withheld_is_refused_without_a_copy(under_review, cpb_manager):
    for part in under_review.parts.all():
        documents.document_request_part_decide(actor=cpb_manager, request=under_review, part=part, released=False,
                                               provision=SecrecyProvision.BUSINESS_SECRET, reasons="Affärshemlighet.")
    decided = documents.document_request_decide(actor=cpb_manager, request=under_review, reasons="Allt hemligt.")
    assert decided.status == DocumentRequestStatus.REFUSED and decided.copy is None


def test_a_request_for_an_rfi_answer_is_not_refused_as_a_sealed_tender(registered, cpb_manager):
    with pytest.raises(DocumentRequestError) as refused:
        documents.document_request_refuse_sealed(actor=cpb_manager, request=registered)
    assert refused.value.code == "not_sealed"


def test_only_the_purchasing_body_reviews(registered, login, supplier, agency_procurer, cpb):
    other_manager_of_another_cpb = member(OrganisationFactory(kind=OrganisationKind.CPB, name="Annan"),
                                          Role.FRAMEWORK_MANAGER)
    url = reverse("prestudy:document_request_detail", args=[registered.pk])
    for outsider in (supplier, agency_procurer, other_manager_of_another_cpb):
        assert login(outsider).get(url).status_code == 404


# --- pages ------------------------------------------------------------------------------------------------------


def test_an_anonymous_person_asks_and_follows_the_request(client, rfi, clock):
    url = reverse("prestudy:document_request_new")
    assert client.get(url + f"?dialogue={rfi.pk}").status_code == 200
    response = client.post(url, {"dialogue": rfi.pk, "description": "Svaret från Leverantör Ett AB"})
    request = DocumentRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("prestudy:document_request_status",
                                           args=[documents.request_token(request)])
    page = client.get(response["Location"])
    assert page.status_code == 200 and request.reference in page.content.decode()
    assert client.get(reverse("prestudy:document_request_status", args=["forged"])).status_code == 404
    assert client.get(reverse("prestudy:document_request_copy", args=[documents.request_token(request)])
                      ).status_code == 404  # no copy before the decision


def test_the_form_refuses_without_csrf(rfi, clock):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("prestudy:document_request_new"), {"dialogue": rfi.pk, "description": "x"})
    assert response.status_code == 403 and not DocumentRequest.objects.exists()


def test_the_form_is_rate_limited(client, rfi, clock):
    url = reverse("prestudy:document_request_new")
    for _ in range(5):
        assert client.post(url, {"dialogue": rfi.pk, "description": "Svaret"}).status_code == 302
    response = client.post(url, {"dialogue": rfi.pk, "description": "Svaret"})
    assert response.status_code == 429 and DocumentRequest.objects.count() == 5
    clock.set(datetime(2027, 3, 15, 10, 1, tzinfo=timezone.utc))  # the next hour's window
    assert client.post(url, {"dialogue": rfi.pk, "description": "Svaret"}).status_code == 302


def test_the_reviewer_pages_part_by_part(login, registered, answer, cpb_manager, client):
    manager = login(cpb_manager)
    detail = reverse("prestudy:document_request_detail", args=[registered.pk])
    page = manager.get(detail).content.decode()
    assert "jansson@tidning.se" in page  # the reviewers see the requester's contact details
    manager.post(reverse("prestudy:document_request_review", args=[registered.pk]), {"document": answer.pk})
    registered.refresh_from_db()
    first, second = registered.parts.all()
    ok = manager.post(reverse("prestudy:document_request_part", args=[registered.pk, first.pk]),
                      {f"part{first.pk}-released": "yes"})
    assert ok.status_code == 302
    missing = manager.post(reverse("prestudy:document_request_part", args=[registered.pk, second.pk]),
                           {f"part{second.pk}-released": "no"})
    assert missing.status_code == 422
    manager.post(reverse("prestudy:document_request_part", args=[registered.pk, second.pk]),
                 {f"part{second.pk}-released": "no", f"part{second.pk}-provision": "31:16",
                  f"part{second.pk}-reasons": "Priser."})
    manager.post(reverse("prestudy:document_request_decide", args=[registered.pk]), {"reasons": "Delvis."})
    registered.refresh_from_db()
    assert registered.status == DocumentRequestStatus.PARTLY_RELEASED
    copy = client.get(reverse("prestudy:document_request_copy", args=[documents.request_token(registered)]))
    assert copy.status_code == 200 and copy["Content-Type"] == "application/pdf"
    assert "Abonnemang" not in pdf_text(copy.content)
    status = client.get(reverse("prestudy:document_request_status", args=[documents.request_token(registered)]))
    assert "jansson" not in status.content.decode()  # the public page does not show the requester's details
    with translation.override("en"):
        assert "kammarrätten" in " ".join(redaction.appeal_both_languages())


def test_the_dashboard_lists_the_requests_to_decide_and_marks_the_overdue(registered, login, cpb_manager, supplier,
                                                                          clock):
    url = reverse("core:dashboard")
    page = login(cpb_manager).get(url).content.decode()
    assert registered.reference in page and "govuk-tag--red" not in page.split(registered.reference, 1)[1][:300]
    clock.set(datetime(2027, 3, 19, 9, 0, tzinfo=timezone.utc))  # the deadline, 18 March, has passed
    page = login(cpb_manager).get(url).content.decode()
    assert "govuk-tag--red" in page.split(registered.reference, 1)[1][:300]
    assert registered.reference not in login(supplier).get(url).content.decode()
