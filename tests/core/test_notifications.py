from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
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
    assert listing[0]["subject"] == expected


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
    assert [item["kind"] for item in listing] == ["test.hello"]
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


def _walk(client, url: str) -> list[dict]:
    """Every item of a paged list, following its `Link: rel="next"` headers."""
    seen = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        seen += response.json()
        link = response.headers.get("Link")
        url = link[1:link.index(">")] if link else None
    return seen


def test_the_api_pages_notifications_with_a_cursor_newest_first(login, supplier, supplier_b):
    base = datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc)
    mine = [Notification.objects.create(recipient=supplier, kind=f"test.{n}", subject_source="Welcome to Innoköp",
                                        body_source="", params={}) for n in range(7)]
    Notification.objects.create(recipient=supplier_b, kind="test.theirs", subject_source="Welcome to Innoköp",
                                body_source="", params={})
    # Created out of order, and two at the same moment: the order is by time, then by id.
    for notification, minutes in zip(mine, [5, 1, 6, 3, 3, 0, 4], strict=True):
        Notification.objects.filter(pk=notification.pk).update(created_at=base + timedelta(minutes=minutes))
    Notification.objects.filter(pk__in=[mine[0].pk, mine[3].pk]).update(read_at=base)
    newest_first = [n.pk for n in Notification.objects.filter(recipient=supplier).order_by("-created_at", "-pk")]
    assert newest_first == [mine[2].pk, mine[0].pk, mine[6].pk, mine[4].pk, mine[3].pk, mine[1].pk, mine[5].pk]
    client = login(supplier)

    first = client.get("/api/notifications?limit=2")
    assert [item["id"] for item in first.json()] == newest_first[:2]
    assert first.headers["X-Next-Cursor"] in first.headers["Link"]
    assert [item["id"] for item in _walk(client, "/api/notifications?limit=2")] == newest_first
    unread = [pk for pk in newest_first if pk not in (mine[0].pk, mine[3].pk)]
    assert [item["id"] for item in _walk(client, "/api/notifications?unread=true&limit=2")] == unread
    last = client.get("/api/notifications?limit=7")
    assert len(last.json()) == 7 and "Link" not in last.headers and "X-Next-Cursor" not in last.headers
    counts = []
    for limit in (1, 6):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"/api/notifications?limit={limit}").json()) == limit
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=eyJhIjoxfQ", "query.cursor"), ("cursor=not-a-cursor", "query.cursor"), ("limit=0", "query.limit"),
    ("limit=501", "query.limit"), ("offset=2", "query.offset")])
def test_the_notifications_api_refuses_a_cursor_it_did_not_give_a_bad_limit_and_an_offset(
    login, supplier, query, field
):
    Notification.objects.create(recipient=supplier, kind="test.hello", subject_source="Welcome to Innoköp",
                                body_source="", params={})
    response = login(supplier).get(f"/api/notifications?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert [problem["field"] for problem in response.json()["problems"]] == [field]
