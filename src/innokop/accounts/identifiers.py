"""Organisation identifiers: Swedish organisation numbers and EU VAT numbers, via python-stdnum."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat
from stdnum.se import orgnr


def normalise_org_number(value: str) -> str:
    """'5560360793' → '556036-0793'; a clear error for anything that is not a valid number."""
    try:
        return orgnr.format(orgnr.validate(value))
    except stdnum_errors.InvalidChecksum:
        raise ValidationError(
            _("The organisation number %(value)s has a wrong check digit. Check the last digit."),
            params={"value": value},
            code="checksum",
        ) from None
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Enter a Swedish organisation number with ten digits, for example 556036-0793."),
            code="invalid",
        ) from None


def normalise_vat_number(value: str) -> str:
    """'de 136 695 976' → 'DE136695976'."""
    try:
        return vat.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Enter a valid EU VAT number starting with the country code, for example DE136695976."),
            code="invalid",
        ) from None
