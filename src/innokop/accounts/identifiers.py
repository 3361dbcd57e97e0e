"""Organisation identifiers: Swedish organisation numbers and EU VAT numbers, via python-stdnum; and a partner
body's Ed25519 public key, which identifies it in the network of sister bodies."""

import base64
import binascii

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


def is_personal_identity_number(org_number: str) -> bool:
    """Whether a Swedish organisation number is a person's: a sole trader (enskild näringsidkare) is
    registered under their personal identity number (or coordination number), whose third digit, the
    first of the month, is 0 or 1; a legal person's organisation number has 2 or more there. Such a number
    is personal data and never appears in open data (DESIGN.md §5)."""
    digits = "".join(character for character in org_number if character.isdigit())
    if len(digits) == 12:  # written with the century
        digits = digits[2:]
    return len(digits) == 10 and digits[2] in "01"


def ed25519_key_bytes(text: str) -> bytes:
    """The 32 raw bytes of an Ed25519 key written as base64, as the network's keys travel; ValueError otherwise."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ValueError(str(error)) from error
    if len(raw) != 32:
        raise ValueError("an Ed25519 key has 32 bytes")
    return raw


def validate_public_key(value: str) -> None:
    """A partner body's public key: the base64 of a 32-byte Ed25519 key (44 characters)."""
    try:
        ed25519_key_bytes(value)
    except ValueError:
        raise ValidationError(_("The public key must be an Ed25519 key in base64 (44 characters)."),
                              code="public_key") from None
