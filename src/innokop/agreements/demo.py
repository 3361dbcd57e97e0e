"""Demo framework agreements: four agreements in different states, with lots, suppliers and requirements."""

from datetime import date, timedelta
from decimal import Decimal

from innokop.core import clock
from innokop.core.calendar import at_local, local_date
from innokop.core.demo import Scenario
from innokop.reference.models import CpvCode

from . import services
from .models import BuyerCategory, CallOffMethod, EvaluationModel, FrameworkAgreement, Lot, LotSupplier, SanctionKind

ALL_MODELS = [EvaluationModel.PRICE_QUALITY, EvaluationModel.VALUE_ADDED, EvaluationModel.LOWEST_PRICE]
GUIDANCE = (
    "<p>Så avropar du:</p><ol><li>Beskriv ert behov och vilka effekter ni vill nå.</li>"
    "<li>Välj anbudsområde och avropsform. Vid förnyad konkurrensutsättning bjuds alla antagna leverantörer in.</li>"
    "<li>Bjud in till dialogmöten på lika villkor och publicera svar på frågor till alla.</li>"
    "<li>Utvärdera anbuden med de kriterier och vikter som ramavtalet tillåter, och skicka tilldelningsbeslut.</li></ol>"
)
REQUIREMENTS = [
    ("K1", "Leverantören ska ha ett ledningssystem för informationssäkerhet enligt ISO/IEC 27001 eller likvärdigt.",
     "mandatory", "information_security", "documentation", "annually"),
    ("K2", "Tjänsten ska uppfylla EN 301 549 (WCAG 2.1 nivå AA) och leverantören ska lämna en tillgänglighetsredogörelse.",
     "mandatory", "accessibility", "audit", "annually"),
    ("K3", "Personuppgifter ska behandlas inom EU/EES.", "mandatory", "data_protection", "self_declaration", "annually"),
    ("B1", "Mervärde ges för lösningar som minskar klimatpåverkan, redovisat med livscykelanalys.",
     "evaluated", "sustainability", "documentation", "once"),
    ("B2", "Mervärde ges för lösningar som prövats i en testbädd eller pilot hos offentlig aktör.",
     "evaluated", "innovation", "documentation", "once"),
]

# (reference, title, summary, cpv, start offset (days), years, categories, lots)
AGREEMENTS = [
    ("IK-2026-001", "Innovativa digitala tjänster",
     "AI, automatisering och tillgängliga e-tjänster för myndigheter, kommuner och regioner.",
     ["72000000", "48000000"], -200, 4, [BuyerCategory.ALL_PUBLIC], [
         ("AI och automatisering av handläggning", CallOffMethod.RENEWED_COMPETITION_DIALOGUE, ["72212000"],
          ["klartext", "fjallvind", "molntjanst", "datahamnen", "helsinkiai"]),
         ("Tillgängliga e-tjänster", CallOffMethod.RANKING, ["72413000"], ["tillganglig", "vardbryggan", "klartext"]),
     ]),
    ("IK-2026-002", "Smart och cirkulär samhällsservice",
     "Sensorer för avfallshantering, cirkulära möbler och energieffektivisering i offentliga lokaler.",
     ["90500000", "39100000", "71314300"], -90, 3, [BuyerCategory.MUNICIPALITY, BuyerCategory.REGION], [
         ("Sensorer och IoT för avfallshantering", CallOffMethod.RENEWED_COMPETITION, ["90500000"],
          ["norrsken", "grontavfall", "balticrobotics"]),
         ("Cirkulära möbler", CallOffMethod.COMBINATION, ["39100000"], ["cirkulara", "solbacka"]),
         ("Energieffektivisering i lokaler", CallOffMethod.RENEWED_COMPETITION_DIALOGUE, ["71314300"],
          ["solbacka", "norrsken", "datahamnen"]),
     ]),
    ("IK-2026-003", "Hållbara mobilitetstjänster",
     "Delade fordon, mobilitetstjänster och trafikanalys för statliga myndigheter.",
     ["60000000", "79311000"], -30, 2, [BuyerCategory.CENTRAL_GOVERNMENT], [
         ("Mobilitetstjänster och delade fordon", CallOffMethod.RENEWED_COMPETITION, ["60000000"],
          ["ekotrafik", "helsinkiai"]),
         ("Trafikanalys", CallOffMethod.RANKING, ["79311000"], ["fjallvind", "ekotrafik", "datahamnen"]),
     ]),
    ("IK-2021-014", "Digitala mötestjänster",
     "Video- och mötestjänster med höga krav på säkerhet och tillgänglighet (avtalet har löpt ut).",
     ["72000000"], -365 * 5, 4, [BuyerCategory.ALL_PUBLIC], [
         ("Mötestjänster", CallOffMethod.RANKING, ["72000000"], ["molntjanst", "datahamnen"]),
     ]),
]


# The sanctions each demo agreement provides; the oldest states only a remark and a recommendation to terminate.
ALL_SANCTIONS = [SanctionKind.REMARK, SanctionKind.PRICE_REDUCTION, SanctionKind.LIQUIDATED_DAMAGES,
                 SanctionKind.TERMINATION]
SANCTIONS = {"IK-2021-014": [SanctionKind.REMARK, SanctionKind.TERMINATION]}
LIQUIDATED_DAMAGES = ("Vite om 2 000 kronor per påbörjad vecka som en avvikelse består efter åtgärdens sista dag, "
                      "högst 10 procent av avropets kontraktsvärde.")


def _agreement(scenario: Scenario, spec, manager, cpb, today: date) -> FrameworkAgreement:
    reference, title, summary, cpv, offset, years, categories, _lots = spec
    existing = FrameworkAgreement.objects.filter(reference=reference).first()
    if existing:
        scenario.count(False)
        return existing
    start = today + timedelta(days=offset)
    scenario.count(True)
    return services.agreement_create(
        actor=manager, owner=cpb, reference=reference, title=title, summary=summary,
        description=f"<p>{summary} Ramavtalet är upphandlat av Innoköpscentralen med dialog och innovation i fokus.</p>",
        cpv_codes=CpvCode.objects.filter(code__in=cpv), start_date=start,
        end_date=start.replace(year=start.year + years) - timedelta(days=1),
        max_value=Decimal(150_000_000), entitled_categories=categories, call_off_guidance=GUIDANCE,
        sanctions=[str(kind) for kind in SANCTIONS.get(reference, ALL_SANCTIONS)],
        liquidated_damages_terms=LIQUIDATED_DAMAGES if SanctionKind.LIQUIDATED_DAMAGES in SANCTIONS.get(
            reference, ALL_SANCTIONS) else "",
    )


def _lot(scenario: Scenario, agreement, number: int, spec, manager) -> Lot:
    title, method, cpv, supplier_keys = spec
    lot = agreement.lots.filter(number=number).first()
    if lot is None:
        lot = services.lot_save(
            actor=manager, agreement=agreement, number=number, title=title,
            description=f"<p>{title}: lösningar som myndigheter kan avropa med {method.label.lower()}.</p>",
            call_off_method=method, value_threshold=Decimal(2_000_000) if method == CallOffMethod.COMBINATION else None,
            evaluation_models=[] if method == CallOffMethod.RANKING else ALL_MODELS, min_tender_days=15,
            cpv_codes=CpvCode.objects.filter(code__in=cpv))
        services.criterion_add(actor=manager, lot=lot, name="Kvalitet och innovationshöjd",
                               description="Lösningens förmåga att nå verksamhetens effektmål", min_weight=20, max_weight=50)
        services.criterion_add(actor=manager, lot=lot, name="Leveransförmåga och support",
                               description="Införande, utbildning och support på svenska", min_weight=10, max_weight=30)
        services.price_row_add(actor=manager, lot=lot, label="Konsulttimme, senior", unit="timme",
                               ceiling_price=Decimal("1350.00"))
        services.price_row_add(actor=manager, lot=lot, label="Licens per användare", unit="år",
                               ceiling_price=Decimal("2400.00"))
        for rank, key in enumerate(supplier_keys, start=1):
            supplier = scenario.objects[f"org:{key}"]
            services.lot_supplier_add(
                actor=manager, lot=lot, supplier=supplier, rank=rank, agreement_number=f"{agreement.reference}-{number}{rank:02d}",
                contact_name=f"Avtalsansvarig {supplier.name.split()[0]}", contact_email=f"avtal@{key}.example")
        scenario.count(True)
    else:
        scenario.count(False)
    return lot


def load(scenario: Scenario) -> None:
    manager = scenario.objects["user:anna.ramstrom"]
    cpb = scenario.objects["org:cpb"]
    today = local_date(clock.now())
    lots = []
    for spec in AGREEMENTS:
        agreement = _agreement(scenario, spec, manager, cpb, today)
        for number, lot_spec in enumerate(spec[7], start=1):
            lots.append(_lot(scenario, agreement, number, lot_spec, manager))
        if not agreement.requirements.exists():
            for identifier, text, kind, category, method, frequency in REQUIREMENTS:
                services.requirement_add(actor=manager, agreement=agreement, lot=None, identifier=identifier,
                                         text=text, kind=kind, category=category, followup_method=method,
                                         followup_frequency=frequency)
        if agreement.published_at is None:
            if spec[0] == "IK-2026-002":
                agreement.entitled_organisations.add(scenario.objects["org:mdss"])
            # Published a month before its start (today when that is still to come), as a purchasing body does,
            # so that the open data dates the agreement before the call-offs the demo plays weeks ago.
            with clock.travel_to(min(at_local(agreement.start_date - timedelta(days=30), 9), clock.now())):
                services.agreement_publish(actor=manager, agreement=agreement)
        scenario.objects[f"agreement:{spec[0]}"] = agreement
    scenario.objects["lots"] = lots
    scenario.objects["lot_suppliers"] = list(LotSupplier.objects.filter(lot__in=lots))
