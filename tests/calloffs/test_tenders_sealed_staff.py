"""Sealed for platform staff too (rule 6): before opening, nobody but the supplier learns who tendered or how
many did; not from the audit trail, the e-mail outbox or the Django admin."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from innokop.accounts.models import Role
from innokop.calloffs.services import opening
from innokop.core.audit import audit_verify
from innokop.core.models import AuditEvent, Notification, OutboxMessage

from ..factories import member
from .test_tenders_fixtures import calloff, priced_lot, submit  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
STAFF_PAGES = [reverse("core:audit_trail"), reverse("core:outbox"), "/admin/"]


@pytest.fixture
def outbox_mail(settings):
    settings.EMAIL_BACKEND = "innokop.core.mail.OutboxEmailBackend"


def _staff_sees(client) -> list[str]:
    pages = []
    for url in STAFF_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(CSRF.sub("", response.content.decode()))
    return pages


@pytest.fixture
def two_tenders(calloff, supplier, supplier_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit(supplier, calloff), submit(supplier_b, calloff)


def test_staff_see_exactly_the_same_before_opening_with_no_tenders_as_with_two(
        outbox_mail, calloff, staff_user, login, supplier_org, supplier_org_b, supplier, supplier_b, request):
    client = login(staff_user)
    before = _staff_sees(client)
    request.getfixturevalue("two_tenders")
    # The receipts were sent and the events written; they are just not for staff to read.
    assert OutboxMessage.objects.filter(confidential=True).count() == 2
    assert Notification.objects.filter(kind="tender.submitted", confidential=True).count() == 2
    assert AuditEvent.objects.filter(verb="tender.submitted").count() == 2
    after = _staff_sees(client)
    assert after == before
    for page in after:
        assert supplier_org.name not in page and supplier_org_b.name not in page
        assert "tender.submitted" not in page and supplier.email not in page
    assert audit_verify().ok


def test_staff_cannot_open_a_receipt_in_the_outbox_by_its_number(outbox_mail, two_tenders, staff_user, login):
    receipt = OutboxMessage.objects.filter(confidential=True).first()
    response = login(staff_user).get(reverse("core:outbox_message", args=[receipt.pk]))
    assert response.status_code == 404


def test_the_django_admin_has_no_audit_notification_or_outbox_lists(staff_user, login, client):
    staff_user.is_superuser = True
    staff_user.save(update_fields=["is_superuser"])
    client = login(staff_user)
    for model in ("auditevent", "notification", "outboxmessage"):
        assert client.get(f"/admin/core/{model}/").status_code == 404


def test_the_supplier_reads_its_own_tender_events_before_opening(two_tenders, login, supplier_org):
    admin = member(supplier_org, Role.ORGANISATION_ADMIN, email="admin@leverantor.se")
    page = login(admin).get(reverse("core:audit_trail")).content.decode()
    assert "tender.submitted" in page
    assert page.count("tender.submitted") == 1  # its own, not the other supplier's


def test_after_opening_staff_read_the_tender_events(calloff, two_tenders, staff_user, login, agency_procurer,
                                                    agency_colleague, clock):
    calloff.team.add(agency_colleague)
    clock.set(calloff.tender_deadline + timedelta(minutes=1))
    opening.opening_start(actor=agency_procurer, calloff=calloff)
    opening.opening_confirm(actor=agency_colleague, calloff=calloff)
    page = login(staff_user).get(reverse("core:audit_trail")).content.decode()
    assert page.count("tender.submitted") == 2
    assert audit_verify().ok
