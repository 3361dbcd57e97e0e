"""Background work of call-offs.

Time-driven states never wait for these tasks: a read of the call-off computes them from the clock
and makes the pass-on (or sends a scheduled publication's invitations) itself. The tasks exist so
that the next supplier in a ranking, or the suppliers invited to a scheduled call-off, are told in
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


@task()
def send_calloff_invitations(calloff_id: int | None = None) -> int:
    """Sends the invitations of scheduled call-offs whose publication moment has come (one, or every one due);
    returns how many call-offs were published. Safe to run again: invitations are sent once."""
    from .services import calloff_invitations_send

    due = (CallOff.objects.filter(status=CallOffStatus.OPEN, invitations_sent_at__isnull=True,
                                  published_at__lte=clock.now())
           .exclude(method=CallOffKind.RANKING).select_related("agency", "lot"))
    if calloff_id is not None:
        due = due.filter(pk=calloff_id)
    return sum(calloff_invitations_send(calloff=calloff) for calloff in due)
