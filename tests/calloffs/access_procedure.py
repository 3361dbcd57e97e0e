"""Access-matrix rows for the procedure API (calloffs/api_procedure.py; see tests/test_access_matrix.py).

The call-offs are those of tests/calloffs/access.py, the meetings those of access_dialogue.py: the agency persona
is on their team, the colleague reads them and may change nothing (403), the supplier is invited to the open one
and sees neither the draft nor the scheduled one. An operation with a required body is sent an empty one: every
caller who is signed in gets 422 before anything is looked up; tests/calloffs/test_api_procedure.py proves who may
call each with a whole body.
"""

from django.urls import reverse

from ..access import Row

BODY_FIRST = {"anonymous": 401, "*": 422}
AGENCY_ONLY = {"anonymous": 401, "agency": 200, "colleague": 200, "*": 404}
INVITED = {"anonymous": 401, "supplier": 200, "agency": 200, "colleague": 200, "*": 404}
# A change on the open call-off: the team may ask (and is refused by the rules), the colleague and the invited
# supplier see the call-off and may not change it.
TEAM_ON_OPEN = {"anonymous": 401, "agency": 400, "colleague": 403, "supplier": 403, "*": 404}
# The scheduled call-off: the team takes it back to a draft; no supplier sees it yet.
TEAM_ON_SCHEDULED = {"anonymous": 401, "agency": 200, "colleague": 403, "*": 404}
# The booking supplier gives its time back; the agency sees the call-off and may not.
BOOKER_ONLY = {"anonymous": 401, "supplier": 200, "agency": 403, "colleague": 403, "*": 404}


def build(world) -> None:
    """Nothing of its own: the rows use the call-offs tests/calloffs/access.py builds."""


def _url(name: str, *keys: str):
    return lambda world: reverse(name, args=[world.extra[key].pk for key in keys])


ROWS = {
    "api:calloff_start_api": Row(_url("api:calloff_start_api", "active_lot"), BODY_FIRST, "post", json=True),
    "api:calloff_setup": Row(_url("api:calloff_setup", "calloff_open"), AGENCY_ONLY),
    "api:calloff_need_api": Row(_url("api:calloff_need_api", "calloff_draft"), BODY_FIRST, "put", json=True),
    "api:calloff_evaluation_api": Row(_url("api:calloff_evaluation_api", "calloff_draft"), BODY_FIRST, "put",
                                      json=True),
    "api:calloff_timetable_api": Row(_url("api:calloff_timetable_api", "calloff_draft"), BODY_FIRST, "put",
                                     json=True),
    "api:calloff_contract_period_api": Row(_url("api:calloff_contract_period_api", "calloff_draft"), BODY_FIRST,
                                           "put", json=True),
    "api:calloff_publish_api": Row(_url("api:calloff_publish_api", "calloff_open"), TEAM_ON_OPEN, "post", json=True),
    "api:calloff_unschedule_api": Row(_url("api:calloff_unschedule_api", "calloff_scheduled"), TEAM_ON_SCHEDULED,
                                      "post", json=True),
    "api:calloff_questions": Row(_url("api:calloff_questions", "calloff_open"), INVITED),
    "api:question_ask_api": Row(_url("api:question_ask_api", "calloff_open"), BODY_FIRST, "post", json=True),
    "api:question_answer_api": Row(_url("api:question_answer_api", "calloff_open", "calloff_question"), BODY_FIRST,
                                   "post", json=True),
    "api:clarification_publish_api": Row(_url("api:clarification_publish_api", "calloff_open"), BODY_FIRST, "post",
                                         json=True),
    "api:dialogue_slots_offer_api": Row(_url("api:dialogue_slots_offer_api", "calloff_open"), BODY_FIRST, "post",
                                        json=True),
    "api:calloff_cancel_api": Row(_url("api:calloff_cancel_api", "calloff_open"), BODY_FIRST, "post", json=True),
    "api:deadline_extend_api": Row(_url("api:deadline_extend_api", "calloff_open"), BODY_FIRST, "post", json=True),
    "api:deadline_keep_api": Row(_url("api:deadline_keep_api", "calloff_open"), BODY_FIRST, "post", json=True),
    "api:dialogue_minutes_api": Row(_url("api:dialogue_minutes_api", "dialogue_booked", "slot_booked"), BODY_FIRST,
                                    "put", json=True),
    "api:dialogue_booking_cancel_api": Row(_url("api:dialogue_booking_cancel_api", "dialogue_booked", "slot_booked"),
                                           BOOKER_ONLY, "post", json=True),
    "api:calloff_team": Row(_url("api:calloff_team", "calloff_open"), AGENCY_ONLY),
    "api:calloff_team_add_api": Row(_url("api:calloff_team_add_api", "calloff_open"), BODY_FIRST, "post", json=True),
    "api:clarification_document_api": Row(_url("api:clarification_document_api", "dialogue_booked", "clarification"),
                                          INVITED),
}
