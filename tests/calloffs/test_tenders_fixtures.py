"""Fixtures and helpers the tender tests share (no tests here; the other test_tenders modules import them).

The lot gets a price list and an evaluated requirement before the call-off is started, so the
call-off asks for: K1 and K2 (mandatory), K4 (evaluated), the criteria Pris and Kvalitet (price and
quality, middle weights), a total price, and two price rows with ceiling prices.
"""

from decimal import Decimal

import pytest
from django.utils import translation

from innokop.accounts.models import Role
from innokop.calloffs.services import tenders
from innokop.calloffs.tender_content import RequirementAnswer, TenderContent

from ..factories import member

# Distinctive plaintext that must never be found anywhere in the database or on the agency's pages.
PHRASE = "Zebrafinkens flygplan"
PRICE = Decimal("987654.00")
HOURLY, LICENCE = Decimal("1150.00"), Decimal("480.00")


@pytest.fixture
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def priced_lot(lot, published):
    """The lot of tests/calloffs/conftest.py with a price list and an evaluated requirement K4."""
    lot.price_rows.create(label="Konsulttimme", unit="timme", ceiling_price=Decimal(1200))
    lot.price_rows.create(label="Licens", unit="användare och år", ceiling_price=Decimal(500))
    published.requirements.create(lot=lot, identifier="K4", text="Stöd för e-legitimation", kind="evaluated",
                                  category="other", followup_method="audit", followup_frequency="once")
    return lot


@pytest.fixture
def calloff(priced_lot, open_calloff):
    """An open call-off (price and quality) with both suppliers of the lot invited; the deadline is ahead."""
    return open_calloff


@pytest.fixture
def supplier_clerk(supplier_org):
    """Someone at the invited supplier who is not its representative: may see the call-off, not tender."""
    return member(supplier_org, Role.ORGANISATION_ADMIN, full_name="Kim Kansli", email="kim@supplier.se")


def complete(calloff, *, phrase: str = PHRASE, price: Decimal = PRICE, meets: bool = True, **changes) -> TenderContent:
    """A tender that answers everything the call-off asks, prices within the ceilings."""
    scope = tenders.tender_scope(calloff)
    rows = {row.label: row.pk for row in scope.price_rows}
    content = TenderContent(
        requirements={r.pk: RequirementAnswer(meets=meets, evidence=f"{phrase}: bevis för {r.identifier}")
                      for r in scope.requirements},
        criteria={c.pk: f"{phrase} – svar på {c.lot_criterion.name}" for c in scope.criteria},
        total_price=price, prices={rows["Konsulttimme"]: HOURLY, rows["Licens"]: LICENCE})
    return TenderContent(**{**content.__dict__, **changes})


def draft_sha256(calloff) -> str:
    """The checksum of the saved draft: what submitting it seals (its salt is made when it is first saved)."""
    from innokop.calloffs.models import Tender

    return tenders.read_draft(Tender.objects.get(calloff=calloff)).sha256()


def submit(actor, calloff, content: TenderContent | None = None):
    tenders.tender_save_draft(actor=actor, calloff=calloff, content=content or complete(calloff))
    return tenders.tender_submit(actor=actor, calloff=calloff)


def requirement(calloff, identifier: str):
    return calloff.requirements.get(identifier=identifier)


def row(calloff, label: str):
    return calloff.lot.price_rows.get(label=label)
