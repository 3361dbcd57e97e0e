"""A pre-study of the purchasing body and needs of two agencies, made through the services."""

from datetime import date
from decimal import Decimal

import pytest

from innokop.prestudy import services
from innokop.reference.models import CpvCode, NutsRegion


def need_input(**changes) -> services.NeedInput:
    given = {
        "title": "Färre överfulla återvinningsstationer",
        "problem": "Återvinningsstationerna blir överfulla under helger och skräp hamnar utanför.",
        "current_situation": "Tömning enligt fast schema varannan vecka oavsett fyllnadsgrad.",
        "desired_effects": "Inga överfulla kärl och färre onödiga tömningar.",
        "effect_measures": "Andel överfulla kärl vid kontroll; antal tömningar per månad.",
        "affected": "Invånare, renhållningsarbetare och kommunens kundtjänst.",
        "volume": 400, "volume_unit": "kärl", "budget": Decimal(1_200_000), "needed_year": 2028,
        "needed_quarter": 2, "cpv_codes": list(CpvCode.objects.filter(code="90500000")),
        "region": NutsRegion.objects.get(code="SE110"), "urgency": "medium", "is_public": True,
    }
    return services.NeedInput(**(given | changes))


def prestudy_input(**changes) -> services.PreStudyInput:
    given = {"title": "Smart avfallshantering", "area": "Sensorer och tömning efter behov i kommunal avfallshantering.",
             "questions": "Vilka lösningar finns?\nHur stor är efterfrågan?", "starts_on": date(2027, 3, 1),
             "needs_until": date(2027, 5, 31), "concludes_on": date(2027, 9, 30),
             "cpv_codes": list(CpvCode.objects.filter(code__in=["90500000"])), "team": []}
    return services.PreStudyInput(**(given | changes))


@pytest.fixture
def prestudy(cpb, cpb_manager, clock):
    return services.prestudy_create(actor=cpb_manager, owner=cpb, given=prestudy_input())


@pytest.fixture
def need(agency, agency_procurer, clock):
    return services.need_create(actor=agency_procurer, agency=agency, given=need_input())


@pytest.fixture
def internal_need(agency, agency_procurer, clock):
    return services.need_create(actor=agency_procurer, agency=agency,
                                given=need_input(title="Internt behov av bättre planering", is_public=False,
                                                 budget=Decimal(900_000)))
