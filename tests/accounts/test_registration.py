import pytest
from django.urls import reverse

from innokop.accounts.models import Membership, Organisation, Role, User
from innokop.core.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register_supplier")


def _form(**overrides):
    data = {
        "company_name": "Liten Innovation AB", "country": "SE", "org_number": "5560360793", "vat_number": "",
        "is_sme": "on", "full_name": "Stina Start", "email": "Stina@Liten.se",
        "password1": "ett bra lösenord 42", "password2": "ett bra lösenord 42",
    }
    return data | overrides


def test_a_supplier_registers_its_company_and_becomes_its_admin(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, _form())
    assert response.status_code == 302 and response["Location"] == reverse("core:dashboard")
    organisation = Organisation.objects.get()
    assert (organisation.kind, organisation.org_number, organisation.is_sme) == ("supplier", "556036-0793", True)
    user = User.objects.get(email="stina@liten.se")
    roles = set(Membership.objects.filter(user=user, organisation=organisation).values_list("role", flat=True))
    assert roles == {Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN}
    assert AuditEvent.objects.filter(verb="organisation.registered", object_id=str(organisation.pk)).exists()
    assert Notification.objects.filter(recipient=user, kind="account.welcome").exists()
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_wrong_check_digit_is_a_clear_form_error_and_nothing_is_created(client):
    response = client.post(URL, _form(org_number="556036-0794"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_org_number"' in page
    assert not Organisation.objects.exists() and not User.objects.exists()
    assert 'value="Liten Innovation AB"' in page  # nothing the user typed is lost


def test_a_foreign_supplier_registers_with_a_vat_number_of_its_country(client):
    assert client.post(URL, _form(country="DE", org_number="", vat_number="de 136 695 976")).status_code == 302
    assert Organisation.objects.get().vat_number == "DE136695976"


def test_a_vat_number_of_another_country_is_refused(client):
    response = client.post(URL, _form(country="FI", org_number="", vat_number="DE136695976"))
    assert response.status_code == 200 and not Organisation.objects.exists()


def test_a_company_cannot_be_registered_twice(client, supplier_org):
    response = client.post(URL, _form(org_number=supplier_org.org_number))
    assert response.status_code == 200
    assert Organisation.objects.count() == 1


def test_passwords_must_match_and_be_strong(client):
    assert client.post(URL, _form(password2="något annat 42")).status_code == 200
    assert client.post(URL, _form(password1="12345678", password2="12345678")).status_code == 200
    assert not User.objects.exists()
