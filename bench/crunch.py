"""The deadline crunch (bench/run.py --sections crunch): many suppliers tender in a call-off's last minute.

On PostgreSQL (--crunch-url): the bench data's small scale is generated into the database if it is empty; a
call-off open for tenders is chosen, 500 new suppliers are admitted to its lot and invited, each with a
representative and a read-and-write API token (bulk inserts), and its tender deadline is moved to --crunch-window
seconds (60) from now. Then 64 clients in threads each take suppliers from the queue and do what a supplier's
integration does through gunicorn (2 workers, loopback): PUT /api/calloffs/{id}/tender/draft with a complete
tender, and POST …/tender/submit with the draft's SHA-256. After the deadline two team members open the tenders
through the services (opening_start, opening_confirm), as the tests do.

Printed: how many were sealed, refused (and why) and lost, p50/p95 of each request, and the opening. Lost means
a submission the client holds a receipt for that is not sealed in the database with the same number and
SHA-256, one sealed without a receipt, or one whose opening record does not verify. The goal (issue 13) is
zero lost.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal

from common import heading, ms, p50, p95


def ensure_database(url: str) -> None:
    """Creates the PostgreSQL database of `url` if it does not exist (the server's `postgres` database is used to)."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created the database {name}")


def prepare_data() -> None:
    from django.core.management import call_command

    from innokop.accounts.models import Organisation

    call_command("migrate", verbosity=0)
    if not Organisation.objects.exists():
        import data

        started = time.perf_counter()
        data.generate("small", quiet=True)
        print(f"small-scale bench data generated in {time.perf_counter() - started:.0f} s")


def choose_calloff():
    """A call-off open for tenders (renewed competition, deadline ahead) with a team of at least two to open."""
    from innokop.calloffs.models import CallOff, CallOffStatus
    from innokop.core import clock

    now = clock.now()
    for calloff in (CallOff.objects.filter(status=CallOffStatus.OPEN, tender_deadline__gt=now + timedelta(hours=1),
                                           published_at__lte=now).exclude(data_key="")
                    .select_related("lot", "agency").order_by("pk")):
        if calloff.is_renewed_competition and not calloff.is_scheduled(now):
            return calloff
    raise SystemExit("No call-off open for tenders is left in this database: give an empty database.")


def team_of_two(calloff):
    from innokop.accounts.models import Membership
    from innokop.calloffs.permissions import current_team

    team = list(current_team(calloff).order_by("pk"))
    if len(team) < 2:
        for membership in Membership.objects.filter(organisation=calloff.agency).select_related("user").order_by("pk"):
            if membership.user not in team:
                calloff.team.add(membership.user)
                team.append(membership.user)
            if len(team) >= 2:
                break
    return team[:2]


def suppliers_for(calloff, count: int) -> list[dict]:
    """`count` new suppliers admitted to the call-off's lot and invited, each with a representative and a token."""
    from django.db import transaction

    from innokop.accounts.models import ApiToken, Membership, Organisation, OrganisationKind, Role, User
    from innokop.accounts.services import API_TOKEN_PREFIX, _hash
    from innokop.agreements.models import LotSupplier
    from innokop.calloffs.models import CallOffInvitation
    from innokop.core import clock

    run = secrets.token_hex(3)
    now = clock.now()
    token_fields = {field.name for field in ApiToken._meta.fields}
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            [Organisation(kind=OrganisationKind.SUPPLIER, name=f"Slutminutens leverantör {run}-{n:03d} AB",
                          is_sme=n % 2 == 0) for n in range(count)])
        users = User.objects.bulk_create(
            [User(email=f"anbud.{run}.{n}@slutminut.bench.se", full_name=f"Anbudsansvarig {n}", password="!")
             for n in range(count)])
        Membership.objects.bulk_create([Membership(user=user, organisation=org, role=Role.SUPPLIER_REPRESENTATIVE)
                                        for user, org in zip(users, orgs, strict=True)])
        LotSupplier.objects.bulk_create(
            [LotSupplier(lot=calloff.lot, supplier=org, agreement_number=f"SM-{run}-{n}", contact_name="Kontakt",
                         contact_email=f"kontakt.{run}.{n}@slutminut.bench.se") for n, org in enumerate(orgs)])
        CallOffInvitation.objects.bulk_create([CallOffInvitation(calloff=calloff, supplier=org, invited_at=now)
                                               for org in orgs])
        tokens, raws = [], []
        for user, org in zip(users, orgs, strict=True):
            raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
            extra = {}
            if "organisation" in token_fields:
                extra["organisation"] = org
            if "scope" in token_fields:
                extra["scope"] = "read_write"
            tokens.append(ApiToken(user=user, name="Anbudssystem", prefix=raw[:10], token_hash=_hash(raw), **extra))
            raws.append(raw)
        ApiToken.objects.bulk_create(tokens)
    return [{"supplier": org.pk, "name": org.name, "token": raw} for org, raw in zip(orgs, raws, strict=True)]


def tender_payload(calloff, n: int) -> dict:
    """A complete tender for the call-off's asks (every requirement met, every criterion answered, prices within
    the ceilings), checked with the service's own rules before the crunch."""
    from innokop.calloffs.services import tenders
    from innokop.calloffs.tender_content import RequirementAnswer, TenderContent

    scope = tenders.tender_scope(calloff)
    price = Decimal(100_000 + n * 37)
    content = TenderContent(
        requirements={r.pk: RequirementAnswer(meets=True, evidence=f"Leverantör {n} uppfyller {r.identifier}.")
                      for r in scope.requirements},
        criteria={c.pk: f"Leverantör {n}: så uppfyller vi {c.lot_criterion.name}." for c in scope.criteria},
        total_price=scope.fixed_price if scope.fixed_price is not None else price,
        prices={row.pk: row.ceiling_price for row in scope.price_rows})
    problems = tenders.submission_problems(scope, content)
    if problems:
        raise SystemExit(f"The bench's tender would not be accepted: {problems}")
    return {"requirements": {str(pk): {"meets": a.meets, "evidence": a.evidence}
                             for pk, a in content.requirements.items()},
            "criteria": {str(pk): text for pk, text in content.criteria.items()},
            "total_price": str(content.total_price), "prices": {str(pk): str(p) for pk, p in content.prices.items()}}


def call(method: str, url: str, token: str, body: dict | None = None) -> tuple[int, dict, float]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            status, text = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, text = error.code, error.read()
    except OSError as error:
        return 0, {"detail": f"{type(error).__name__}: {error}"}, time.perf_counter() - started
    elapsed = time.perf_counter() - started
    try:
        return status, json.loads(text), elapsed
    except ValueError:
        return status, {"detail": f"a page, not JSON ({len(text)} bytes)"}, elapsed


def tender(base: str, calloff_id: int, supplier: dict, payload: dict) -> dict:
    url = f"{base}/api/calloffs/{calloff_id}/tender"
    result = {"supplier": supplier["supplier"], "started": time.perf_counter()}
    status, body, result["draft_time"] = call("PUT", f"{url}/draft", supplier["token"], payload)
    result["draft_status"] = status
    if status != 200 or body.get("problems"):
        result["error"] = f"draft {status}: {body.get('detail') or body.get('problems')}"
        return result
    result["sha256"] = body["sha256"]
    status, body, result["submit_time"] = call("POST", f"{url}/submit", supplier["token"],
                                               {"expected_sha256": body["sha256"]})
    result["submit_status"] = status
    if status != 201:
        result["error"] = f"submit {status}: {body.get('code', '')} {str(body.get('detail', ''))[:120]}"
        return result
    result["receipt"] = body
    result["finished"] = time.perf_counter()
    return result


def run(*, suppliers: int = 500, clients: int = 64, window: int = 60) -> int:
    from django.db import connection
    from throughput import Server

    from innokop.calloffs.models import CallOff, TenderSubmission
    from innokop.calloffs.services import opening
    from innokop.core import clock

    heading(f"Deadline crunch on {connection.vendor}: {suppliers} suppliers, {clients} concurrent clients, "
            f"gunicorn 2 workers")
    if connection.vendor != "postgresql":
        print("Skipped: the crunch runs on PostgreSQL (--crunch-url postgres://…).")
        return 0
    prepare_data()
    calloff = choose_calloff()
    openers = team_of_two(calloff)
    started = time.perf_counter()
    invited = suppliers_for(calloff, suppliers)
    payloads = [tender_payload(calloff, n) for n in range(len(invited))]
    print(f"call-off {calloff.reference} (id {calloff.pk}, lot {calloff.lot_id}): {suppliers} suppliers admitted, "
          f"invited and given tokens in {time.perf_counter() - started:.1f} s")
    with Server(_url()) as server:
        # Each worker's first request loads the application: warm both before the clock starts.
        for supplier in invited[:4]:
            call("GET", f"{server.base}/api/calloffs/{calloff.pk}/tender", supplier["token"])
        deadline = clock.now() + timedelta(seconds=window)
        CallOff.objects.filter(pk=calloff.pk).update(tender_deadline=deadline)
        print(f"tender deadline moved to {deadline:%H:%M:%S} UTC, {window} s from now; the crunch starts")
        lock, done = threading.Lock(), []
        begun = time.perf_counter()

        def one(index: int) -> None:
            outcome = tender(server.base, calloff.pk, invited[index], payloads[index])
            with lock:
                done.append(outcome)

        with ThreadPoolExecutor(max_workers=clients) as pool:
            list(pool.map(one, range(len(invited))))
        crunch_seconds = time.perf_counter() - begun
    receipts = {r["supplier"]: r for r in done if "receipt" in r}
    errors = Counter(r["error"].split(":")[0] + ": " + r["error"].split(":", 1)[1].strip()[:90]
                     for r in done if "error" in r)
    ours = {s["supplier"] for s in invited}
    sealed = {s.tender.supplier_id: s for s in TenderSubmission.objects.filter(
        tender__calloff=calloff, tender__supplier_id__in=ours, superseded_at__isnull=True,
        withdrawn_at__isnull=True).select_related("tender")}
    matching = sum(1 for supplier, r in receipts.items() if supplier in sealed
                   and sealed[supplier].sha256 == r["receipt"]["sha256"] == r["sha256"]
                   and sealed[supplier].number == r["receipt"]["number"] and sealed[supplier].sealed)
    without_receipt = len(set(sealed) - set(receipts))
    print(f"crunch: {len(done)} clients done in {crunch_seconds:.1f} s ({len(receipts) / crunch_seconds:.1f} "
          f"tenders/s); {len(receipts)} receipts (201); {len(errors) and sum(errors.values())} refused or failed")
    for error, n in errors.most_common():
        print(f"  {n:>4} × {error}")
    print(f"sealed in the database: {len(sealed)}; receipts whose number and SHA-256 match the sealed row: "
          f"{matching}; sealed without a receipt: {without_receipt}")
    for name, key in (("PUT draft", "draft_time"), ("POST submit", "submit_time")):
        times = [r[key] for r in done if key in r]
        if times:
            print(f"{name:<12} p50 {ms(p50(times))}  p95 {ms(p95(times))}  max {ms(max(times))}")
    totals = [r["finished"] - r["started"] for r in done if "finished" in r]
    if totals:
        print(f"{'both':<12} p50 {ms(p50(totals))}  p95 {ms(p95(totals))}  max {ms(max(totals))}")
    wait = (deadline - clock.now()).total_seconds()
    if wait > -1:
        print(f"waiting {max(wait, 0) + 1:.0f} s for the deadline to pass")
        time.sleep(max(wait, 0) + 1)
    calloff.refresh_from_db()
    begun = time.perf_counter()
    opening.opening_start(actor=openers[0], calloff=calloff)
    record = opening.opening_confirm(actor=openers[1], calloff=calloff)
    opened_seconds = time.perf_counter() - begun
    entries = {e["supplier_id"]: e for e in record.tenders if not e.get("withdrawn")}
    opened = sum(1 for supplier, r in receipts.items() if supplier in entries and entries[supplier]["verified"]
                 and entries[supplier]["sha256"] == r["receipt"]["sha256"])
    lost = (len(receipts) - matching) + without_receipt + (matching - opened)
    print(f"opened by {openers[0].full_name} and {openers[1].full_name} in {opened_seconds:.1f} s: "
          f"{len(entries)} tenders in the record ({len(entries) - len(ours & set(entries))} from before the crunch), "
          f"{opened} of the {len(receipts)} receipts opened and verified (SHA-256 as in the receipt)")
    print(f"lost tenders: {lost} (goal: 0) — {'met' if lost == 0 else 'NOT met'}; "
          f"refused or failed: {sum(errors.values())}")
    return 0 if lost == 0 else 1


def _url() -> str:
    import os

    return os.environ["DATABASE_URL"]
