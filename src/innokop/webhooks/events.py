"""The audit-trail verbs an endpoint may subscribe to, and the API address whose answer each delivery carries."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class EventKind:
    verb: str
    label: Promise
    object_type: str  # the object's name in the delivery's body
    api_path: str  # under /api/, with {id} for the audit event's object id


EVENTS: dict[str, EventKind] = {kind.verb: kind for kind in (
    EventKind("calloff.published", _("A call-off is published"), "calloff", "calloffs/{id}"),
    EventKind("calloff.question_answered", _("A question in a call-off is answered"), "calloff", "calloffs/{id}"),
    EventKind("calloff.clarification_published", _("A clarification is published"), "calloff",
              "calloffs/{id}/clarifications"),
    EventKind("calloff.deadline_extended", _("A tender deadline is extended"), "calloff", "calloffs/{id}"),
    EventKind("calloff.cancelled", _("A call-off is cancelled"), "calloff", "calloffs/{id}"),
    EventKind("calloff.award_decision_sent", _("An award decision is sent"), "calloff", "calloffs/{id}/decision"),
    EventKind("calloff.contract_signed", _("A call-off contract is signed"), "calloff", "calloffs/{id}/contract"),
    EventKind("followup_round.requested", _("A follow-up is requested"), "followup_round",
              "follow-up/rounds/{id}"),
    EventKind("followup_round.answered", _("A follow-up is answered"), "followup_round", "follow-up/rounds/{id}"),
)}

PING = "ping"


def choices() -> list[tuple[str, Promise]]:
    return [(verb, kind.label) for verb, kind in EVENTS.items()]


def label(verb: str):
    kind = EVENTS.get(verb)
    return kind.label if kind else _("Test ping") if verb == PING else verb
