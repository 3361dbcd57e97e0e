"""Call-offs of the demo picked by what they are, not by their reference numbers (the demo grows)."""

from innokop.calloffs.models import CallOff, CallOffStatus
from innokop.followup.models import SalesReport


def contracted() -> CallOff:
    return CallOff.objects.filter(status=CallOffStatus.CONTRACTED).order_by("reference").first()


def with_plan() -> CallOff:
    return (CallOff.objects.filter(status=CallOffStatus.CONTRACTED, contract__followup_plan__rounds__isnull=False)
            .distinct().order_by("reference").first())


def awarded() -> CallOff:
    return CallOff.objects.filter(status=CallOffStatus.AWARDED).order_by("reference").first()


def draft() -> CallOff:
    return CallOff.objects.filter(status=CallOffStatus.DRAFT).order_by("reference").first()


def cancelled_after_publication() -> CallOff:
    return next(c for c in CallOff.objects.filter(status=CallOffStatus.CANCELLED).order_by("reference")
                if c.published_at and c.cancelled_at >= c.published_at)


def with_sales_report() -> tuple[CallOff, SalesReport]:
    """A contracted call-off whose supplier has reported an ended quarter on the agreement without a row for the
    contract's buyer and lot: a correction that adds the row gives the contract a transaction."""
    for calloff in CallOff.objects.filter(status=CallOffStatus.CONTRACTED).select_related("contract").order_by(
            "reference"):
        contract = calloff.contract
        reports = (SalesReport.objects.current().filter(agreement=calloff.lot.agreement, supplier=contract.supplier,
                                                        is_zero=False)
                   .exclude(rows__buyer=contract.agency, rows__lot=calloff.lot).order_by("-year", "-quarter"))
        if reports:
            return calloff, reports[0]
    raise AssertionError("the demo has no contracted call-off whose supplier reported sales")
