import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from innokop.accounts.models import OrganisationKind
from innokop.core import clock as clock_module
from innokop.network import services
from innokop.network.models import Subscription

from ..factories import OrganisationFactory

CASE_TEXT = {part: {"sv": f"{part} på svenska", "en": f"{part} in English"}
             for part in ("need", "route", "solution", "results", "lessons")}


@pytest.fixture
def partner(db):
    return OrganisationFactory(kind=OrganisationKind.PARTNER, name="Hankinta Oy", country="FI", org_number="")


@pytest.fixture
def partner_key():
    """The partner instance's signing key, and its public key as partners publish it."""
    key = Ed25519PrivateKey.generate()
    return key, base64.b64encode(key.public_key().public_bytes_raw()).decode()


@pytest.fixture
def subscription(partner, partner_key, cpb_manager):
    return Subscription.objects.create(partner=partner, feed_url="https://partner.example.fi/network/feed.json",
                                       public_key=partner_key[1], created_by=cpb_manager,
                                       created_at=clock_module.now())


def case_item(number: int, *, title: str = "Smarta sensorer", updated: str = "2027-03-01T10:00:00+00:00") -> dict:
    return {"kind": "case", "id": f"case-{number}", "updated_at": updated, "organisation": "Hankinta Oy",
            "url": f"https://partner.example.fi/network/cases/{number}/",
            "title": {"sv": title, "en": f"{title} (en)"},
            **{part: dict(texts) for part, texts in CASE_TEXT.items()}}  # copies: a test may spoil its item's texts


def solution_item(number: int) -> dict:
    return {"kind": "solution", "id": f"solution-{number}", "updated_at": "2027-02-01T10:00:00+00:00",
            "title": "Sensor platform", "summary": "Measures indoor air.", "supplier": "Sensori Oy", "trl": 8,
            "verified_at": "2027-01-20T10:00:00+00:00", "url": f"https://partner.example.fi/solutions/{number}/"}


def signed(items: list, key, *, publisher: str = "Hankinta Oy") -> bytes:
    import json

    from innokop.network import signing

    payload = {"format": "innokop-network-feed/1", "publisher": publisher,
               "generated_at": "2027-03-15T09:00:00+00:00", "items": items}
    return json.dumps({"payload": payload, "signature": signing.sign(payload, key)}).encode()


@pytest.fixture
def importing():
    return services
