"""Call-off fixtures: the published agreement of tests/agreements, its dialogue lot with criteria and requirements."""

from dataclasses import asdict
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation

from innokop.agreements.models import CallOffMethod
from innokop.calloffs import rules, services
from innokop.core.calendar import local_date

from ..agreements.conftest import agreement, published  # noqa: F401  (fixtures)
from ..agreements.factories import LotFactory, LotSupplierFactory


@pytest.fixture(autouse=True)
def english(client):
    """Call-off tests read English text: the client's language cookie and the test's own translations."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def lot(published):  # noqa: F811
    """Lot 1: renewed competition with dialogue, two suppliers, criteria Pris 30–70 and Kvalitet 20–60."""
    lot = published.lots.get(number=1)
    lot.criteria.create(name="Pris", min_weight=30, max_weight=70)
    lot.criteria.create(name="Kvalitet", min_weight=20, max_weight=60)
    published.requirements.create(identifier="K1", text="Tillgänglighet enligt WCAG 2.1 AA", kind="mandatory",
                                  category="accessibility", followup_method="audit", followup_frequency="once")
    published.requirements.create(lot=lot, identifier="K2", text="Data stannar inom EU", kind="mandatory",
                                  category="data_protection", followup_method="audit", followup_frequency="once")
    ranking = published.lots.get(number=2)
    published.requirements.create(lot=ranking, identifier="K3", text="Gäller bara lot 2", kind="mandatory",
                                  category="other", followup_method="audit", followup_frequency="once")
    return lot


@pytest.fixture
def combination_lot(published, supplier_org):  # noqa: F811
    lot = LotFactory(agreement=published, number=3, call_off_method=CallOffMethod.COMBINATION,
                     value_threshold=Decimal(2_000_000), evaluation_models=["price_quality", "lowest_price"])
    LotSupplierFactory(lot=lot, supplier=supplier_org, rank=1)
    return lot


def start(actor, lot, **overrides):
    data = {"title": "AI-stöd i handläggningen", "need": "Handläggarna behöver stöd.",
            "estimated_value": Decimal(3_000_000)} | overrides
    return services.calloff_start(actor=actor, lot=lot, **data)


def prepare(actor, calloff, **timetable_changes):
    """Saves the evaluation (middle weights) and the suggested timetable: the draft is ready to publish."""
    from innokop.core import clock

    price_weight, weights = rules.middle_weights(calloff.lot)
    services.calloff_update_step(actor=actor, calloff=calloff, step="evaluation", data={
        "evaluation_model": "price_quality", "price_weight": price_weight, "weights": weights})
    today = local_date(clock.now())
    # Published today, even on a weekend (where the suggestion is the next working day, a scheduled publication).
    timetable = asdict(rules.suggest_timetable(calloff.lot, today)) | {"publish_on": today} | timetable_changes
    services.calloff_update_step(actor=actor, calloff=calloff, step="timetable", data=timetable)
    return calloff


@pytest.fixture
def draft(lot, agency_procurer, clock):
    return start(agency_procurer, lot)


@pytest.fixture
def ready(draft, agency_procurer):
    return prepare(agency_procurer, draft)


@pytest.fixture
def open_calloff(ready, agency_procurer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.calloff_publish(actor=agency_procurer, calloff=ready)
