"""Traffic lights of follow-up, per requirement (plan item), per plan (a contract) and per supplier: computed from
the rounds and deviations when read, never stored, and always with the text behind the colour.

- red: an escalated deviation in the latest assessment, or a corrective action past its deadline;
- yellow: an open deviation (awaiting or with a corrective action on time), an answer past its deadline, or a
  KPI's latest value that misses its target;
- green: the latest assessment found the requirement met, and nothing above;
- grey: nothing assessed yet.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from innokop.core.calendar import local_date
from innokop.core.formats import day

from .models import DeviationStatus, FollowUpRound, RoundStatus

RED, YELLOW, GREEN, GREY = "red", "yellow", "green", "grey"
RANK = {GREY: 0, GREEN: 1, YELLOW: 2, RED: 3}
LABELS = {RED: gettext_lazy("Red"), YELLOW: gettext_lazy("Yellow"), GREEN: gettext_lazy("Green"),
          GREY: gettext_lazy("Not assessed")}
TAG = {RED: "govuk-tag--red", YELLOW: "govuk-tag--yellow", GREEN: "govuk-tag--green", GREY: "govuk-tag--grey"}


@dataclass(frozen=True)
class Light:
    colour: str
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(LABELS[self.colour])

    @property
    def tag_class(self) -> str:
        return TAG[self.colour]

    @property
    def text(self) -> str:
        """The colour and why, as one sentence: "Red: deviation open since 3 March, corrective action late"."""
        return f"{self.label}: {'; '.join(self.reasons)}" if self.reasons else self.label


def amount(value) -> str:
    """A measured value or target as people read it: "95" or "97,5" in Swedish."""
    return number_format(value, 0 if value == value.to_integral_value() else 2)


def worst(lights: Iterable[Light]) -> Light:
    """The worst colour, with the reasons of every light of that colour."""
    lights = list(lights)
    if not lights:
        return Light(GREY, (_("nothing assessed yet"),))
    colour = max((light.colour for light in lights), key=RANK.__getitem__)
    reasons = tuple(dict.fromkeys(r for light in lights if light.colour == colour for r in light.reasons))
    return Light(colour, reasons)


def _deviation_reasons(followup_round: FollowUpRound, now: datetime) -> list[tuple[str, str]]:
    deviation = getattr(followup_round, "deviation", None)
    if deviation is None:
        return []
    since = day(local_date(deviation.opened_at))
    if deviation.status == DeviationStatus.ACTION_PLANNED and deviation.is_action_late(now):
        return [(RED, _("deviation open since %(day)s, corrective action late (due %(due)s)")
                 % {"day": since, "due": day(deviation.action_deadline)})]
    if deviation.status == DeviationStatus.ACTION_PLANNED:
        return [(YELLOW, _("deviation open since %(day)s, corrective action planned by %(due)s")
                 % {"day": since, "due": day(deviation.action_deadline)})]
    if deviation.status == DeviationStatus.OPEN:
        return [(YELLOW, _("deviation open since %(day)s, awaiting a corrective action") % {"day": since})]
    return []


def round_findings(rounds: Iterable[FollowUpRound], now: datetime) -> list[tuple[str, str]]:
    """(colour, reason) for one item and supplier, from its rounds (any order)."""
    rounds = sorted(rounds, key=lambda r: (r.scheduled_on, r.pk))
    findings: list[tuple[str, str]] = []
    for followup_round in rounds:
        findings.extend(_deviation_reasons(followup_round, now))
        if followup_round.is_overdue(now):
            findings.append((YELLOW, _("answer overdue since %(day)s") % {"day": day(local_date(followup_round.deadline))}))
    assessed = [r for r in rounds if r.status in (RoundStatus.MET, RoundStatus.DEVIATION)]
    if assessed:
        latest = assessed[-1]
        deviation = getattr(latest, "deviation", None)
        if deviation is not None and deviation.status == DeviationStatus.ESCALATED:
            findings.append((RED, _("deviation escalated on %(day)s: %(sanction)s")
                             % {"day": day(local_date(deviation.escalated_at)),
                                "sanction": deviation.get_sanction_display()}))
        elif latest.status == RoundStatus.MET:
            findings.append((GREEN, _("met on %(day)s") % {"day": day(local_date(latest.assessed_at))}))
        elif deviation is not None and deviation.status == DeviationStatus.CLOSED:
            findings.append((GREEN, _("deviation closed on %(day)s") % {"day": day(local_date(deviation.closed_at))}))
    measured = [r for r in rounds if r.value is not None and r.status != RoundStatus.REQUESTED]
    if measured and measured[-1].item.meets_target(measured[-1].value) is False:
        item = measured[-1].item
        findings.append((YELLOW, _("latest value %(value)s %(unit)s, target %(direction)s %(target)s %(unit)s")
                         % {"value": amount(measured[-1].value), "unit": item.unit, "target": amount(item.target),
                            "direction": item.get_target_direction_display()}))
    return findings


def light_of(findings: list[tuple[str, str]], prefix: str = "") -> Light:
    if not findings:
        return Light(GREY, (_("nothing assessed yet"),))
    colour = max((c for c, _r in findings), key=RANK.__getitem__)
    return Light(colour, tuple(f"{prefix}{reason}" for c, reason in findings if c == colour))


def lights(rounds: Iterable[FollowUpRound], now: datetime, *, name_suppliers: bool = False) -> dict:
    """Lights per item (`("item", pk)`), per supplier (`("supplier", pk)`) and overall (`"all"`), from rounds
    fetched with their item, supplier and deviation."""
    groups: dict[tuple[int, int], list[FollowUpRound]] = {}
    for followup_round in rounds:
        groups.setdefault((followup_round.item_id, followup_round.supplier_id), []).append(followup_round)
    per_item: dict[int, list[Light]] = {}
    per_supplier: dict[int, list[Light]] = {}
    for (item_pk, supplier_pk), group in groups.items():
        prefix = f"{group[0].supplier.name}: " if name_suppliers else ""
        findings = round_findings(group, now)
        per_item.setdefault(item_pk, []).append(light_of(findings, prefix))
        per_supplier.setdefault(supplier_pk, []).append(light_of(findings, f"{group[0].item.identifier}: "))
    result: dict = {("item", pk): worst(found) for pk, found in per_item.items()}
    result |= {("supplier", pk): worst(found) for pk, found in per_supplier.items()}
    result["all"] = worst(result[("supplier", pk)] for pk in per_supplier) if per_supplier else worst([])
    return result


def rounds_for_lights(queryset):
    return queryset.select_related("item", "supplier", "deviation")
