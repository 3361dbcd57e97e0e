"""Demo call-offs by Maria Upphandlare for MDSS: a draft, and a published renewed competition with dialogue."""

from dataclasses import asdict
from decimal import Decimal

from innokop.agreements.models import CallOffMethod, EvaluationModel
from innokop.agreements.permissions import is_entitled
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.demo import Scenario

from . import rules, services
from .models import CallOff

CALLOFFS = [
    ("AI-stöd för handläggning av bidragsärenden",
     "Handläggarna lägger mycket tid på att sortera inkomna ansökningar. Vi vill pröva AI-stöd som föreslår "
     "beslutsunderlag, med människan kvar i beslutet.", Decimal(3_500_000), True),
    ("Automatiserad klarspråksgranskning av beslut",
     "Våra beslut är svåra att förstå. Vi vill ha ett verktyg som granskar beslutstexter mot klarspråksriktlinjer.",
     Decimal(900_000), False),
]


def _dialogue_lot(scenario: Scenario):
    mdss = scenario.objects["org:mdss"]
    for lot in scenario.objects["lots"]:
        if lot.call_off_method == CallOffMethod.RENEWED_COMPETITION_DIALOGUE and is_entitled(lot.agreement, mdss):
            return lot
    return None


def _prepare(actor, calloff: CallOff) -> None:
    lot = calloff.lot
    price_weight, weights = rules.middle_weights(lot)
    services.calloff_update_step(actor=actor, calloff=calloff, step="evaluation", data={
        "evaluation_model": EvaluationModel.PRICE_QUALITY, "price_weight": price_weight, "weights": weights})
    timetable = rules.suggest_timetable(lot, local_date(clock.now()))
    services.calloff_update_step(actor=actor, calloff=calloff, step="timetable", data=asdict(timetable))


def load(scenario: Scenario) -> None:
    maria, mdss = scenario.objects["user:maria.upphandlare"], scenario.objects["org:mdss"]
    lot = _dialogue_lot(scenario)
    if lot is None:
        return
    for title, need, value, publish in CALLOFFS:
        existing = CallOff.objects.filter(agency=mdss, title=title).first()
        scenario.count(existing is None)
        if existing is not None:
            scenario.objects[f"calloff:{title}"] = existing
            continue
        calloff = services.calloff_start(actor=maria, lot=lot, organisation=mdss, title=title, need=need,
                                         estimated_value=value)
        if publish:
            _prepare(maria, calloff)
            services.calloff_publish(actor=maria, calloff=calloff)
        scenario.objects[f"calloff:{title}"] = calloff
