"""The sealed plaintext of a tender: canonical bytes, a salt that makes its hash unguessable."""

import hashlib
from decimal import Decimal

import pytest

from innokop.calloffs.tender_content import Attachment, RequirementAnswer, TenderContent, TenderContentError


def _content(**changes) -> TenderContent:
    return TenderContent(**{"requirements": {7: RequirementAnswer(meets=True, evidence="ISO 27001")},
                            "criteria": {3: "Svar"}, "total_price": Decimal("950000.00"),
                            "prices": {2: Decimal("890.00")},
                            "attachments": (Attachment("cv.pdf", "application/pdf", b"%PDF-1.7"),)} | changes)


def test_reading_back_gives_the_same_content_and_the_same_hash():
    content = _content()
    again = TenderContent.from_bytes(content.to_bytes())
    assert again == content and again.salt == content.salt
    assert again.sha256() == content.sha256() == hashlib.sha256(content.to_bytes()).hexdigest()


def test_the_same_answers_hash_differently_so_a_price_cannot_be_guessed_from_the_hash():
    # Without the salt, trying prices until one hashes to the stored checksum would reveal the price.
    assert _content() == _content()
    assert _content().sha256() != _content().sha256()
    assert len(_content().salt) == 32


def test_content_sealed_before_the_salt_is_still_read():
    legacy = b'{"attachments":[],"criteria":{},"prices":{},"requirements":{},"total_price":"10","version":1}'
    assert TenderContent.from_bytes(legacy).total_price == Decimal(10)


@pytest.mark.parametrize("data", [b"\xff", b"[]", b'{"version": 2}', b'{"version": 1, "total_price": "x"}'])
def test_bytes_that_are_not_tender_content_are_refused(data):
    with pytest.raises(TenderContentError):
        TenderContent.from_bytes(data)
