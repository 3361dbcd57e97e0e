"""The outbox keeps no live secret: reset, invitation and registration links are cut and hidden from staff."""

import re

import pytest
from django.urls import reverse

from innokop.accounts.models import Role
from innokop.accounts.services import invitation_create
from innokop.core.models import OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "innokop.core.mail.OutboxEmailBackend"
    settings.INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE = False


@pytest.fixture
def invitation_token(outbox, agency, agency_procurer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, raw = invitation_create(actor=agency_procurer, organisation=agency, email="ny@agency.se",
                                             role=Role.CONTRACT_MANAGER)
    return raw


def test_an_invitation_is_kept_without_its_link_and_out_of_the_staff_outbox(
        invitation_token, staff_user, login):
    message = OutboxMessage.objects.get(to="ny@agency.se")
    assert message.confidential
    assert invitation_token not in message.body and "/invitations/[removed]" in message.body
    page = login(staff_user).get(reverse("core:outbox")).content.decode()
    assert message.subject not in page
    assert login(staff_user).get(reverse("core:outbox_message", args=[message.pk])).status_code == 404


def test_a_password_reset_is_kept_without_its_link(outbox, client, supplier):
    client.post(reverse("accounts:password_reset"), {"email": supplier.email})
    message = OutboxMessage.objects.get(to=supplier.email)
    assert message.confidential
    assert "/password-reset/[removed]" in message.body
    assert not re.search(r"/password-reset/[^/\s]+/[^/\s]+/", message.body)


def test_a_registration_link_is_kept_without_its_link(outbox, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:register_supplier"), {"email": "ny@example.se"})
    message = OutboxMessage.objects.get(to="ny@example.se")
    assert message.confidential and "/register/[removed]" in message.body


def test_ordinary_mail_is_kept_whole(outbox):
    from django.core.mail import send_mail

    send_mail("Hej", "Läs mer: http://127.0.0.1:8000/call-offs/12/", None, ["a@example.se"])
    assert OutboxMessage.objects.get().body == "Läs mer: http://127.0.0.1:8000/call-offs/12/"


def test_the_embedded_demo_prints_confidential_mail_whole_on_the_console(
        settings, outbox, agency, agency_procurer, capsys, django_capture_on_commit_callbacks):
    settings.INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE = True
    with django_capture_on_commit_callbacks(execute=True):
        _invitation, raw = invitation_create(actor=agency_procurer, organisation=agency, email="ny@agency.se",
                                             role=Role.CONTRACT_MANAGER)
    assert f"/invitations/{raw}/" in capsys.readouterr().err
    assert raw not in OutboxMessage.objects.get().body


def test_nothing_is_printed_outside_the_demo(invitation_token, capsys):
    assert invitation_token not in capsys.readouterr().err


def test_links_kept_before_are_cut_by_the_migration(db):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("innokop.accounts.migrations.0003_outbox_links_removed")
    old = OutboxMessage.objects.create(from_email="a", to="b", subject="Inbjudan",
                                       body="Här: http://127.0.0.1:8000/invitations/hemlig-token/")
    kept = OutboxMessage.objects.create(from_email="a", to="b", subject="Svar", body="http://x/call-offs/1/")
    migration.cut_links(apps, None)
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.confidential and old.body == "Här: http://127.0.0.1:8000/invitations/[removed]"
    assert not kept.confidential and kept.body == "http://x/call-offs/1/"
