import pytest
from django.core.exceptions import ValidationError

from innokop.accounts.identifiers import normalise_org_number, normalise_vat_number


@pytest.mark.parametrize("raw", ["5560360793", "556036-0793", " 556036 0793 "])
def test_org_numbers_are_normalised(raw):
    assert normalise_org_number(raw) == "556036-0793"


def test_a_wrong_check_digit_says_so():
    with pytest.raises(ValidationError) as error:
        normalise_org_number("556036-0794")
    assert error.value.code == "checksum"


@pytest.mark.parametrize("raw", ["12345", "abcdefghij", ""])
def test_a_malformed_org_number_asks_for_ten_digits(raw):
    with pytest.raises(ValidationError) as error:
        normalise_org_number(raw)
    assert error.value.code == "invalid"


def test_vat_numbers_are_compacted_and_checked():
    assert normalise_vat_number("de 136 695 976") == "DE136695976"
    with pytest.raises(ValidationError):
        normalise_vat_number("DE136695977")
