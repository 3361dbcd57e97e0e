import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse

from innokop.accounts.models import Membership, Organisation, Role, User
from innokop.core.mail import CONFIDENTIAL_HEADER
from innokop.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register_supplier")
SENT = reverse("accounts:register_sent")


def _form(**overrides):
    data = {
        "company_name": "Liten Innovation AB", "country": "SE", "org_number": "5560360793", "vat_number": "",
        "is_sme": "on", "full_name": "Stina Start",
        "password1": "ett bra lösenord 42", "password2": "ett bra lösenord 42",
    }
    return data | overrides


def _start(client, capture, email="Stina@Liten.se"):
    with capture(execute=True):
        return client.post(URL, {"email": email})


def _link(client, capture, email="Stina@Liten.se") -> str:
    """The path of the registration link e-mailed to a new address."""
    _start(client, capture, email)
    return re.search(r"https?://[^/\s]+(/register/\S+/)", mail.outbox[-1].body).group(1)


def test_a_supplier_registers_its_company_and_becomes_its_admin(client, django_capture_on_commit_callbacks):
    started = _start(client, django_capture_on_commit_callbacks)
    assert started.status_code == 302 and started["Location"] == SENT
    assert not User.objects.exists() and not Organisation.objects.exists()  # nothing until the link is used
    assert mail.outbox[-1].to == ["stina@liten.se"]
    link = re.search(r"https?://[^/\s]+(/register/\S+/)", mail.outbox[-1].body).group(1)
    assert "stina@liten.se" in client.get(link).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link, _form())
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    organisation = Organisation.objects.get()
    assert (organisation.kind, organisation.org_number, organisation.is_sme) == ("supplier", "556036-0793", True)
    user = User.objects.get(email="stina@liten.se")
    roles = set(Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True))
    assert roles == {Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN}
    assert AuditEvent.objects.filter(verb="organisation.registered", object_id=str(organisation.pk)).exists()
    assert Notification.objects.filter(recipient=user, kind="account.welcome").exists()
    assert client.get(reverse("core:dashboard")).status_code == 200


def _without_csrf(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def test_a_known_address_gets_the_same_answer_and_its_owner_an_email(client, supplier,
                                                                      django_capture_on_commit_callbacks):
    new = _start(client, django_capture_on_commit_callbacks, "ny@example.se")
    new_page = _without_csrf(client.get(new["Location"]).content.decode())
    known = _start(client, django_capture_on_commit_callbacks, supplier.email.upper())
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert _without_csrf(client.get(known["Location"]).content.decode()) == new_page
    assert "Det finns redan ett konto" not in new_page
    to_owner = mail.outbox[-1]
    assert to_owner.to == [supplier.email]
    assert reverse("accounts:password_reset") in to_owner.body and "/register/" not in to_owner.body
    assert User.objects.count() == 1 and Organisation.objects.count() == 1  # nothing was created


def test_the_registration_link_is_confidential(client, django_capture_on_commit_callbacks):
    _start(client, django_capture_on_commit_callbacks)
    assert mail.outbox[-1].extra_headers.get(CONFIDENTIAL_HEADER) == "1"


def test_the_link_works_once(client, django_capture_on_commit_callbacks):
    link = _link(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(link, _form()).status_code == 302
    client.logout()
    assert client.get(link).status_code == 404
    assert client.post(link, _form(org_number="556677-8899")).status_code == 404
    assert User.objects.count() == 1


def test_an_expired_or_changed_link_cannot_be_used(client, clock, django_capture_on_commit_callbacks):
    link = _link(client, django_capture_on_commit_callbacks)
    changed = "A" if link[-3] != "A" else "B"
    assert client.get(link[:-3] + changed + link[-2:]).status_code == 404
    clock.set(clock.now() + timedelta(days=2, minutes=1))
    assert client.get(link).status_code == 404


def test_a_wrong_check_digit_is_a_clear_form_error_and_nothing_is_created(client, django_capture_on_commit_callbacks):
    response = client.post(_link(client, django_capture_on_commit_callbacks), _form(org_number="556036-0794"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_org_number"' in page
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert 'value="Liten Innovation AB"' in page  # nothing the user typed is lost


def test_a_foreign_supplier_registers_with_a_vat_number_of_its_country(client, django_capture_on_commit_callbacks):
    link = _link(client, django_capture_on_commit_callbacks)
    assert client.post(link, _form(country="DE", org_number="", vat_number="de 136 695 976")).status_code == 302
    assert Organisation.objects.get().vat_number == "DE136695976"


def test_a_vat_number_of_another_country_is_refused(client, django_capture_on_commit_callbacks):
    link = _link(client, django_capture_on_commit_callbacks)
    response = client.post(link, _form(country="FI", org_number="", vat_number="DE136695976"))
    assert response.status_code == 200 and not Organisation.objects.exists()


def test_a_company_cannot_be_registered_twice(client, supplier_org, django_capture_on_commit_callbacks):
    response = client.post(_link(client, django_capture_on_commit_callbacks), _form(org_number=supplier_org.org_number))
    assert response.status_code == 200
    assert Organisation.objects.count() == 1


def test_passwords_must_match_and_be_strong(client, django_capture_on_commit_callbacks):
    link = _link(client, django_capture_on_commit_callbacks)
    assert client.post(link, _form(password2="något annat 42")).status_code == 200
    assert client.post(link, _form(password1="12345678", password2="12345678")).status_code == 200
    assert client.post(link, _form(password1="stina@liten.se", password2="stina@liten.se")).status_code == 200
    assert not User.objects.exists()
