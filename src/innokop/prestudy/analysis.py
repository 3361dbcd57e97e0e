"""The pre-study's analysis for the purchasing body: the dashboard's charts (the core chart component, each with
its table) and the facts the checklist of preconditions is computed from.

The estimated value is computed, never typed: each need with a budget gives a price per unit of its volume
(budget ÷ volume), which prices the volumes of the agencies that joined it too; the yearly sum times the years
the agreement would run is the estimated value. It is compared with the thresholds of rule 13 in force on the
day (`threshold_on`), naming the row and its source. Needs without a budget are counted and named as not priced.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from innokop.agreements.models import FollowUpFrequency, FollowUpMethod, RequirementCategory, RequirementKind
from innokop.core import clock, formats
from innokop.core.charts import Chart, Series
from innokop.reference.models import ThresholdKind
from innokop.reference.thresholds import threshold_on

from . import aggregation, matching
from .models import ContactKind, Need, PreStudy

DEFAULT_YEARS = 4  # LOU 7 kap. 2 §: a framework agreement runs at most four years but for special reasons
# The maximum value the draft agreement proposes: the estimate with room for agencies that join later (the CPB's
# standard list entitles more buyers than those that registered needs). The CPB changes it on the agreement.
MAX_VALUE_FACTOR = Decimal("1.5")
THRESHOLD_KINDS = (ThresholdKind.CENTRAL_GOVERNMENT, ThresholdKind.OTHER_BUYERS)


@dataclass
class ThresholdRow:
    kind: str
    label: str
    valid_from: str
    amount: Decimal
    source: str
    above: bool


@dataclass
class Facts:
    needs: int
    agencies: int
    suppliers: list  # Organisation
    smes: int
    yearly_value: Decimal
    unpriced_needs: list[str]
    years: int
    estimated_value: Decimal
    thresholds: list[ThresholdRow] = field(default_factory=list)
    solutions: list = field(default_factory=list)  # SolutionMatch, best per solution

    @property
    def sme_share(self) -> int | None:
        return round(100 * self.smes / len(self.suppliers)) if self.suppliers else None

    @property
    def max_value(self) -> Decimal:
        return (self.estimated_value * MAX_VALUE_FACTOR).quantize(Decimal(1), rounding=ROUND_HALF_UP)

    def as_json(self) -> dict:
        """What the saved checklist keeps of the facts (the JSON field of `Assessment`)."""
        return {"needs": self.needs, "agencies": self.agencies, "suppliers": len(self.suppliers), "smes": self.smes,
                "supplier_names": [supplier.name for supplier in self.suppliers],
                "yearly_value": str(self.yearly_value), "years": self.years,
                "estimated_value": str(self.estimated_value), "unpriced_needs": self.unpriced_needs,
                "thresholds": [{"kind": row.kind, "valid_from": row.valid_from, "amount": str(row.amount),
                                "source": row.source, "above": row.above} for row in self.thresholds]}


def prestudy_needs(prestudy: PreStudy) -> list[Need]:
    return list(aggregation.prefetched(prestudy.needs.select_related("agency")))


def matched_solutions(needs: list[Need]) -> list[matching.SolutionMatch]:
    """The solutions that match any of the needs, each once with its best match."""
    best: dict[int, matching.SolutionMatch] = {}
    for need in needs:
        for item in matching.solution_matches(need, limit=0):
            known = best.get(item.solution.pk)
            if known is None or item.score > known.score:
                best[item.solution.pk] = item
    return sorted(best.values(), key=lambda item: (-item.score, item.solution.title, item.solution.pk))


def yearly_value(needs: list[Need]) -> tuple[Decimal, list[str]]:
    """The yearly value of the demand: each priced need's budget scaled by the volumes that joined it."""
    total, unpriced = Decimal(0), []
    for need in needs:
        if need.budget is None:
            unpriced.append(need.title)
            continue
        joined = sum(interest.volume for interest in need.interests.all() if interest.withdrawn_at is None)
        total += need.budget * (need.volume + joined) / need.volume
    return total.quantize(Decimal(1), rounding=ROUND_HALF_UP), unpriced


def facts(prestudy: PreStudy, *, years: int = DEFAULT_YEARS, needs: list[Need] | None = None) -> Facts:
    needs = prestudy_needs(prestudy) if needs is None else needs
    solutions = matched_solutions(needs)
    suppliers = sorted({item.solution.supplier.pk: item.solution.supplier for item in solutions}.values(),
                       key=lambda supplier: (supplier.name, supplier.pk))
    per_year, unpriced = yearly_value(needs)
    estimated = per_year * years
    rows = []
    today = clock.now().date()
    for kind in THRESHOLD_KINDS:
        row = threshold_on(kind, today)
        if row is not None:
            rows.append(ThresholdRow(kind=str(kind), label=str(ThresholdKind(kind).label),
                                     valid_from=row.valid_from.isoformat(), amount=row.amount, source=row.source,
                                     above=estimated >= row.amount))
    agencies = {need.agency_id for need in needs} | {interest.agency_id for need in needs
                                                     for interest in need.interests.all()
                                                     if interest.withdrawn_at is None}
    return Facts(needs=len(needs), agencies=len(agencies), suppliers=suppliers,
                 smes=sum(1 for supplier in suppliers if supplier.is_sme), yearly_value=per_year,
                 unpriced_needs=unpriced, years=years, estimated_value=estimated, thresholds=rows,
                 solutions=solutions)


def threshold_sentence(row: ThresholdRow, estimated: Decimal) -> str:
    """The comparison as one sentence naming the row and its source."""
    values = {"value": formats.sek(estimated), "label": row.label, "amount": formats.sek(row.amount),
              "day": row.valid_from, "source": row.source}
    if row.above:
        return _("The estimated value %(value)s is at or above the %(label)s, %(amount)s (in force from %(day)s; "
                 "source: %(source)s).") % values
    return _("The estimated value %(value)s is below the %(label)s, %(amount)s (in force from %(day)s; source: "
             "%(source)s).") % values


# --- the drafted requirements ---------------------------------------------------------------------------------


def drafted_requirements(needs: list[Need]) -> list[dict]:
    """One requirement per desired effect of each need (one line each), tagged with how it will be followed up:
    the need's own measures, checked by documentation every year."""
    found = []
    for need in needs:
        effects = [line.strip(" -•\t") for line in need.desired_effects.splitlines() if line.strip(" -•\t")]
        for position, effect in enumerate(effects, start=1):
            found.append({
                "identifier": f"{need.reference}-{position}"[:20], "need": need,
                "text": _("%(effect)s (need %(reference)s, %(agency)s). Measured by: %(measures)s") % {
                    "effect": effect, "reference": need.reference, "agency": need.agency.name,
                    "measures": need.effect_measures.strip()},
                "kind": RequirementKind.EVALUATED, "category": RequirementCategory.INNOVATION,
                "followup_method": FollowUpMethod.DOCUMENTATION, "followup_frequency": FollowUpFrequency.ANNUALLY})
    return found


# --- the dashboard ---------------------------------------------------------------------------------------------


def _count_chart(title: str, description: str, counter: Counter, category_label: str) -> Chart:
    categories = sorted(counter)
    return Chart(title=title, description=description, categories=categories, category_label=category_label,
                 series=[Series(_("Needs"), [counter[key] for key in categories])])


def _rates(prestudy: PreStudy) -> tuple[list[str], list[int | None]]:
    categories, values = [], []
    for survey in prestudy.surveys.filter(status="sent").annotate(
            asked=Count("recipients", distinct=True), answered=Count("answers", distinct=True)):
        categories.append(_("Survey: %(title)s") % {"title": survey.title})
        values.append(round(100 * survey.answered / survey.asked) if survey.asked else None)
    published = {entry.dialogue_id: len(entry.details.get("told", [])) for entry in prestudy.contacts.filter(
        kind=ContactKind.RFI_PUBLISHED)}
    for dialogue in prestudy.dialogues.filter(status="published").annotate(answered=Count("responses")):
        told = published.get(dialogue.pk, 0)
        categories.append(_("RFI: %(title)s") % {"title": dialogue.title})
        values.append(round(100 * min(dialogue.answered, told) / told) if told else None)
    return categories, values


def dashboard(prestudy: PreStudy, *, needs: list[Need] | None = None, found: Facts | None = None) -> list[Chart]:
    """The charts of the pre-study's dashboard, in the order the page and the report show them."""
    needs = prestudy_needs(prestudy) if needs is None else needs
    found = found or facts(prestudy, needs=needs)
    totals = aggregation.totals(needs, public=False)
    by_division = Counter(division for need in needs for division in sorted({c.division for c in need.cpv_codes.all()}))
    by_region = Counter(str(need.region.label) if need.region else str(aggregation.WHOLE_COUNTRY) for need in needs)
    by_agency = Counter(need.agency.name for need in needs)
    trl = Counter(item.solution.trl for item in found.solutions)
    trl_categories = [str(level) for level in range(1, 10)] + [_("Not given")]
    rate_categories, rate_values = _rates(prestudy)
    return [
        _count_chart(_("Needs by CPV division"), _("How many of the pre-study's needs have a CPV code in each "
                                                   "division."), by_division, _("CPV division")),
        _count_chart(_("Needs by region"), _("How many of the pre-study's needs are in each region."), by_region,
                     _("Region")),
        _count_chart(_("Needs by agency"), _("How many needs each agency registered."), by_agency, _("Agency")),
        Chart(title=_("Aggregated volume per year by CPV division"),
              description=_("The yearly volume of the needs and of the agencies that joined them, by CPV division "
                            "and unit."),
              categories=[f"{row.label} ({row.unit})" for row in totals.by_division],
              category_label=_("CPV division"),
              series=[Series(_("Volume per year"), [row.volume for row in totals.by_division])]),
        Chart(title=_("Maturity of the matching solutions"),
              description=_("How many of the published solutions that match the needs are at each technology "
                            "readiness level (TRL)."),
              categories=trl_categories, category_label=_("TRL"),
              series=[Series(_("Solutions"), [trl[level] for level in range(1, 10)] + [trl[None]])]),
        Chart(title=_("Potential suppliers"),
              description=_("The suppliers of the matching solutions, small and medium-sized enterprises (SMEs) "
                            "and others."),
              categories=[_("SMEs"), _("Other suppliers")], category_label=_("Suppliers"),
              series=[Series(_("Suppliers"), [found.smes, len(found.suppliers) - found.smes])]),
        Chart(title=_("Response rates"),
              description=_("The share of the agencies asked that answered each survey, and of the suppliers told "
                            "that answered each request for information."),
              categories=rate_categories, category_label=_("Survey or request"), unit="%",
              series=[Series(_("Answered"), rate_values)]),
    ]
