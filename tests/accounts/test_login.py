import re

import pytest
from django.core import mail
from django.urls import reverse

from innokop.core.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def test_a_user_logs_in_with_email_and_password_and_gets_their_language(client, supplier):
    supplier.language = "en"
    supplier.save()
    response = client.post(LOGIN, {"username": "SARA@supplier.se", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    assert response.cookies["innokop_language"].value == "en"
    assert "My overview" in client.get(reverse("core:dashboard")).content.decode()


def test_a_wrong_password_is_a_clear_error(client, supplier):
    response = client.post(LOGIN, {"username": supplier.email, "password": "fel"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


def test_failed_logins_are_throttled(client, supplier, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": supplier.email, "password": "fel"})
    locked = client.post(LOGIN, {"username": supplier.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "15" in locked.content.decode()


PROXY = "10.0.0.2"  # our reverse proxy: every request reaches the application from here


def _fail_until_locked(client, user, settings, **meta):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": user.email, "password": "fel"}, **meta)


def test_two_people_behind_the_proxy_are_counted_apart(client, supplier, settings):
    settings.INNOKOP_TRUSTED_PROXIES = 1
    stranger = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    _fail_until_locked(client, supplier, settings, **stranger)
    assert client.post(LOGIN, {"username": supplier.email, "password": PASSWORD}, **stranger).status_code == 429
    owner = client.post(LOGIN, {"username": supplier.email, "password": PASSWORD},
                        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert owner.status_code == 302  # the stranger's wrong passwords did not lock the owner out


def test_a_stranger_elsewhere_does_not_lock_the_owner_out(client, supplier, settings):
    _fail_until_locked(client, supplier, settings, REMOTE_ADDR="198.51.100.7")
    owner = client.post(LOGIN, {"username": supplier.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert owner.status_code == 302


def test_forged_forwarded_addresses_do_not_escape_the_lock(client, supplier, settings):
    settings.INNOKOP_TRUSTED_PROXIES = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT + 1):
        # The client writes a new address each time; our proxy appends the real one.
        client.post(LOGIN, {"username": supplier.email, "password": "fel"},
                    REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}, 198.51.100.7")
    locked = client.post(LOGIN, {"username": supplier.email, "password": PASSWORD},
                         REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="192.0.2.99, 198.51.100.7")
    assert locked.status_code == 429


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(client, supplier, settings):
    settings.INNOKOP_TRUSTED_PROXIES = 0
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": supplier.email, "password": "fel"},
                    REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}")
    locked = client.post(LOGIN, {"username": supplier.email, "password": PASSWORD},
                         REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert locked.status_code == 429


def test_passwords_are_hashed_with_argon2_outside_tests():
    from innokop.config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, supplier):
    client.post(reverse("accounts:password_reset"), {"email": supplier.email})
    assert mail.outbox[-1].to == [supplier.email]
    link = re.search(r"https?://[^/\s]+(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": "ett nytt lösenord 77", "new_password2": "ett nytt lösenord 77"})
    assert done.status_code == 302
    supplier.refresh_from_db()
    assert supplier.check_password("ett nytt lösenord 77")
    assert AuditEvent.objects.filter(verb="user.password_reset", object_id=str(supplier.pk)).exists()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ingen@example.se"})
    assert response.status_code == 302 and mail.outbox == []


def test_logout_is_a_post(login, supplier):
    client = login(supplier)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 302
