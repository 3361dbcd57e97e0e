"""Access-matrix rows for the call-off URLs (see tests/test_access_matrix.py).

The agency persona (a procurer, not admin) is on the team of both call-offs; the colleague persona,
a procurer of the same agency, is on neither team: they read, they do not change (403). The supplier
persona's organisation is invited to the open one; the other-lot supplier is invited to none (404).
The CPB sees neither call-off itself, only its summary of an agreement's call-offs; platform staff
see nothing of them.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.urls import reverse

from innokop.calloffs.models import CallOff, CallOffStatus, RecordExport

from ..access import AGENCY_READS, API_AUTH, TEAM_ONLY, Row, static
from ..agreements.factories import AgreementFactory, LotFactory

INVITED_READS = {"anonymous": 302, "supplier": 200, "agency": 200, "colleague": 200, "*": 404}
# Any procurer or business developer of an entitled agency starts a call-off from a lot in force.
START = {"anonymous": 302, "agency": 200, "colleague": 200, "*": 403}
TEAM_POST = TEAM_ONLY | {"agency": 302}
# An invited supplier asks (the agency may read the call-off, not ask); the team answers (the supplier may not).
ASK_POST = {"anonymous": 302, "supplier": 302, "agency": 403, "colleague": 403, "*": 404}
ANSWER_POST = TEAM_POST | {"supplier": 403}
# The procurement record is the agency's, like the opening and the evaluation: 404 for everyone else,
# invited suppliers included (get_calloff_for_agency).
RECORD = AGENCY_READS
# The CPB's framework managers see a summary of the call-offs of their agreement; it is visible to all, so 403.
CPB_SUMMARY = {"anonymous": 302, "cpb": 200, "*": 403}


def _calloff(world, **fields) -> CallOff:
    count = CallOff.objects.count() + 1
    calloff = CallOff.objects.create(agency=world.extra["agency"], lot=world.extra["lot"], created_by=world.agency_admin,
                                     reference=f"AV-2000-{count:04d}", method="renewed_competition_dialogue",
                                     title=f"Avrop {count}", **fields)
    calloff.team.add(world.agency_admin, world.users["agency"])
    return calloff


def build(world) -> None:
    # An agreement in force at the matrix's moment, so the agency may start a call-off from its lot.
    today = world.now.date()
    active = AgreementFactory(owner=world.extra["cpb"], created_by=world.users["cpb"], published_at=world.now,
                              start_date=today - timedelta(days=30), end_date=today + timedelta(days=700))
    # Published a month ago; questions, answers and tenders are all due a month from now.
    moment = world.now + timedelta(days=30)
    open_calloff = _calloff(world, status=CallOffStatus.OPEN, published_at=world.now - timedelta(days=30),
                            questions_close=moment, answers_by=moment, tender_deadline=moment, opening_at=moment)
    open_calloff.invitations.create(supplier=world.extra["supplier_org"], invited_at=open_calloff.published_at)
    question = open_calloff.questions.create(supplier=world.extra["supplier_org"], asked_by=world.users["supplier"],
                                             text="Hur många användare?", asked_at=open_calloff.published_at)
    export = RecordExport.objects.create(calloff=open_calloff, requested_by=world.users["agency"],
                                         requested_at=open_calloff.published_at, progress=100,
                                         finished_at=open_calloff.published_at)
    export.file.save("record.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    # Scheduled: published for a day ten days from now, so the invited supplier does not see it yet.
    scheduled = _calloff(world, status=CallOffStatus.OPEN, published_at=world.now + timedelta(days=10),
                         questions_close=moment, answers_by=moment, tender_deadline=moment, opening_at=moment)
    scheduled.invitations.create(supplier=world.extra["supplier_org"], invited_at=scheduled.published_at)
    world.extra.update(active_lot=LotFactory(agreement=active, number=1), calloff_draft=_calloff(world),
                       calloff_open=open_calloff, calloff_question=question, record_export=export,
                       active_agreement=active, calloff_scheduled=scheduled)


def _url(name: str, key: str):
    return lambda world: reverse(name, args=[world.extra[key].pk])


def _export_url(name: str):
    return lambda world: reverse(name, args=[world.extra["calloff_open"].pk, world.extra["record_export"].pk])


ROWS = {
    "calloffs:calloff_start": Row(_url("calloffs:calloff_start", "active_lot"), START),
    "calloffs:calloff_detail": Row(_url("calloffs:calloff_detail", "calloff_open"), INVITED_READS),
    "calloffs:calloff_need": Row(_url("calloffs:calloff_need", "calloff_draft"), TEAM_ONLY),
    "calloffs:calloff_evaluation": Row(_url("calloffs:calloff_evaluation", "calloff_draft"), TEAM_ONLY),
    "calloffs:calloff_timetable": Row(_url("calloffs:calloff_timetable", "calloff_draft"), TEAM_ONLY),
    "calloffs:calloff_check": Row(_url("calloffs:calloff_check", "calloff_draft"), TEAM_ONLY),
    "calloffs:calloff_published": Row(_url("calloffs:calloff_published", "calloff_open"), AGENCY_READS),
    "calloffs:calloff_team_add": Row(_url("calloffs:calloff_team_add", "calloff_draft"), TEAM_POST, "post"),
    "calloffs:calloff_cancel": Row(_url("calloffs:calloff_cancel", "calloff_open"), TEAM_ONLY | {"supplier": 403}),
    # The team takes a scheduled call-off back to a draft; the invited supplier does not see it yet (404).
    "calloffs:calloff_unschedule": Row(_url("calloffs:calloff_unschedule", "calloff_scheduled"), TEAM_POST, "post"),
    "calloffs:question_ask": Row(_url("calloffs:question_ask", "calloff_open"), ASK_POST, "post"),
    "calloffs:question_answer": Row(lambda world: reverse("calloffs:question_answer", args=[
        world.extra["calloff_open"].pk, world.extra["calloff_question"].pk]), ANSWER_POST, "post"),
    "calloffs:record_export": Row(_url("calloffs:record_export", "calloff_open"), RECORD),
    "calloffs:record_export_status": Row(_export_url("calloffs:record_export_status"), RECORD),
    "calloffs:record_export_download": Row(_export_url("calloffs:record_export_download"), RECORD),
    "calloffs:agreement_calloffs": Row(_url("calloffs:agreement_calloffs", "active_agreement"), CPB_SUMMARY),
    "api:calloff_list": Row(static("api:calloff_list"), API_AUTH),
    "api:calloff_detail": Row(_url("api:calloff_detail", "calloff_open"), INVITED_READS | {"anonymous": 401}),
}
