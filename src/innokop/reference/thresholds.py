"""Rule 13: thresholds live in a dated table with their source; the value in force on a day is the newest row
from that day or before. A new value is a new row, never an edit of an old one (the EU thresholds are revised
every two years, and the national direct award limit can change by law)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.refusals import Problem, Refused

from .models import Threshold, ThresholdKind

EU_SOURCE = ("Kommissionens delegerade förordning (EU) 2023/2495 och kommissionens meddelande om motvärden i "
             "nationella valutor (från 1 januari 2024); LOU (2016:1145) 5 kap.")
DIRECT_AWARD_SOURCE = "LOU (2016:1145) 19 kap. 3 § (direktupphandlingsgräns, i kraft 1 januari 2024)"

# Rule 13 (DESIGN.md §4): the values in force from 1 January 2024, as the data migration loads them. Later values
# are added as new rows (`threshold_add`, `innokop threshold_add`, the admin), never here.
SEED = [
    (ThresholdKind.CENTRAL_GOVERNMENT, date(2024, 1, 1), Decimal(1546202), EU_SOURCE),
    (ThresholdKind.OTHER_BUYERS, date(2024, 1, 1), Decimal(2389585), EU_SOURCE),
    (ThresholdKind.DIRECT_AWARD, date(2024, 1, 1), Decimal(700000), DIRECT_AWARD_SOURCE),
]


def seed_thresholds(model=Threshold) -> int:
    """Loads the seeded rows that are missing (the migration, and tests after a flush); returns how many."""
    missing = [model(kind=str(kind), valid_from=day, amount=amount, source=source,
                     created_at=datetime(2024, 1, 1, tzinfo=timezone.utc))
               for kind, day, amount, source in SEED
               if not model.objects.filter(kind=str(kind), valid_from=day).exists()]
    model.objects.bulk_create(missing)
    return len(missing)


class ThresholdError(Refused):
    code = "threshold_refused"


def threshold_on(kind: str, day: date) -> Threshold | None:
    """The threshold of `kind` in force on `day`, or None when the table has no value for that day."""
    return Threshold.objects.filter(kind=kind, valid_from__lte=day).order_by("-valid_from").first()


def not_later_problem(kind: str, valid_from: date, *, lock: bool = False) -> str | None:
    """Why a value from `valid_from` cannot be added: a row of the kind already applies from that day or later."""
    rows = Threshold.objects.filter(kind=kind)
    latest = (rows.select_for_update() if lock else rows).order_by("-valid_from").first()
    if latest is not None and valid_from <= latest.valid_from:
        return _("A threshold already applies from %(day)s. Thresholds are never changed: add the new value from "
                 "a later day.") % {"day": latest.valid_from.isoformat()}
    return None


def threshold_add(*, actor, kind: str, valid_from: date, amount: Decimal, source: str) -> Threshold:
    """Adds the value in force from `valid_from`. It must be later than every row of its kind: a value already
    in force is never changed, and a correction is a new row from a later day."""
    if kind not in ThresholdKind.values:
        raise ThresholdError(_("Choose the kind of threshold."), code="invalid_kind",
                             problems=[Problem("kind", _("Choose the kind of threshold."))])
    if amount is None or amount <= 0:
        raise ThresholdError(_("A threshold is an amount over zero."), code="invalid_amount",
                             problems=[Problem("amount", _("Give an amount over zero."))])
    if not source.strip():
        raise ThresholdError(_("Give the source of the threshold (the regulation or notice that sets it)."),
                             code="source_missing", problems=[Problem("source", _("Give the source."))])
    with transaction.atomic():
        problem = not_later_problem(kind, valid_from, lock=True)
        if problem:
            raise ThresholdError(problem, code="threshold_not_later", status=409, problems=[Problem("valid_from", problem)])
        try:
            threshold = Threshold.objects.create(kind=kind, valid_from=valid_from, amount=amount,
                                                 source=source.strip()[:300], created_at=clock.now())
        except IntegrityError:
            raise ThresholdError(_("Someone added this threshold at the same moment."), code="conflict",
                                 status=409) from None
        audit_log(actor=actor, verb="threshold.added", obj=threshold, payload={
            "kind": kind, "valid_from": valid_from.isoformat(), "amount": str(amount), "source": threshold.source})
    return threshold
