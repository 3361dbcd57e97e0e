"""Two web processes (`innokop serve --no-worker`, real gunicorn processes) behind one database.

Whichever process a request reaches, the tender deadline is the server's clock (rule 6) and the opening needs two
different people of the team (rule 7), done exactly once even when both act at the same moment through
different processes. The servers read the real clock, so the call-offs are made relative to the real now: one
whose deadline is weeks ahead and one whose deadline passed weeks ago. Runs on PostgreSQL and on SQLite (WAL,
see tests/multi_process.py).
"""

import json
import secrets
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from innokop.calloffs import services
from innokop.calloffs.models import CallOffStatus, OpeningRecord, TenderSubmission
from innokop.calloffs.services import tenders
from innokop.core.models import AuditEvent, Notification

from ..factories import api_token
from ..multi_process import WebProcess, shared_database  # noqa: F401  (fixture)
from .award_helpers import award_lot, content_for, submit  # noqa: F401  (fixture)
from .conftest import prepare, start

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("chain_head")]

REAL_NOW = datetime.now(timezone.utc)


@pytest.fixture
def chain_head(shared_database):  # noqa: F811
    """An earlier transactional test may have flushed the audit chain's head that a migration made."""
    from innokop.core.audit import GENESIS_HASH
    from innokop.core.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})


@pytest.fixture
def web(shared_database, tmp_path):  # noqa: F811
    """Two web processes on the test's database, started together."""
    servers = [WebProcess(shared_database, tmp_path / f"web-{n}.log") for n in range(2)]
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


def publish(actor, lot, clock, *, at: datetime, colleague=None):
    clock.set(at)
    calloff = services.calloff_publish(actor=actor, calloff=prepare(actor, start(actor, lot)))
    if colleague is not None:
        services.calloff_team_add(actor=actor, calloff=calloff, user=colleague)
    return calloff


@pytest.fixture
def in_force(award_lot):  # noqa: F811
    """The lot's agreement in force from well before the real now (its factory's dates are in 2027–2030)."""
    agreement = award_lot.agreement
    agreement.published_at = REAL_NOW - timedelta(days=400)
    agreement.start_date = (REAL_NOW - timedelta(days=365)).date()
    agreement.save(update_fields=["published_at", "start_date"])
    return award_lot


@pytest.fixture
def ahead(in_force, agency_procurer, clock, chain_head):
    calloff = publish(agency_procurer, in_force, clock, at=REAL_NOW - timedelta(minutes=1))
    assert calloff.tender_deadline > REAL_NOW + timedelta(days=7)
    return calloff


@pytest.fixture
def passed(in_force, agency_procurer, agency_colleague, clock, chain_head):
    calloff = publish(agency_procurer, in_force, clock, at=REAL_NOW - timedelta(days=120), colleague=agency_colleague)
    assert calloff.tender_deadline < REAL_NOW - timedelta(days=7)
    return calloff


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the test reads the redirect itself


def call(server: WebProcess, path: str, *, data: bytes | None = None, headers: dict | None = None) -> int:
    """The status of one request to `server` (a redirect is not followed)."""
    request = urllib.request.Request(server.base + path, data=data, headers=headers or {},
                                     method="GET" if data is None else "POST")
    try:
        with urllib.request.build_opener(NoRedirects).open(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def api_submit(server: WebProcess, calloff, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{server.base}/api/calloffs/{calloff.pk}/tender/submit", data=b"{}",
                                     method="POST", headers={"Authorization": f"Bearer {token}",
                                                             "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_deadline_is_the_same_through_either_process(web, ahead, passed, supplier, supplier_b, clock):
    for calloff in (ahead, passed):
        clock.set(calloff.tender_deadline - timedelta(days=1))
        for actor in (supplier, supplier_b):
            tenders.tender_save_draft(actor=actor, calloff=calloff, content=content_for(calloff, price=100))
    first, second = web
    token, token_b = api_token(supplier), api_token(supplier_b)

    assert api_submit(first, ahead, token)[0] == 201
    assert api_submit(second, ahead, token_b)[0] == 201
    for server, key in ((second, token), (first, token_b)):
        status, body = api_submit(server, passed, key)
        assert status == 400 and body["code"] == "calloff_refused", body

    assert sorted(TenderSubmission.objects.values_list("tender__calloff", "tender__supplier__name")) == [
        (ahead.pk, "Leverantör Ett AB"), (ahead.pk, "Leverantör Två AB")]
    assert AuditEvent.objects.filter(verb="tender.submitted").count() == 2


class Person:
    """Someone signed in to the pages (a session in the shared database) with a CSRF token."""

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.csrf = secrets.token_hex(16)  # an unmasked 32-character token, as the cookie holds it
        self.headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
                                  f"{settings.CSRF_COOKIE_NAME}={self.csrf}",
                        "Content-Type": "application/x-www-form-urlencoded"}

    def post(self, server: WebProcess, path: str) -> int:
        return call(server, path, data=f"csrfmiddlewaretoken={self.csrf}".encode(), headers=self.headers)


def at_once(*requests) -> list[int]:
    """Every (person, server, path) posted at the same moment, each on its own thread; the statuses in order."""
    barrier, statuses = threading.Barrier(len(requests)), [None] * len(requests)

    def post(index, person, server, path):
        barrier.wait(timeout=30)
        statuses[index] = person.post(server, path)

    threads = [threading.Thread(target=post, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return statuses


def test_two_people_open_the_tenders_once_whichever_processes_they_use(
        web, passed, supplier_org, supplier_org_b, supplier, supplier_b, agency_procurer, agency_colleague):
    for organisation, user, price in ((supplier_org, supplier, 100), (supplier_org_b, supplier_b, 80)):
        submit(passed, organisation, user, content_for(passed, price=price))
    first, second = web
    people = {user.pk: Person(user) for user in (agency_procurer, agency_colleague)}
    page, start_path, confirm = (reverse(f"calloffs:{name}", args=[passed.pk])
                                 for name in ("opening", "opening_start", "opening_confirm"))
    assert call(first, page, headers=people[agency_procurer.pk].headers) == 200

    # Both start at the same moment, through different processes: one of them is the first opener.
    assert at_once((people[agency_procurer.pk], first, start_path),
                   (people[agency_colleague.pk], second, start_path)) == [302, 302]
    record = OpeningRecord.objects.get(calloff=passed)
    starter = people[record.started_by_id]
    other = people[({agency_procurer.pk, agency_colleague.pk} - {record.started_by_id}).pop()]
    assert AuditEvent.objects.filter(verb="calloff.opening_started").count() == 1

    # The first opener cannot confirm alone, through either process.
    for server in web:
        assert starter.post(server, confirm) == 302
        assert starter.post(server, start_path) == 302
    record.refresh_from_db()
    assert record.opened_at is None and record.confirmed_by is None
    passed.refresh_from_db()
    assert passed.status == CallOffStatus.OPEN

    # The second person confirms through both processes at the same moment: opened once.
    assert at_once((other, first, confirm), (other, second, confirm)) == [302, 302]
    record.refresh_from_db()
    assert record.opened_at is not None and record.confirmed_by_id != record.started_by_id
    assert len([entry for entry in record.tenders if entry.get("verified")]) == 2
    passed.refresh_from_db()
    assert passed.status == CallOffStatus.OPENED
    assert OpeningRecord.objects.filter(calloff=passed).count() == 1
    assert AuditEvent.objects.filter(verb="calloff.opened").count() == 1
    told = Notification.objects.filter(kind="calloff.opened").values_list("recipient", flat=True)
    assert sorted(told) == sorted([agency_procurer.pk, agency_colleague.pk])  # the team, once each
    for server in web:
        assert call(server, page, headers=other.headers) == 200
