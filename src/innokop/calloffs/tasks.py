"""Background work of call-offs.

Time-driven states never wait for these tasks: a read of the call-off computes them from the clock
and makes the pass-on itself. The task exists so that the next supplier in a ranking is told in
time even when nobody opens the call-off.
"""

from django_tasks import task

from innokop.core import clock

from .models import CallOff, CallOffKind, CallOffStatus, OfferStatus


@task()
def advance_ranking_offers(calloff_id: int | None = None) -> int:
    """Passes expired ranking offers on (of one call-off, or of every offered call-off); returns how many expired.

    Each pass-on sends its own notifications. Safe to run again: an offer that has already passed on
    is not open any more.
    """
    from .services.ranking import ranking_offers_advance

    due = CallOff.objects.filter(method=CallOffKind.RANKING, status=CallOffStatus.OFFERED,
                                 offers__status=OfferStatus.OFFERED, offers__answer_by__lte=clock.now())
    if calloff_id is not None:
        due = due.filter(pk=calloff_id)
    return sum(len(ranking_offers_advance(calloff=calloff)) for calloff in due.distinct())
