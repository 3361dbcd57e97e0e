from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from innokop.core import messages
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
    mails = {m.to[0]: m for m in mail.outbox}
    assert set(mails) == {supplier.email, supplier_b.email}
    assert mails[supplier.email].subject == "Välkommen till Innoköp"
    assert mails[supplier_b.email].subject == "Welcome to Innoköp"
    assert "Testbolaget" in mails[supplier_b.email].body and "/dashboard/" in mails[supplier.email].body
    assert all(n.emailed_at is not None for n in Notification.objects.all())


def test_it_stores_what_happened_and_not_the_finished_sentence(supplier, django_capture_on_commit_callbacks):
    with translation.override("sv"), django_capture_on_commit_callbacks(execute=True):
        _notify([supplier])
    stored = Notification.objects.get(recipient=supplier)
    assert stored.subject_source == "Welcome to Innoköp"
    assert stored.body_source.startswith("Your company %(company)s is registered")
    assert stored.params == {"company": "Testbolaget"}


@pytest.mark.parametrize(("written_in", "read_in", "expected"), [
    ("sv", "en", "Welcome to Innoköp"), ("en", "sv", "Välkommen till Innoköp")])
def test_a_notification_reads_in_the_language_of_the_page_it_is_read_on(
    written_in, read_in, expected, login, supplier, django_capture_on_commit_callbacks
):
    supplier.language = written_in
    supplier.save()
    with translation.override(written_in), django_capture_on_commit_callbacks(execute=True):
        _notify([supplier])
    client = login(supplier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = read_in
    for page in (reverse("core:inbox"), reverse("core:dashboard")):
        assert expected in client.get(page).content.decode()
    listing = client.get("/api/notifications").json()
    assert listing["items"][0]["subject"] == expected


def test_dates_and_money_are_formatted_when_read(supplier, django_capture_on_commit_callbacks):
    moment = datetime(2027, 4, 1, 10, 0, tzinfo=timezone.utc)
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[supplier], kind="test.values", subject=_("Welcome to Innoköp"),
               body=_("%(day)s, %(moment)s, %(amount)s"),
               params={"day": date(2027, 5, 3), "moment": moment, "amount": messages.money(Decimal("1250000"))})
    stored = Notification.objects.get(kind="test.values")
    assert stored.params == {"day": {"day": "2027-05-03"}, "moment": {"moment": moment.isoformat()},
                             "amount": {"sek": "1250000"}}
    with translation.override("en"):
        assert stored.body == "Monday 3 May 2027, Thursday 1 April 2027 at 12:00, 1\u00a0250\u00a0000\u00a0kr"
    with translation.override("sv"):
        assert stored.body.startswith("måndag 3 maj 2027, torsdag 1 april 2027 kl. 12:00")


def test_a_value_missing_from_the_params_fails_in_the_service(supplier):
    with pytest.raises(KeyError):
        notify(recipients=[supplier], kind="test.broken", subject=_("Welcome to Innoköp"),
               body=_("%(name)s accepted your invitation"), params={})


def test_a_notification_stored_as_finished_text_reads_as_stored(supplier):
    """Notifications from before they were stored untranslated (migration core 0006) have no params."""
    old = Notification.objects.create(recipient=supplier, kind="calloff.invited", subject_source="Inbjudan: 85 % klart",
                                      body_source="Hela texten.", params=None)
    with translation.override("en"):
        assert (old.subject, old.body) == ("Inbjudan: 85 % klart", "Hela texten.")


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
