"""Demo data of the network: two partner bodies of Procure2Innovate with their public keys, a good-practice case
published by the purchasing body after the agency sent it, and one waiting for review. No partner feed is followed:
the demo reaches no other instance (tests/network/test_live_exchange.py shows an exchange)."""

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core.audit import audit_log
from innokop.core.demo import Scenario

from . import services
from .models import GoodPracticeCase

# Name, country and public key: the public halves of keys generated once for the demo, whose private halves nobody
# kept (the demo follows no feed, so nothing is ever verified with them).
PARTNERS = [("Hankinta-akatemia", "FI", "NMK9R1P8JYnBZVaLUnDpcrHuh/+qEEduyK9zN78xWyk="),
            ("PIANOo Innovatie", "NL", "2KRmlXTjtprbJ0Y+jDSZTHmyKcnL29rvwGKwe4qbG0s=")]

CASES = [
    {"title_sv": "Sensorer som sänkte koldioxidhalten i klassrummen",
     "title_en": "Sensors that lowered carbon dioxide in classrooms",
     "need_sv": "Skolorna hade dålig luft i klassrummen och ventilationen gick efter schema, inte efter behov.",
     "need_en": "The schools had poor air in classrooms, and the ventilation ran on a timetable, not on need.",
     "route_sv": "Förstudie med behov från tre kommuner, tidig dialog med sex leverantörer, förnyad konkurrensutsättning "
                 "med dialog inom ramavtalet för smarta sensorer.",
     "route_en": "A pre-study with needs from three municipalities, a market dialogue with six suppliers, a renewed "
                 "competition with dialogue under the framework agreement for smart sensors.",
     "solution_sv": "Trådlösa sensorer som mäter koldioxid och styr ventilationen rum för rum.",
     "solution_en": "Wireless sensors that measure carbon dioxide and steer the ventilation room by room.",
     "results_sv": "Koldioxidhalten sjönk med en tredjedel och energianvändningen för ventilation med 18 procent.",
     "results_en": "Carbon dioxide fell by a third and the energy used for ventilation by 18 per cent.",
     "lessons_sv": "Involvera fastighetsägaren tidigt, och följ upp effekterna med samma mätare som i förstudien.",
     "lessons_en": "Involve the property owner early, and follow up the effects with the measures of the pre-study."},
    {"title_sv": "Klarspråk med språkteknik i myndighetens beslut",
     "title_en": "Plain language with language technology in the agency's decisions",
     "need_sv": "Medborgarna förstod inte myndighetens beslut och ringde för att fråga.",
     "need_en": "Citizens did not understand the agency's decisions and called to ask.",
     "route_sv": "Avrop med dialog från ramavtalet för AI-tjänster, med en pilot på två enheter.",
     "route_en": "A call-off with dialogue under the framework agreement for AI services, with a pilot in two units.",
     "solution_sv": "Ett verktyg som föreslår enklare formuleringar medan handläggaren skriver.",
     "solution_en": "A tool that suggests plainer wording while the case officer writes.",
     "results_sv": "Samtalen med frågor om beslut minskade med 25 procent under piloten.",
     "results_en": "Calls asking about decisions fell by 25 per cent during the pilot.",
     "lessons_sv": "Låt handläggarna vara med och bedöma förslagen i utvärderingen.",
     "lessons_en": "Let the case officers take part in assessing the proposals in the evaluation."},
]


def load(scenario: Scenario) -> None:
    for name, country, public_key in PARTNERS:
        partner, created = Organisation.objects.get_or_create(
            kind=OrganisationKind.PARTNER, name=name, defaults={"country": country, "public_key": public_key})
        if created:
            audit_log(actor=None, verb="organisation.created", obj=partner, organisation=partner,
                      payload={"kind": OrganisationKind.PARTNER, "source": "demo"})
        scenario.count(created)
    author, reviewer = scenario.objects["user:maria.upphandlare"], scenario.objects["user:anna.ramstrom"]
    agency = scenario.objects["org:mdss"]
    for index, fields in enumerate(CASES):
        if GoodPracticeCase.objects.filter(title_sv=fields["title_sv"]).exists():
            scenario.count(False)
            continue
        case = services.case_create(actor=author, organisation=agency, fields=fields)
        services.case_submit(actor=author, case=case)
        if index == 0:
            services.case_review(actor=reviewer, case=case, publish=True)
        scenario.count(True)
