"""The organisation and VAT numbers say when they are needed instead of "(optional)" (issue 9, point 4)."""

from django.template.loader import render_to_string
from django.utils import translation

from innokop.accounts.forms import SupplierRegistrationForm


def _form(data=None) -> SupplierRegistrationForm:
    # Where the e-mail address is proven by a link rather than typed in the form, the form is given it.
    extra = {} if "email" in SupplierRegistrationForm.base_fields else {"email": "sara@exempel.se"}
    return SupplierRegistrationForm(data, **extra)


def test_the_numbers_are_not_called_optional_and_their_hints_say_when_they_are_needed():
    with translation.override("en"):
        org = render_to_string("core/includes/field.html", {"field": _form()["org_number"]})
        vat = render_to_string("core/includes/field.html", {"field": _form()["vat_number"]})
    assert "Swedish organisation number" in org and "optional" not in org
    assert "Needed if the company is registered in Sweden. For example 556036-0793." in org
    assert "EU VAT number" in vat and "optional" not in vat
    assert "Needed if the company is registered in another EU country." in vat


def test_a_missing_number_is_asked_for_with_an_example():
    with translation.override("en"):
        swedish = _form({"company_name": "Liten AB", "country": "SE"})
        swedish.is_valid()
        german = _form({"company_name": "Klein GmbH", "country": "DE"})
        german.is_valid()
        assert list(swedish["org_number"].errors) == [
            "Enter the company's Swedish organisation number, for example 556036-0793."]
        assert list(german["vat_number"].errors) == [
            "Enter the company's EU VAT number, starting with the country code, for example DE136695976."]
