"""Catalogue fixtures: a supplier's solution in each state, made through the services."""

from datetime import date

import pytest

from innokop.agreements.models import CallOffMethod, FrameworkAgreement, Lot, LotSupplier
from innokop.catalogue import services
from innokop.catalogue.models import ReviewStatus

VALUES = {
    "summary": "Sensorer i kärlen visar när de behöver tömmas.",
    "problem": "Sopbilar kör till halvtomma kärl.",
    "how_it_works": "En sensor mäter fyllnadsgraden och planerar rutten.",
    "effects": "30 procent färre körningar i en pilot.",
    "trl": 8,
    "cpv_codes": ["90511000"],
    "nationwide": True,
    "pricing_model": "subscription",
    "data_location": "sweden",
}


@pytest.fixture
def draft(supplier, supplier_org, clock):
    return services.solution_create(actor=supplier, supplier=supplier_org, title="Smart avfallshantering", **VALUES)


@pytest.fixture
def submitted(draft, supplier):
    return services.solution_submit(actor=supplier, solution=draft)


@pytest.fixture
def published(submitted, cpb_manager):
    return services.solution_publish(actor=cpb_manager, solution=submitted)


@pytest.fixture
def accepted_evidence(published, supplier, cpb_manager):
    evidence = services.evidence_add(actor=supplier, solution=published, kind="pilot", provided_by="Sjöstads kommun",
                                     date=date(2026, 10, 1), description="Pilot med 200 kärl.")
    return services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.ACCEPTED)


@pytest.fixture
def lot(cpb, cpb_manager, supplier_org, supplier_org_b):
    agreement = FrameworkAgreement.objects.create(
        owner=cpb, reference="IK-2027-001", title="Smarta städer", summary="Sensorer och tjänster",
        start_date=date(2027, 1, 1), end_date=date(2030, 12, 31), max_value=10_000_000,
        published_at="2027-01-01T00:00:00Z", created_by=cpb_manager,
    )
    lot = Lot.objects.create(agreement=agreement, number=1, title="Sensorer", call_off_method=CallOffMethod.RANKING)
    LotSupplier.objects.create(lot=lot, supplier=supplier_org, rank=1, agreement_number="A1", contact_name="Sara",
                               contact_email="sara@supplier.se")
    return lot
