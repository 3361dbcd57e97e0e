import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from innokop.accounts.models import Invitation, Membership, Role, User
from innokop.accounts.services import AccountError, invitation_create
from innokop.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _invite(client, organisation, email="ny@agency.se", role=Role.CONTRACT_MANAGER):
    return client.post(reverse("accounts:organisation_detail", args=[organisation.pk]), {"email": email, "role": role})


def _link_from_mail() -> str:
    return re.search(r"https?://[^/\s]+(/invitations/[^\s]+/)", mail.outbox[-1].body).group(1)


def test_an_admin_invites_a_colleague_who_accepts_and_gets_the_role(
    client, login, agency, agency_procurer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(login(agency_procurer), agency)
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["ny@agency.se"]
    link = _link_from_mail()
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "ny@agency.se" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        accepted = client.post(link, {"full_name": "Nina Ny", "password1": "ett bra lösenord 42",
                                      "password2": "ett bra lösenord 42"})
    assert accepted.status_code == 302
    user = User.objects.get(email="ny@agency.se")
    assert Membership.objects.filter(user=user, organisation=agency, role=Role.CONTRACT_MANAGER).exists()
    assert AuditEvent.objects.filter(verb="invitation.accepted").exists()
    assert agency_procurer.notifications.filter(kind="invitation.accepted").exists()
    # The link works once.
    client.logout()
    assert client.get(link).status_code == 404


def test_a_member_who_is_not_admin_may_see_colleagues_but_not_invite(login, agency, agency_colleague):
    client = login(agency_colleague)
    assert client.get(reverse("accounts:organisation_detail", args=[agency.pk])).status_code == 200
    assert _invite(client, agency).status_code == 403
    assert not Invitation.objects.exists()


def test_another_organisation_is_invisible(login, agency, other_agency_procurer):
    client = login(other_agency_procurer)
    assert client.get(reverse("accounts:organisation_detail", args=[agency.pk])).status_code == 404
    assert _invite(client, agency).status_code == 404


def test_a_role_that_does_not_fit_the_organisation_is_refused(agency, agency_procurer):
    with pytest.raises(AccountError):
        invitation_create(actor=agency_procurer, organisation=agency, email="x@y.se", role=Role.SUPPLIER_REPRESENTATIVE)


def test_an_expired_invitation_cannot_be_used(client, clock, agency, agency_procurer):
    _invitation, raw = invitation_create(actor=agency_procurer, organisation=agency, email="sen@agency.se",
                                         role=Role.PROCURER)
    clock.set(clock.now() + timedelta(days=15))
    assert client.get(reverse("accounts:invitation_accept", args=[raw])).status_code == 404


def test_an_existing_user_accepts_while_logged_in_and_no_one_else_can(login, agency, agency_procurer, supplier):
    _invitation, raw = invitation_create(actor=agency_procurer, organisation=agency, email=supplier.email,
                                         role=Role.BUSINESS_DEVELOPER)
    link = reverse("accounts:invitation_accept", args=[raw])
    wrong = login(agency_procurer).post(link)
    assert wrong.status_code == 200
    assert not Membership.objects.filter(user=agency_procurer, role=Role.BUSINESS_DEVELOPER).exists()
    assert login(supplier).post(link).status_code == 302
    assert Membership.objects.filter(user=supplier, organisation=agency, role=Role.BUSINESS_DEVELOPER).exists()


def test_an_admin_withdraws_an_invitation_and_a_colleague_cannot(login, agency, agency_procurer, agency_colleague):
    invitation, raw = invitation_create(actor=agency_procurer, organisation=agency, email="x@agency.se",
                                        role=Role.PROCURER)
    url = reverse("accounts:invitation_revoke", args=[invitation.pk])
    assert login(agency_colleague).post(url).status_code == 403
    assert login(agency_procurer).post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert login(agency_procurer).get(reverse("accounts:invitation_accept", args=[raw])).status_code == 404


def test_the_last_admin_cannot_be_removed(login, agency, agency_procurer, agency_colleague):
    admin_role = Membership.objects.get(user=agency_procurer, role=Role.ORGANISATION_ADMIN)
    login(agency_procurer).post(reverse("accounts:membership_remove", args=[admin_role.pk]))
    assert Membership.objects.filter(pk=admin_role.pk).exists()
    colleague_role = Membership.objects.get(user=agency_colleague)
    assert login(agency_colleague).post(reverse("accounts:membership_remove", args=[colleague_role.pk])).status_code == 403
    assert login(agency_procurer).post(reverse("accounts:membership_remove", args=[colleague_role.pk])).status_code == 302
    assert not Membership.objects.filter(pk=colleague_role.pk).exists()
