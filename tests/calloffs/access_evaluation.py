"""Access-matrix rows for the evaluation, decision and contract API's changes (calloffs/api_evaluation.py).

The call-offs are tests/calloffs/access_award.py's (built before this module): the agency persona is on
their team and has declared no conflict of interest in the opened one; the colleague, in the same agency, is
on no team (403); everyone outside the agency gets 404, the invited and contracted supplier included, as in
the pages. Every change is posted with the body `{}`: for the team, what the service then refuses (400 for
the request, 409 for the call-off's state) or does (200, 201).
"""

from django.urls import reverse

from ..access import Row

TEAM = {"anonymous": 401, "colleague": 403, "*": 404}
AGENCY_READS = {"anonymous": 401, "agency": 200, "colleague": 200, "*": 404}


def build(world) -> None:
    """Nothing of its own: the rows use access_award's call-offs."""


def _url(name: str, key: str):
    return lambda world: reverse(name, args=[world.extra[key].pk])


def _tender_url(name: str):
    return lambda world: reverse(name, args=[world.extra["award_opened"].pk, world.extra["award_opened_tender"].pk])


def _team(status: int) -> dict:
    return TEAM | {"agency": status}


ROWS = {
    "api:evaluation_tender_qualify": Row(_tender_url("api:evaluation_tender_qualify"), _team(200), "post", json=True),
    # No reason, and nothing stops the tender from being qualified: a reason is asked for.
    "api:evaluation_tender_reject": Row(_tender_url("api:evaluation_tender_reject"), _team(400), "post", json=True),
    "api:evaluation_declaration_get": Row(_url("api:evaluation_declaration_get", "award_opened"), _team(200)),
    # Nothing confirmed.
    "api:evaluation_declare": Row(_url("api:evaluation_declare", "award_opened"), _team(400), "post", json=True),
    "api:evaluation_scores_get": Row(_tender_url("api:evaluation_scores_get"), _team(200)),
    "api:evaluation_scores_put": Row(_tender_url("api:evaluation_scores_put"), _team(400), "put", json=True),
    "api:evaluation_consensus_put": Row(_tender_url("api:evaluation_consensus_put"), _team(400), "put", json=True),
    "api:evaluation_ranking_get": Row(_url("api:evaluation_ranking_get", "award_opened"), AGENCY_READS),
    # No consensus score yet: nothing to rank.
    "api:evaluation_complete": Row(_url("api:evaluation_complete", "award_opened"), _team(409), "post", json=True),
    "api:evaluation_reopen": Row(_url("api:evaluation_reopen", "award_evaluated"), _team(400), "post", json=True),
    "api:decision_draft": Row(_url("api:decision_draft", "award_evaluated"), _team(200)),
    # Whether there is a standstill is not said.
    "api:decision_send": Row(_url("api:decision_send", "award_evaluated"), _team(400), "post", json=True),
    # Sent without a standstill: signed at once with the defaults.
    "api:contract_sign": Row(_url("api:contract_sign", "award_awarded"), _team(201), "post", json=True),
}
