"""Demo call-offs by Maria Upphandlare and Karim Kollega for MDSS, one in every state.

Each call-off is played through the same services a user goes through, with the application's
clock moved (`clock.travel_to`) to the day each step happens: published weeks ago, questions
asked and answered, tenders sealed before the deadline, opened by two people after it, scored,
ranked, decided, and signed after the standstill. So the demo's data obeys every rule the
tests prove, and nothing is written around the services.
"""

from dataclasses import asdict, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from innokop.accounts.models import User
from innokop.agreements.models import CallOffMethod, EvaluationModel, RequirementKind
from innokop.agreements.permissions import is_entitled
from innokop.core import clock
from innokop.core.calendar import (
    add_working_days,
    at_local,
    end_of_day,
    local_date,
    roll_to_working_day,
)
from innokop.core.demo import Scenario

from . import rules, services
from .models import CallOff, CallOffKind
from .services import award, dialogue, evaluating, opening, ranking, tenders
from .tender_content import RequirementAnswer, TenderContent

DAY = timedelta(days=1)

DRAFT = ("Automatiserad klarspråksgranskning av beslut",
         "Våra beslut är svåra att förstå. Vi vill ha ett verktyg som granskar beslutstexter mot "
         "klarspråksriktlinjer.", Decimal(900_000))
OPEN = ("AI-stöd för handläggning av bidragsärenden",
        "Handläggarna lägger mycket tid på att sortera inkomna ansökningar. Vi vill pröva AI-stöd som föreslår "
        "beslutsunderlag, med människan kvar i beslutet.", Decimal(3_500_000))
SCHEDULED = ("Digital inlämning av kompletteringar",
             "Sökande skickar kompletteringar på papper. Vi vill pröva en digital inlämning som kopplas direkt till "
             "ärendet.", Decimal(1_500_000))
# (title, need, estimated value, the state it is left in); each is published on the latest day that lets
# its timetable reach that state by today (see `_publication_day`).
PLAYED = [
    ("Chattbot för medborgarfrågor om e-legitimation",
     "Vår kundtjänst får många liknande frågor om e-legitimation. Vi vill pröva en chattbot som svarar på "
     "klarspråk och lämnar över till en handläggare.", Decimal(2_400_000), "tendering"),
    ("Taligenkänning för protokoll i tillsynsärenden",
     "Inspektörerna skriver protokoll för hand efter varje besök. Vi vill pröva taligenkänning som ger ett "
     "första utkast.", Decimal(1_900_000), "awaiting_opening"),
    ("Analys av inkomna remissvar",
     "Vi får hundratals remissvar per år och vill snabbare se vad de säger. Vi söker stöd för att sammanfatta "
     "och gruppera svaren.", Decimal(2_100_000), "opened"),
    ("Prognoser för ärendeinflöde",
     "Vi vill bemanna efter hur många ärenden som kommer. Vi söker prognosmodeller för inflödet per vecka.",
     Decimal(1_600_000), "evaluated"),
    ("Sökbarhet i myndighetens arkiv",
     "Arkivet är svårt att söka i. Vi vill pröva semantisk sökning över ärenden och beslut.",
     Decimal(2_800_000), "awarded"),
    ("Automatisk anonymisering av domar och beslut",
     "Vi publicerar beslut och måste ta bort personuppgifter först. Vi vill pröva automatisk anonymisering "
     "med manuell kontroll.", Decimal(3_200_000), "contracted"),
    ("Översättning av information till lätt svenska",
     "Vi vill pröva stöd för att skriva om information till lätt svenska.", Decimal(1_200_000), "cancelled"),
]
RANKING = [
    ("Tillgänglighetsgranskning av e-tjänsten Mina sidor",
     "Mina sidor behöver granskas mot WCAG 2.1 AA innan vi lanserar nya funktioner.", Decimal(400_000), "offered"),
    ("Tillgänglighetsanpassning av PDF-blanketter",
     "Våra blanketter är inte tillgängliga. Vi vill ha dem anpassade och testade med skärmläsare.",
     Decimal(350_000), "accepted"),
]
ORDER = ["tendering", "awaiting_opening", "opened", "evaluated", "awarded", "contracted"]
# Each tenderer: (supplier key, total price, a consensus score per criterion, meets every mandatory requirement)
TENDERERS = [("klartext", Decimal("1850000.00"), 4, True), ("fjallvind", Decimal("1620000.00"), 3, True),
             ("datahamnen", Decimal("1490000.00"), 2, False)]


def _lot(scenario: Scenario, method: str):
    mdss = scenario.objects["org:mdss"]
    for lot in scenario.objects["lots"]:
        if lot.call_off_method == method and is_entitled(lot.agreement, mdss) and lot.agreement.reference == "IK-2026-001":
            return lot
    return None


def _morning(day: date, hour: int = 9) -> datetime:
    return at_local(day, hour)


def _prepare(actor: User, calloff: CallOff, publish_on: date | None = None) -> None:
    """The evaluation and the suggested timetable: published today (even on a weekend, where the suggestion would
    be the next working day), or scheduled for `publish_on`."""
    lot = calloff.lot
    price_weight, weights = rules.middle_weights(lot)
    services.calloff_update_step(actor=actor, calloff=calloff, step="evaluation", data={
        "evaluation_model": EvaluationModel.PRICE_QUALITY, "price_weight": price_weight, "weights": weights})
    today = local_date(clock.now())
    timetable = rules.suggest_timetable(lot, publish_on or today)
    if publish_on is None:
        timetable = replace(timetable, publish_on=today)
    services.calloff_update_step(actor=actor, calloff=calloff, step="timetable", data=asdict(timetable))


def _publish(maria, lot, mdss, title: str, need: str, value: Decimal, colleague=None) -> CallOff:
    calloff = services.calloff_start(actor=maria, lot=lot, organisation=mdss, title=title, need=need,
                                     estimated_value=value)
    if colleague is not None:  # a second person, to open the tenders together and evaluate
        services.calloff_team_add(actor=maria, calloff=calloff, user=colleague)
    _prepare(maria, calloff)
    return services.calloff_publish(actor=maria, calloff=calloff)


def _representative(scenario: Scenario, key: str):
    from innokop.accounts.models import Role

    organisation = scenario.objects[f"org:{key}"]
    return organisation.memberships.filter(role=Role.SUPPLIER_REPRESENTATIVE).select_related("user").first().user


def _ask_and_answer(scenario: Scenario, calloff: CallOff, maria) -> None:
    asker = _representative(scenario, "klartext")
    question = services.question_ask(actor=asker, calloff=calloff, text=(
        "Får lösningen använda en molntjänst utanför EU för själva språkmodellen, om personuppgifter tas bort "
        "först?"))
    services.question_answer(actor=maria, question=question, answer=(
        "Nej. Krav K3 gäller all behandling, även när uppgifterna har pseudonymiserats. Lösningen ska köras "
        "inom EU/EES."))


def _content(calloff: CallOff, price: Decimal, meets_all: bool) -> TenderContent:
    scope = tenders.tender_scope(calloff)
    answers = {}
    for requirement in scope.requirements:
        meets = meets_all or requirement.kind != RequirementKind.MANDATORY or requirement.identifier != "K3"
        answers[requirement.pk] = RequirementAnswer(meets=meets, evidence=(
            "Se bilagd beskrivning och referensuppdrag." if meets else "Språkmodellen driftas i USA."))
    criteria = {criterion.pk: f"Vårt svar om {criterion.lot_criterion.name.lower()}: beprövad metod, "
                              "pilot hos en kommun 2025, support på svenska vardagar 8–17."
                for criterion in scope.criteria}
    prices = {row.pk: (row.ceiling_price * Decimal("0.9")).quantize(Decimal("0.01")) for row in scope.price_rows}
    return TenderContent(requirements=answers, criteria=criteria, total_price=price, prices=prices)


def _tender(scenario: Scenario, calloff: CallOff, key: str, price: Decimal, meets_all: bool, *,
            submit: bool = True) -> None:
    representative = _representative(scenario, key)
    tenders.tender_save_draft(actor=representative, calloff=calloff, content=_content(calloff, price, meets_all))
    if submit:
        tenders.tender_submit(actor=representative, calloff=calloff)


def _evaluate(scenario: Scenario, calloff: CallOff, maria, karim, *, complete: bool) -> None:
    for person in (maria, karim):
        evaluating.conflict_declare(actor=person, calloff=calloff, confirmed=True)
    scores = {key: score for key, _price, score, _meets in TENDERERS}
    for opened in opening.opened_tenders(calloff):
        tender = opened.tender
        if evaluating.mandatory_failures(calloff, opened):
            evaluating.tender_reject(actor=maria, tender=tender, reason=evaluating.rejection_suggestion(calloff, opened))
            continue
        evaluating.tender_qualify(actor=maria, tender=tender)
        key = next(k for k, *_ in TENDERERS if scenario.objects[f"org:{k}"].pk == tender.supplier_id)
        criteria = evaluating.scoring_criteria(calloff)
        for person, shift in ((maria, 0), (karim, -1 if scores[key] > 2 else 0)):
            evaluating.scores_record(actor=person, tender=tender, scores={
                c.pk: (scores[key] + shift, "Bedömt mot kriteriets beskrivning.") for c in criteria})
        if complete:
            evaluating.consensus_record(actor=maria, tender=tender, scores={
                c.pk: (scores[key], "Enade efter genomgång av båda bedömningarna.") for c in criteria})
    if complete:
        evaluating.evaluation_complete(actor=maria, calloff=calloff)


def _decision_moment(timetable: rules.Timetable) -> datetime:
    return _morning(add_working_days(local_date(timetable.opening_at), 1), 11)


def _reached(target: str, timetable: rules.Timetable, now: datetime) -> bool:
    """Whether a call-off published on the timetable's day can have reached the target state by now."""
    hour = timedelta(hours=1)
    if target == "tendering":
        return timetable.questions_close < now - hour and timetable.tender_deadline > now + 6 * hour
    if target == "awaiting_opening":
        return timetable.tender_deadline < now - hour
    if target in ("opened", "evaluated"):
        return timetable.opening_at + 3 * hour < now
    decision = _decision_moment(timetable)
    if target == "awarded":
        return decision < now
    if target == "contracted":
        return end_of_day(rules.standstill_end(decision)) + 10 * hour < now
    return timetable.publish_on + 5 * DAY < local_date(now)  # cancelled a few days after publication


def _publication_day(lot, target: str) -> date:
    """The latest working day to publish on so that the suggested timetable reaches the target by today."""
    now = clock.now()
    for days_ago in range(1, 120):
        day = roll_to_working_day(local_date(now) - days_ago * DAY)
        if day < local_date(now) and _reached(target, rules.suggest_timetable(lot, day), now):
            return day
    raise RuntimeError(f"No publication day reaches {target} within 120 days.")


def _play(scenario: Scenario, lot, title: str, need: str, value: Decimal, target: str,
          published: date | None = None) -> CallOff:
    maria, karim, mdss = (scenario.objects["user:maria.upphandlare"], scenario.objects["user:karim.kollega"],
                          scenario.objects["org:mdss"])
    published = published or _publication_day(lot, target)
    with clock.travel_to(_morning(published)):
        calloff = _publish(maria, lot, mdss, title, need, value, colleague=karim)
    with clock.travel_to(_morning(published + DAY, 10)):
        _ask_and_answer(scenario, calloff, maria)
    if target == "cancelled":
        with clock.travel_to(_morning(published + 5 * DAY)):
            services.calloff_cancel(actor=maria, calloff=calloff, reason=(
                "Behovet täcks av en nationell tjänst som lanseras i vår. Vi gör inget avrop nu."))
        return calloff
    deadline = calloff.tender_deadline
    submitted_at = min(deadline - timedelta(hours=3), clock.now() - timedelta(hours=1))
    with clock.travel_to(submitted_at):
        for key, price, _score, meets in TENDERERS[:1] if target == "tendering" else TENDERERS:
            _tender(scenario, calloff, key, price, meets)
        if target == "tendering":
            _tender(scenario, calloff, TENDERERS[1][0], TENDERERS[1][1], True, submit=False)
    if ORDER.index(target) < ORDER.index("opened"):
        return calloff
    with clock.travel_to(calloff.opening_at):
        opening.opening_start(actor=maria, calloff=calloff)
        opening.opening_confirm(actor=karim, calloff=calloff)
    with clock.travel_to(calloff.opening_at + timedelta(hours=2)):
        _evaluate(scenario, calloff, maria, karim, complete=target != "opened")
    if ORDER.index(target) < ORDER.index("awarded"):
        return calloff
    calloff.refresh_from_db()
    with clock.travel_to(_decision_moment(services.timetable_of(calloff))):
        prefill = award.decision_prefill(calloff)
        decision = award.award_decision_send(actor=maria, calloff=calloff, reasons=prefill["reasons"],
                                             advantages=prefill["advantages"], standstill=True)
    if target == "awarded":
        return calloff
    with clock.travel_to(award.signing_opens_at(decision) + timedelta(hours=9)):
        calloff.refresh_from_db()
        award.contract_sign(actor=maria, calloff=calloff, **award.contract_defaults(calloff))
    return calloff


def play_to_contract(scenario: Scenario, title: str, need: str, value: Decimal, published: date) -> CallOff | None:
    """A renewed competition with dialogue on IK-2026-001, published by MDSS on `published` (a working day while
    the agreement is in force) and played through every step to a signed contract; for the demos of later apps
    that need contracts signed in earlier quarters (the follow-up dashboards)."""
    lot = _lot(scenario, CallOffMethod.RENEWED_COMPETITION_DIALOGUE)
    if lot is None:
        return None
    return _play(scenario, lot, title, need, value, "contracted", published=published)


def _offer(scenario: Scenario, lot, title: str, need: str, value: Decimal, target: str) -> CallOff:
    maria, mdss = scenario.objects["user:maria.upphandlare"], scenario.objects["org:mdss"]
    today = local_date(clock.now())
    offered = roll_to_working_day(today - 6 * DAY)
    with clock.travel_to(_morning(offered)):
        calloff = services.calloff_start(actor=maria, lot=lot, organisation=mdss, title=title, need=need,
                                         estimated_value=value, method=CallOffKind.RANKING)
        timetable = rules.suggest_timetable(lot, offered)
        services.calloff_update_step(actor=maria, calloff=calloff, step="timetable", data=asdict(timetable))
        ranking.ranking_offer_first(actor=maria, calloff=calloff, answer_by=ranking.default_answer_by(clock.now(), 3))
    first = ranking.current_offer(calloff)
    with clock.travel_to(_morning(add_working_days(offered, 1), 14)):
        who = _representative(scenario, _key_of(scenario, first.supplier))
        if target == "offered":
            ranking.ranking_offer_decline(actor=who, offer=first, reason=(
                "Vi har inte kapacitet att leverera inom avropets tidsram i vår."))
        else:
            ranking.ranking_offer_accept(actor=who, offer=first)
    return calloff


def _key_of(scenario: Scenario, organisation) -> str:
    return next(key.removeprefix("org:") for key, value in scenario.objects.items()
                if key.startswith("org:") and getattr(value, "pk", None) == organisation.pk)


def _open_with_dialogue(scenario: Scenario, lot) -> CallOff:
    maria, mdss = scenario.objects["user:maria.upphandlare"], scenario.objects["org:mdss"]
    title, need, value = OPEN
    calloff = _publish(maria, lot, mdss, title, need, value)
    _ask_and_answer(scenario, calloff, maria)
    dialogue.clarification_publish(actor=maria, calloff=calloff, kind="addendum", title="Förtydligande om volymer",
                                   text="Vi räknar med cirka 40 000 ansökningar per år, varav hälften i mars–maj.")
    first_day = add_working_days(local_date(clock.now()), 1)
    slots = [dialogue.SlotTime(starts_at=at_local(first_day, hour), ends_at=at_local(first_day, hour) + timedelta(
        minutes=45), place="Digitalt möte, länk skickas vid bokning") for hour in (9, 10, 11, 13, 14, 15)]
    offered = dialogue.dialogue_slots_offer(actor=maria, calloff=calloff, slots=slots)
    dialogue.dialogue_slot_book(actor=_representative(scenario, "klartext"), slot=offered[0])
    return calloff


def _scheduled(scenario: Scenario, lot) -> CallOff:
    """Published for a later day: until it comes, the suppliers neither see the call-off nor are told of it."""
    maria, mdss = scenario.objects["user:maria.upphandlare"], scenario.objects["org:mdss"]
    title, need, value = SCHEDULED
    calloff = services.calloff_start(actor=maria, lot=lot, organisation=mdss, title=title, need=need,
                                     estimated_value=value)
    _prepare(maria, calloff, publish_on=add_working_days(local_date(clock.now()), 3))
    return services.calloff_publish(actor=maria, calloff=calloff)


def load(scenario: Scenario) -> None:
    maria, mdss = scenario.objects["user:maria.upphandlare"], scenario.objects["org:mdss"]
    dialogue_lot = _lot(scenario, CallOffMethod.RENEWED_COMPETITION_DIALOGUE)
    ranking_lot = _lot(scenario, CallOffMethod.RANKING)
    if dialogue_lot is None or ranking_lot is None:
        return
    if CallOff.objects.filter(agency=mdss).exists():
        scenario.count(False)
        return
    title, need, value = DRAFT
    services.calloff_start(actor=maria, lot=dialogue_lot, organisation=mdss, title=title, need=need,
                           estimated_value=value)
    scenario.count(True)
    scenario.objects["calloff:open"] = _open_with_dialogue(scenario, dialogue_lot)
    scenario.objects["calloff:scheduled"] = _scheduled(scenario, dialogue_lot)
    scenario.count(True)
    for title, need, value, target in PLAYED:
        scenario.objects[f"calloff:{target}"] = _play(scenario, dialogue_lot, title, need, value, target)
        scenario.count(True)
    for title, need, value, target in RANKING:
        scenario.objects[f"calloff:{target}"] = _offer(scenario, ranking_lot, title, need, value, target)
        scenario.count(True)
