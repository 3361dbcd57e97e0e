"""How much of an agreement's maximum value is used (rule 1; EU Court of Justice C-216/17).

The maximum binds: once the call-offs reach it, the agreement can no longer be used. Used is the LARGER of two
figures, since many call-offs happen outside Innoköp:

- the contracted value: the sum of the agreement's commitments (signed call-off contracts, the options used and
  the changes recorded in the contract register, a reduction as a negative amount);
  `agreements.services.agreement_commit` adds one under a lock on the agreement;
- the reported turnover: what the suppliers have reported in their sales reports (current versions), kept on the
  agreement by `agreements.services.agreement_reported_turnover_set`, which the follow-up app calls when a
  report is submitted or corrected (agreements sits below follow-up and does not read its reports).

The 80 % warning, the refusal of a contract over the maximum and the panels all read this one figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import Commitment, FrameworkAgreement

# From this share of the maximum the agency and the purchasing body are warned.
WARNING_SHARE = Decimal("0.8")

CONTRACTED = "contracted"
REPORTED = "reported"


@dataclass(frozen=True)
class Consumption:
    max_value: Decimal
    contracted: Decimal
    reported: Decimal = Decimal(0)

    @property
    def committed(self) -> Decimal:
        """The figure that counts against the maximum: the larger of the contracted value and the reported
        turnover (the name is kept for the callers that read it as "used")."""
        return max(self.contracted, self.reported)

    @property
    def used(self) -> Decimal:
        return self.committed

    @property
    def counts(self) -> str:
        """Which part counts: `REPORTED` when the suppliers have reported more than is contracted."""
        return REPORTED if self.reported > self.contracted else CONTRACTED

    @property
    def reported_counts(self) -> bool:
        return self.counts == REPORTED

    @property
    def remaining(self) -> Decimal:
        return max(self.max_value - self.committed, Decimal(0))

    @property
    def share(self) -> Decimal:
        return self.committed / self.max_value if self.max_value else Decimal(1)

    @property
    def percent(self) -> int:
        """Whole per cent, rounded down: 79.9 % is not yet 80 %."""
        return int(self.share * 100)

    @property
    def warning(self) -> bool:
        return self.share >= WARNING_SHARE

    @property
    def exhausted(self) -> bool:
        return self.committed >= self.max_value

    def allows(self, amount: Decimal) -> bool:
        """Whether `amount` more contracted value fits; a reduction (a negative amount) always does."""
        return amount <= 0 or max(self.contracted + amount, self.reported) <= self.max_value

    def after(self, amount: Decimal) -> Consumption:
        return Consumption(self.max_value, self.contracted + amount, self.reported)

    def with_reported(self, reported: Decimal) -> Consumption:
        return Consumption(self.max_value, self.contracted, reported)


def agreement_consumption(agreement: FrameworkAgreement) -> Consumption:
    return agreements_consumption([agreement])[agreement.pk]


def agreements_consumption(agreements) -> dict[int, Consumption]:
    """The consumption of each agreement, by its id, in one query whatever their number (for the pages that show
    many agreements)."""
    agreements = list(agreements)
    contracted = dict(Commitment.objects.filter(agreement_id__in=[a.pk for a in agreements]).values("agreement_id")
                      .annotate(total=Sum("amount")).values_list("agreement_id", "total").order_by())
    return {a.pk: Consumption(Decimal(a.max_value), Decimal(contracted.get(a.pk) or 0), Decimal(a.reported_turnover))
            for a in agreements}
