"""How much of an agreement's maximum value is used (rule 1; EU Court of Justice C-216/17).

The maximum binds: once the contracted call-offs reach it, the agreement can no longer be used.
Consumed is the sum of the agreement's commitments (signed call-off contracts, later their options and
changes); `agreements.services.agreement_commit` adds one under a lock on the agreement.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from .models import FrameworkAgreement

# From this share of the maximum the agency and the purchasing body are warned.
WARNING_SHARE = Decimal("0.8")


@dataclass(frozen=True)
class Consumption:
    max_value: Decimal
    committed: Decimal

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
        return self.committed + amount <= self.max_value

    def after(self, amount: Decimal) -> Consumption:
        return Consumption(self.max_value, self.committed + amount)


def agreement_consumption(agreement: FrameworkAgreement) -> Consumption:
    committed = agreement.commitments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Consumption(Decimal(agreement.max_value), Decimal(committed))
