"""Access-matrix rows for the call-off URLs (see tests/test_access_matrix.py).

The agency persona (a procurer, not admin) is on the team of both call-offs; the supplier persona's
organisation is invited to the open one. The CPB sees neither (its summary view comes later).
"""

from datetime import date, datetime, timedelta, timezone

from django.core.files.base import ContentFile
from django.urls import reverse

from innokop.calloffs.models import CallOff, CallOffStatus, RecordExport

from ..access import API_AUTH, OWNER_ONLY, Row, static
from ..agreements.factories import AgreementFactory, LotFactory

INVITED_READS = {"anonymous": 302, "supplier": 200, "agency": 200, "cpb": 404, "staff": 404}
START = {"anonymous": 302, "supplier": 403, "agency": 200, "cpb": 403, "staff": 403}
TEAM_POST = {"anonymous": 302, "supplier": 404, "agency": 302, "cpb": 404, "staff": 404}
# An invited supplier asks (the agency may read the call-off, not ask); the team answers (the supplier may not).
ASK_POST = {"anonymous": 302, "supplier": 302, "agency": 403, "cpb": 404, "staff": 404}
# The procurement record is the agency's, like the opening and the evaluation: 404 for everyone else,
# invited suppliers included (get_calloff_for_agency).
AGENCY_READS = {"anonymous": 302, "supplier": 404, "agency": 200, "cpb": 404, "staff": 404}
# The CPB's framework managers (and platform staff, who manage every agreement) see a summary of call-offs.
CPB_SUMMARY = {"anonymous": 302, "supplier": 403, "agency": 403, "cpb": 200, "staff": 200}
ANSWER_POST = {"anonymous": 302, "supplier": 403, "agency": 302, "cpb": 404, "staff": 404}


def _calloff(world, **fields) -> CallOff:
    count = CallOff.objects.count() + 1
    calloff = CallOff.objects.create(agency=world.extra["agency"], lot=world.extra["lot"], created_by=world.agency_admin,
                                     reference=f"AV-2000-{count:04d}", method="renewed_competition_dialogue",
                                     title=f"Avrop {count}", **fields)
    calloff.team.add(world.agency_admin, world.users["agency"])
    return calloff


def build(world) -> None:
    # The matrix runs on the real clock: an agreement in force today, so the agency may start a call-off.
    today = date.today()
    active = AgreementFactory(owner=world.extra["cpb"], created_by=world.users["cpb"], published_at=datetime.now(timezone.utc),
                              start_date=today - timedelta(days=30), end_date=today + timedelta(days=700))
    moment = datetime(2030, 1, 1, 11, tzinfo=timezone.utc)
    open_calloff = _calloff(world, status=CallOffStatus.OPEN, published_at=datetime(2029, 12, 1, tzinfo=timezone.utc),
                            questions_close=moment, answers_by=moment, tender_deadline=moment, opening_at=moment)
    open_calloff.invitations.create(supplier=world.extra["supplier_org"], invited_at=open_calloff.published_at)
    question = open_calloff.questions.create(supplier=world.extra["supplier_org"], asked_by=world.users["supplier"],
                                             text="Hur många användare?", asked_at=open_calloff.published_at)
    export = RecordExport.objects.create(calloff=open_calloff, requested_by=world.users["agency"],
                                         requested_at=open_calloff.published_at, progress=100,
                                         finished_at=open_calloff.published_at)
    export.file.save("record.zip", ContentFile(b"PK\x05\x06" + bytes(18)))
    world.extra.update(active_lot=LotFactory(agreement=active, number=1), calloff_draft=_calloff(world),
                       calloff_open=open_calloff, calloff_question=question, record_export=export,
                       active_agreement=active)


def _url(name: str, key: str):
    return lambda world: reverse(name, args=[world.extra[key].pk])


def _export_url(name: str):
    return lambda world: reverse(name, args=[world.extra["calloff_open"].pk, world.extra["record_export"].pk])


ROWS = {
    "calloffs:calloff_start": Row(_url("calloffs:calloff_start", "active_lot"), START),
    "calloffs:calloff_detail": Row(_url("calloffs:calloff_detail", "calloff_open"), INVITED_READS),
    "calloffs:calloff_need": Row(_url("calloffs:calloff_need", "calloff_draft"), OWNER_ONLY),
    "calloffs:calloff_evaluation": Row(_url("calloffs:calloff_evaluation", "calloff_draft"), OWNER_ONLY),
    "calloffs:calloff_timetable": Row(_url("calloffs:calloff_timetable", "calloff_draft"), OWNER_ONLY),
    "calloffs:calloff_check": Row(_url("calloffs:calloff_check", "calloff_draft"), OWNER_ONLY),
    "calloffs:calloff_published": Row(_url("calloffs:calloff_published", "calloff_open"), OWNER_ONLY),
    "calloffs:calloff_team_add": Row(_url("calloffs:calloff_team_add", "calloff_draft"), TEAM_POST, "post"),
    "calloffs:calloff_cancel": Row(_url("calloffs:calloff_cancel", "calloff_open"), OWNER_ONLY | {"supplier": 403}),
    "calloffs:question_ask": Row(_url("calloffs:question_ask", "calloff_open"), ASK_POST, "post"),
    "calloffs:question_answer": Row(lambda world: reverse("calloffs:question_answer", args=[
        world.extra["calloff_open"].pk, world.extra["calloff_question"].pk]), ANSWER_POST, "post"),
    "calloffs:record_export": Row(_url("calloffs:record_export", "calloff_open"), AGENCY_READS),
    "calloffs:record_export_status": Row(_export_url("calloffs:record_export_status"), AGENCY_READS),
    "calloffs:record_export_download": Row(_export_url("calloffs:record_export_download"), AGENCY_READS),
    "calloffs:agreement_calloffs": Row(_url("calloffs:agreement_calloffs", "active_agreement"), CPB_SUMMARY),
    "api:calloff_list": Row(static("api:calloff_list"), API_AUTH),
    "api:calloff_detail": Row(_url("api:calloff_detail", "calloff_open"),
                              {"anonymous": 401, "supplier": 200, "agency": 200, "cpb": 404, "staff": 404}),
}
