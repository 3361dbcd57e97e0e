import pytest
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innokop.core.models import Notification
from innokop.core.notifications import notify

pytestmark = pytest.mark.django_db


def _notify(users):
    notify(recipients=users, kind="test.hello", subject=_("Welcome to Innoköp"),
           body=_("Your company %(company)s is registered in Innoköp. Next: describe your solutions so that "
                  "agencies can find them."),
           params={"company": "Testbolaget"}, url="/dashboard/")


def test_it_creates_inbox_entries_and_mail_after_commit_in_each_recipients_language(
    supplier, supplier_b, django_capture_on_commit_callbacks
):
    supplier_b.language = "en"
    supplier_b.save()
    with django_capture_on_commit_callbacks(execute=True):
        _notify([supplier, supplier_b])
    swedish = Notification.objects.get(recipient=supplier)
    english = Notification.objects.get(recipient=supplier_b)
    assert swedish.subject == "Välkommen till Innoköp"
    assert english.subject == "Welcome to Innoköp"
    assert "Testbolaget" in english.body
    assert {m.to[0] for m in mail.outbox} == {supplier.email, supplier_b.email}
    assert all(n.emailed_at is not None for n in Notification.objects.all())
    assert "/dashboard/" in mail.outbox[0].body


def test_nothing_is_sent_when_the_transaction_rolls_back(supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _notify([supplier])
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_the_inbox_lists_opens_and_marks_read(login, supplier, supplier_b, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([supplier, supplier_b])
    client = login(supplier)
    page = client.get(reverse("core:inbox")).content.decode()
    assert "Välkommen till Innoköp" in page
    mine = Notification.objects.get(recipient=supplier)
    theirs = Notification.objects.get(recipient=supplier_b)
    assert client.get(reverse("core:notification_open", args=[theirs.pk])).status_code == 404
    response = client.get(reverse("core:notification_open", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_and_marks_notifications(login, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _notify([supplier])
    client = login(supplier)
    listing = client.get("/api/notifications?unread=true").json()
    assert listing["count"] == 1 and listing["items"][0]["kind"] == "test.hello"
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(supplier)
    refused = strict.post("/api/notifications/read", {}, content_type="application/json")
    assert refused.status_code == 403  # a session needs its CSRF token, like any form
    strict.get(reverse("core:inbox"))  # sets the CSRF cookie
    marked = strict.post("/api/notifications/read", {}, content_type="application/json",
                         HTTP_X_CSRFTOKEN=strict.cookies["csrftoken"].value)
    assert marked.json() == {"marked": 1}


def test_staff_can_read_the_outbox_and_others_cannot_see_it(login, staff_user, supplier, settings):
    settings.EMAIL_BACKEND = "innokop.core.mail.OutboxEmailBackend"
    from django.core.mail import send_mail

    send_mail("Testmeddelande", "Hej", None, ["a@example.se"])
    assert login(supplier).get(reverse("core:outbox")).status_code == 404
    page = login(staff_user).get(reverse("core:outbox")).content.decode()
    assert "Testmeddelande" in page
