"""The benchmark's data: a deterministic generator of a national purchasing body's database (issue 13).

    python bench/data.py --scale small|medium|national [--seed N] [--anchor ISO] [--force]
    make bench-data SCALE=national

It writes into the database the environment configures: DATABASE_URL (PostgreSQL or SQLite), else a new
throw-away SQLite file whose path it prints. It refuses a database that already holds organisations, users
or call-offs unless --force. Rows go in through `bulk_create`, in batches of --batch rows, one transaction per
batch, with no per-row signals, but they are real rows:

- organisations with valid Swedish organisation numbers, users who can log in (BENCH_PASSWORD), memberships;
- framework agreements with lots, criteria, requirements and admitted suppliers (ranked where the lot ranks);
- solutions with Swedish text drawn from the CPV labels and the demo texts with Zipf-like word frequencies
  (bench/corpus.py), their CPV codes, regions and lots;
- call-offs in every state (draft, scheduled, open, tendering, awaiting opening, opened, evaluated, awarded,
  offered, accepted, contracted, cancelled), with teams, criteria, invitations of every admitted supplier,
  questions and answers (up to four, and hundreds in a few: MANY_QUESTIONS), dialogue meetings, ranking
  offers; tenders with their draft keys, sealed submissions (encrypted with the call-off's own data key,
  wrapped by the KEK, exactly as `calloffs.sealing` does when a supplier submits), opening records of two
  openers, evaluations, award decisions and contracts;
- needs and agencies' joins (prestudy); contract records, follow-up plans with items and rounds, and
  quarterly sales reports (followup);
- an audit trail of the call-offs' life cycles whose SHA-256 chain is computed as `core.audit` computes it
  (`innokop audit-verify` passes), with the sealed scopes of opened call-offs released;
- the search index, filled through the search package's bulk API (`search_index_many`).

Deterministic: the same --seed and --anchor give the same rows. The anchor is the moment "now" of the data
(call-off states depend on it); it defaults to the start of today (UTC). Only what must be secret is random:
the call-offs' data keys, the draft keys and the encryption nonces (a predictable key would not be a key), so
the ciphertexts differ between runs while the plaintexts and their SHA-256 receipts do not. `digest()` is a
SHA-256 over every generated row without those columns.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import timezone as dt_timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import corpus  # noqa: E402  (bench/ is not a package; run as a script or imported by the tests)

BENCH_PASSWORD = "bench-innokop-2026"
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Scale:
    agencies: int
    suppliers: int
    agreements: int
    solutions: int
    calloffs: int
    tenders: int
    contracts: int
    needs: int
    sales_reports: int
    followup_plans: int
    followup_rounds: int
    lots_per_agreement: int = 4
    lot_suppliers: tuple[int, int] = (12, 24)  # admitted suppliers per lot, at least and at most
    index_cpv: bool = True  # the CPV lookup's 9 454 codes (about 10 s); the small scale, for tests, leaves them

    def declared(self) -> dict[str, int]:
        """The row counts this scale promises (the tests check them)."""
        return {"agencies": self.agencies, "suppliers": self.suppliers, "agreements": self.agreements,
                "lots": self.agreements * self.lots_per_agreement, "solutions": self.solutions,
                "calloffs": self.calloffs, "tenders": self.tenders, "contracts": self.contracts,
                "needs": self.needs, "contract_records": self.contracts, "sales_reports": self.sales_reports,
                "followup_plans": self.followup_plans, "followup_rounds": self.followup_rounds}


SCALES = {
    "small": Scale(agencies=4, suppliers=30, agreements=2, solutions=60, calloffs=120, tenders=300, contracts=24,
                   needs=12, sales_reports=20, followup_plans=6, followup_rounds=20, lot_suppliers=(6, 10),
                   index_cpv=False),
    "medium": Scale(agencies=35, suppliers=800, agreements=10, solutions=5_000, calloffs=10_000, tenders=60_000,
                    contracts=2_000, needs=500, sales_reports=2_400, followup_plans=500, followup_rounds=2_000),
    "national": Scale(agencies=350, suppliers=8_000, agreements=100, solutions=50_000, calloffs=100_000,
                      tenders=600_000, contracts=20_000, needs=5_000, sales_reports=24_000, followup_plans=5_000,
                      followup_rounds=20_000),
}
# The share of the call-offs (other than the contracted ones, whose number is declared) in each state.
STATE_WEIGHTS = {"draft": 10, "scheduled": 5, "open": 10, "tendering": 8, "awaiting_opening": 6, "opened": 6,
                 "evaluated": 5, "awarded": 6, "offered": 5, "accepted": 4, "cancelled": 15}
RANKING_STATES = {"offered", "accepted", "contracted_ranking"}
TENDER_STATES = {"open", "tendering", "awaiting_opening", "opened", "evaluated", "awarded", "contracted"}
OPENED_STATES = {"opened", "evaluated", "awarded", "contracted"}
PLACES = ("Berg Lind Sund Ås Vik Holm Dal Sjö Strand Fors Ek Björk Gran Älv Mal Norr Sö Väst Öst Hög Lång Kung "
          "Torp Hed").split()
PLACE_ENDINGS = "by köping stad sund holm berga vik ås torp hamn sala fors".split()
FIRST_NAMES = ("Anna Erik Maria Lars Karin Anders Eva Johan Sara Karl Lena Per Emma Nils Elin Olof Sofia Mikael "
               "Ida Jonas Fatima Ali Leila Ahmed Aino Juha Sanna Mats Linnea Oskar").split()
LAST_NAMES = ("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson "
              "Jonsson Lindberg Lindqvist Berg Holm Axelsson Hosseini Mohammed Virtanen Lundgren Sandberg").split()
SUPPLIER_WORDS = "Teknik Data System Miljö Service Konsult Innovation Lösningar Labs Produktion Logistik".split()
# Issue 13's "call-off page with many questions": in every scale, one call-off in each of these states draws this
# many questions (the others draw up to four), most answered by the team within two days, some left unanswered.
MANY_QUESTIONS = (("tendering", 300), ("open", 250), ("opened", 200))
UNANSWERED_SHARE = 0.08
QUESTION_FORMS = (
    "Kan ni förtydliga vad som avses med {a} i krav {req}?",
    "Gäller kravet på {a} även {b}?",
    "Går det att erbjuda {a} i stället för {b}?",
    "Hur ska priset för {a} redovisas i anbudet?",
    "Vilken volym av {a} beräknas avropet omfatta per år?",
    "Ska {a} ingå i det fasta priset eller faktureras separat?",
    "Kan krav {req} uppfyllas med {a} som levereras i etapper?",
    "Vilka underlag vill ni ha som bevis för att {a} uppfyller krav {req}?",
    "Finns det en befintlig lösning för {a} som vår lösning ska kopplas till?",
    "Får vi anlita en underleverantör för {a}?",
    "Vad menas med {a} i beskrivningen av behovet?",
    "Kan leveransen av {a} börja senare än avtalets start?",
)
ANSWER_OPENINGS = ("Ja.", "Nej.", "Ja, under förutsättning att kraven i övrigt uppfylls.", "Se krav {req}.",
                   "Kravet gäller oförändrat.", "Avropsunderlaget ändras inte.", "Vi förtydligar:")


# --- helpers -------------------------------------------------------------------------------------


def luhn(digits: str) -> str:
    total = 0
    for position, char in enumerate(digits):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def org_number(prefix: str, n: int) -> str:
    """A valid Swedish organisation number (Luhn check digit): 2021… for public bodies, 556… for companies."""
    body = f"{prefix}{n:0{9 - len(prefix)}d}"
    return f"{body[:6]}-{body[6:]}{luhn(body)}"


def allocate(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), each at most its cap: exact sums."""
    scale = sum(weights) or 1
    raw = [total * w / scale for w in weights]
    counts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    if caps is not None:
        spill = 0
        for i, cap in enumerate(caps):
            if counts[i] > cap:
                spill += counts[i] - cap
                counts[i] = cap
        for i, cap in enumerate(caps):
            if not spill:
                break
            room = min(cap - counts[i], spill)
            counts[i] += room
            spill -= room
        if spill:
            raise ValueError(f"{total} rows do not fit in the caps given ({sum(caps)})")
    return counts


class Progress:
    """Rows and time per table, a line per batch, a summary at the end."""

    def __init__(self, out=sys.stdout, quiet: bool = False):
        self.rows: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.out, self.quiet = out, quiet
        self.started = time.perf_counter()

    def batch(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] += rows
        self.seconds[table] += seconds
        if not self.quiet:
            print(f"  {table:<34} +{rows:>6} rows = {self.rows[table]:>8}  {seconds:6.2f} s   "
                  f"(total {time.perf_counter() - self.started:7.1f} s)", file=self.out, flush=True)

    def step(self, text: str) -> None:
        if not self.quiet:
            print(f"{text} ({time.perf_counter() - self.started:.1f} s)", file=self.out, flush=True)

    def summary(self) -> None:
        print(f"\n{'table':<34} {'rows':>9} {'seconds':>8}", file=self.out)
        for table in sorted(self.rows, key=lambda t: -self.rows[t]):
            print(f"{table:<34} {self.rows[table]:>9} {self.seconds[table]:8.1f}", file=self.out)
        print(f"{'total':<34} {sum(self.rows.values()):>9} {time.perf_counter() - self.started:8.1f}",
              file=self.out, flush=True)


class Writer:
    """Explicit primary keys (so rows can refer to each other before they are written, and the same seed gives
    the same ids), bulk inserts in batches, one transaction per batch."""

    def __init__(self, progress: Progress, batch: int):
        self.progress, self.batch = progress, batch
        self.next_ids: dict[type, int] = {}
        self.models: set[type] = set()

    def id(self, model) -> int:
        if model not in self.next_ids:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next_ids[model] = (last or 0) + 1
        value = self.next_ids[model]
        self.next_ids[model] = value + 1
        return value

    def insert(self, model, objects: list) -> None:
        from django.db import transaction

        self.models.add(model)
        for start in range(0, len(objects), self.batch):
            chunk = objects[start : start + self.batch]
            began = time.perf_counter()
            with transaction.atomic():
                model.objects.bulk_create(chunk)
            self.progress.batch(model._meta.db_table, len(chunk), time.perf_counter() - began)

    def link(self, field, pairs: list[tuple[int, int]]) -> None:
        """Rows of a many-to-many table: (this object's pk, the other object's pk)."""
        through = field.remote_field.through
        source = field.m2m_field_name() + "_id"
        target = field.m2m_reverse_field_name() + "_id"
        self.insert(through, [through(**{source: a, target: b}) for a, b in pairs])

    def reset_sequences(self) -> None:
        """PostgreSQL's sequences past the explicit ids (SQLite's autoincrement follows by itself)."""
        from django.core.management.color import no_style
        from django.db import connection

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), sorted(self.models, key=str)):
                cursor.execute(statement)


@contextmanager
def historical_timestamps():
    """auto_now/auto_now_add off while generating, so rows keep the moments the generator gives them."""
    from django.apps import apps

    changed = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                changed.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


class AuditChain:
    """Audit events hashed as `core.audit.audit_log` hashes them, chained in id order, written in batches."""

    def __init__(self, writer: Writer, emails: dict[int, str]):
        from innokop.core.audit import GENESIS_HASH
        from innokop.core.models import AuditChainHead

        head = AuditChainHead.objects.filter(pk=1).first()
        self.last = head.last_hash if head else GENESIS_HASH
        self.writer, self.emails = writer, emails
        self.pending: list = []
        self.released: list = []

    def log(self, at: datetime, actor: int | None, verb: str, obj, organisation: int | None, payload: dict,
            sealed_scope: str = "") -> None:
        from innokop.core.audit import _canonical, compute_hash
        from innokop.core.models import AuditEvent

        event = AuditEvent(
            id=self.writer.id(AuditEvent), created_at=at, actor_id=actor,
            actor_label=(self.emails[actor] if actor else "system")[:255], organisation_id=organisation, verb=verb,
            object_type=obj._meta.label_lower, object_id=str(obj.pk), object_repr=obj._bench_repr[:255],
            payload=json.loads(_canonical(payload)), sealed_scope=sealed_scope, prev_hash=self.last)
        event.hash = compute_hash(event)
        self.last = event.hash
        self.pending.append(event)

    def release(self, scope: str, at: datetime) -> None:
        from innokop.core.models import AuditRelease

        self.released.append(AuditRelease(id=self.writer.id(AuditRelease), scope=scope, released_at=at))

    def flush(self) -> None:
        from innokop.core.models import AuditChainHead, AuditEvent, AuditRelease

        self.writer.insert(AuditEvent, self.pending)
        self.writer.insert(AuditRelease, self.released)
        self.pending, self.released = [], []
        AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": self.last})


def _repr(obj, text: str):
    obj._bench_repr = text
    return obj


# --- the generator -------------------------------------------------------------------------------


class Generator:
    def __init__(self, scale: Scale, seed: int, anchor: datetime, progress: Progress, batch: int = 5000,
                 index: bool = True):
        from innokop.calloffs import sealing

        self.scale, self.seed, self.now = scale, seed, anchor
        self.rnd = random.Random(seed)
        self.progress = progress
        self.w = Writer(progress, batch)
        self.index = index
        self.corpus = corpus()
        self.kek = sealing.load_kek()
        self.emails: dict[int, str] = {}
        self.password = None

    def run(self) -> None:
        with historical_timestamps():
            for step in (self.organisations, self.agreements, self.solutions, self.calloffs, self.prestudy,
                         self.followup):
                self.progress.step(f"{step.__name__}")
                step()
            self.progress.step("audit chain head")
            self.audit.flush()
            self.w.reset_sequences()
        if self.index:
            self.progress.step("search index")
            self.search_index()

    def at(self, days: float, hour: int = 10) -> datetime:
        """A moment `days` from the anchor's day, at a whole hour (UTC)."""
        day = self.now.replace(hour=hour, minute=0, second=0, microsecond=0)
        return day + timedelta(days=int(days))

    # --- organisations and people ---

    def organisations(self) -> None:
        from django.contrib.auth.hashers import make_password

        from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, Sector, User

        rnd, w, s = self.rnd, self.w, self.scale
        self.password = make_password(BENCH_PASSWORD, salt="benchdatasalt1234")
        orgs, users, memberships = [], [], []
        joined = self.at(-1200)

        def person(org_id: int, roles: list[str], domain: str) -> int:
            uid = w.id(User)
            first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
            email = f"{first.lower()}.{last.lower()}.{uid}@{domain}"
            self.emails[uid] = email
            users.append(User(id=uid, email=email, full_name=f"{first} {last}", password=self.password,
                              language="sv" if rnd.random() < 0.9 else "en", date_joined=joined))
            memberships.extend(Membership(id=w.id(Membership), user_id=uid, organisation_id=org_id, role=role,
                                          created_at=joined) for role in roles)
            return uid

        self.cpb = w.id(Organisation)
        orgs.append(Organisation(id=self.cpb, kind=OrganisationKind.CPB, name="Nationella inköpscentralen",
                                 org_number=org_number("2021", 1), sector=Sector.CENTRAL_GOVERNMENT,
                                 created_at=joined))
        self.cpb_users = [person(self.cpb, [Role.FRAMEWORK_MANAGER, Role.ORGANISATION_ADMIN], "inkop.bench.se"),
                          person(self.cpb, [Role.FRAMEWORK_MANAGER], "inkop.bench.se"),
                          person(self.cpb, [Role.CONTRACT_MANAGER], "inkop.bench.se")]
        self.agencies: list[dict] = []
        sectors = [Sector.MUNICIPALITY] * 6 + [Sector.REGION, Sector.CENTRAL_GOVERNMENT, Sector.CENTRAL_GOVERNMENT]
        for n in range(s.agencies):
            oid, sector = w.id(Organisation), rnd.choice(sectors)
            place = f"{PLACES[n % len(PLACES)]}{PLACE_ENDINGS[(n // len(PLACES)) % len(PLACE_ENDINGS)]}"
            suffix = "" if n < len(PLACES) * len(PLACE_ENDINGS) else f" {n}"
            name = {Sector.MUNICIPALITY: f"{place}s kommun{suffix}", Sector.REGION: f"Region {place}{suffix}",
                    Sector.CENTRAL_GOVERNMENT: f"{place}verket{suffix}"}[sector]
            orgs.append(Organisation(id=oid, kind=OrganisationKind.AGENCY, name=name, sector=sector,
                                     org_number=org_number("2120", oid), created_at=joined))
            domain = f"a{oid}.bench.se"
            team = [person(oid, [Role.PROCURER, Role.ORGANISATION_ADMIN], domain), person(oid, [Role.PROCURER], domain),
                    person(oid, [Role.PROCURER, Role.BUSINESS_DEVELOPER], domain),
                    person(oid, [Role.CONTRACT_MANAGER], domain)]
            self.agencies.append({"id": oid, "name": name, "org_number": orgs[-1].org_number, "users": team,
                                  "sector": sector})
        self.suppliers: list[dict] = []
        for n in range(s.suppliers):
            oid = w.id(Organisation)
            topic = rnd.choice(self.corpus.topics)
            name = f"{rnd.choice(LAST_NAMES)} {rnd.choice(topic.words).capitalize()} {rnd.choice(SUPPLIER_WORDS)} AB"
            orgs.append(Organisation(id=oid, kind=OrganisationKind.SUPPLIER, name=name[:200], is_sme=rnd.random() < 0.7,
                                     org_number=org_number("556", oid), website=f"https://leverantor{oid}.bench.se",
                                     description=self.corpus.text(rnd, 3, topic), created_at=joined))
            uid = person(oid, [Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN], f"l{oid}.bench.se")
            self.suppliers.append({"id": oid, "name": orgs[-1].name, "user": uid, "topic": topic,
                                   "description": orgs[-1].description, "sme": orgs[-1].is_sme})
        w.insert(Organisation, orgs)
        w.insert(User, users)
        w.insert(Membership, memberships)
        self.audit = AuditChain(w, self.emails)

    # --- framework agreements ---

    def agreements(self) -> None:
        from innokop.agreements.models import (
            CallOffMethod,
            EvaluationModel,
            FollowUpFrequency,
            FollowUpMethod,
            FrameworkAgreement,
            Lot,
            LotCriterion,
            LotSupplier,
            Requirement,
            RequirementCategory,
            RequirementKind,
        )

        rnd, w, s, corpus = self.rnd, self.w, self.scale, self.corpus
        methods = [CallOffMethod.RENEWED_COMPETITION, CallOffMethod.RANKING,
                   CallOffMethod.RENEWED_COMPETITION_DIALOGUE, CallOffMethod.COMBINATION]
        agreements, lots, criteria, requirements, admitted, cpv_links, lot_cpv = [], [], [], [], [], [], []
        self.lots: list[dict] = []
        self.agreement_rows: list[dict] = []
        for n in range(s.agreements):
            aid = w.id(FrameworkAgreement)
            topic = rnd.choice(corpus.topics)
            start = (self.now - timedelta(days=rnd.randint(60, 1000))).date()
            published = datetime.combine(start - timedelta(days=30), datetime.min.time(), dt_timezone.utc)
            agreements.append(_repr(FrameworkAgreement(
                id=aid, owner_id=self.cpb, reference=f"IK-{start.year}-{n + 1:04d}",
                title=f"{topic.label}"[:200], summary=corpus.sentence(rnd, topic)[:400],
                description=f"<p>{corpus.text(rnd, 5, topic)}</p>", start_date=start,
                end_date=start + timedelta(days=4 * 365), max_value=Decimal(rnd.randint(20, 2000) * 1_000_000),
                entitled_categories=["all_public"], published_at=published, created_by_id=self.cpb_users[0],
                created_at=published - 60 * DAY, updated_at=published), ""))
            cpv_links.append((aid, topic.code))
            agreement = {"id": aid, "reference": agreements[-1].reference, "topic": topic, "lots": [],
                         "requirements": [], "start": start, "published": published}
            self.agreement_rows.append(agreement)
            shared = []
            for r in range(4):
                rid = w.id(Requirement)
                kind = RequirementKind.MANDATORY if r < 3 else RequirementKind.EVALUATED
                requirements.append(Requirement(
                    id=rid, agreement_id=aid, identifier=f"K{r + 1}", text=corpus.sentence(rnd, topic),
                    kind=kind, category=rnd.choice(RequirementCategory.values),
                    followup_method=rnd.choice(FollowUpMethod.values),
                    followup_frequency=rnd.choice(FollowUpFrequency.values)))
                shared.append((rid, f"K{r + 1}", requirements[-1].text, kind))
            for number in range(1, s.lots_per_agreement + 1):
                lid, method = w.id(Lot), methods[(number - 1) % len(methods)]
                lot_topic = rnd.choice(corpus.topics)
                lots.append(Lot(id=lid, agreement_id=aid, number=number, title=corpus.title(rnd, lot_topic),
                                description=corpus.text(rnd, 2, lot_topic), call_off_method=method,
                                value_threshold=Decimal(1_000_000) if method == CallOffMethod.COMBINATION else None,
                                evaluation_models=[EvaluationModel.LOWEST_PRICE, EvaluationModel.PRICE_QUALITY],
                                min_tender_days=10))
                lot_cpv.append((lid, lot_topic.code))
                lot_criteria = []
                for name in ("Kvalitet i genomförandet", "Hållbarhet"):
                    cid = w.id(LotCriterion)
                    criteria.append(LotCriterion(id=cid, lot_id=lid, name=name, description=corpus.sentence(rnd),
                                                 min_weight=10, max_weight=40))
                    lot_criteria.append(cid)
                rid = w.id(Requirement)
                requirements.append(Requirement(
                    id=rid, agreement_id=aid, lot_id=lid, identifier=f"K{number}.1",
                    text=corpus.sentence(rnd, lot_topic), kind=RequirementKind.MANDATORY,
                    category=RequirementCategory.QUALITY, followup_method=FollowUpMethod.SELF_DECLARATION,
                    followup_frequency=FollowUpFrequency.ANNUALLY))
                count = rnd.randint(*s.lot_suppliers)
                chosen = rnd.sample(self.suppliers, min(count, len(self.suppliers)))
                ranks = method in (CallOffMethod.RANKING, CallOffMethod.COMBINATION)
                for rank, supplier in enumerate(chosen, start=1):
                    admitted.append(LotSupplier(
                        id=w.id(LotSupplier), lot_id=lid, supplier_id=supplier["id"], rank=rank if ranks else None,
                        agreement_number=f"{agreement['reference']}-{number}-{rank:03d}",
                        contact_name=f"{rnd.choice(FIRST_NAMES)} {rnd.choice(LAST_NAMES)}",
                        contact_email=f"avtal@leverantor{supplier['id']}.bench.se"))
                lot = {"id": lid, "number": number, "method": method, "agreement": agreement, "topic": lot_topic,
                       "suppliers": chosen, "criteria": lot_criteria,
                       "requirements": shared + [(rid, f"K{number}.1", requirements[-1].text,
                                                  RequirementKind.MANDATORY)]}
                agreement["lots"].append(lot)
                self.lots.append(lot)
        w.insert(FrameworkAgreement, agreements)
        w.insert(Lot, lots)
        w.insert(LotCriterion, criteria)
        w.insert(Requirement, requirements)
        w.insert(LotSupplier, admitted)
        w.link(FrameworkAgreement.cpv_codes.field, cpv_links)
        w.link(Lot.cpv_codes.field, lot_cpv)
        for supplier in self.suppliers:
            supplier["lots"] = []
        by_id = {supplier["id"]: supplier for supplier in self.suppliers}
        for lot in self.lots:
            for supplier in lot["suppliers"]:
                by_id[supplier["id"]]["lots"].append(lot["id"])

    # --- the catalogue ---

    def solutions(self) -> None:
        from innokop.catalogue.models import DataLocation, PricingModel, Solution, SolutionStatus
        from innokop.reference.models import NutsRegion

        rnd, w, corpus = self.rnd, self.w, self.corpus
        regions = sorted(NutsRegion.objects.values_list("code", flat=True))
        statuses = [SolutionStatus.PUBLISHED] * 90 + [SolutionStatus.DRAFT] * 5 + [SolutionStatus.SUBMITTED] * 3 \
            + [SolutionStatus.ARCHIVED] * 2
        rows, cpv, region_links, lot_links = [], [], [], []
        for _n in range(self.scale.solutions):
            sid, supplier = w.id(Solution), rnd.choice(self.suppliers)
            topic = supplier["topic"] if rnd.random() < 0.6 else rnd.choice(corpus.topics)
            status = rnd.choice(statuses)
            created = self.at(-rnd.randint(30, 900))
            published = created + rnd.randint(1, 20) * DAY if status in ("published", "archived") else None
            nationwide = rnd.random() < 0.3
            summary = corpus.sentence(rnd, topic, 10, 30)[:400]
            rows.append(Solution(
                id=sid, supplier_id=supplier["id"], title=corpus.title(rnd, topic), summary=summary,
                problem=f"<p>{corpus.text(rnd, 4, topic)}</p>", how_it_works=f"<p>{corpus.text(rnd, 5, topic)}</p>",
                effects=f"<p>{corpus.text(rnd, 3, topic)}</p>", nationwide=nationwide, trl=rnd.randint(4, 9),
                pricing_model=rnd.choice(PricingModel.values), pricing_details=corpus.sentence(rnd),
                data_location=rnd.choice(DataLocation.values), status=status, published_at=published,
                submitted_at=created + DAY if status != "draft" else None,
                archived_at=published + 30 * DAY if status == "archived" else None,
                verified_at=published + 5 * DAY if published and rnd.random() < 0.15 else None,
                created_by_id=supplier["user"], created_at=created, updated_at=published or created))
            cpv.append((sid, topic.code))
            if rnd.random() < 0.4:
                cpv.append((sid, rnd.choice(corpus.topics).code))
            if not nationwide:
                region_links.extend((sid, code) for code in rnd.sample(regions, rnd.randint(1, 3)))
            if supplier["lots"] and rnd.random() < 0.3:
                lot_links.append((sid, rnd.choice(supplier["lots"])))
        w.insert(Solution, rows)
        w.link(Solution.cpv_codes.field, sorted(set(cpv)))
        w.link(Solution.regions.field, region_links)
        w.link(Solution.lots.field, lot_links)

    # --- call-offs, tenders, opening, evaluation, award, contracts ---

    def _states(self) -> list[str]:
        s = self.scale
        names = list(STATE_WEIGHTS)
        counts = allocate(s.calloffs - s.contracts, [STATE_WEIGHTS[n] for n in names])
        ranking_contracted = s.contracts // 4
        states = [name for name, count in zip(names, counts, strict=True) for _ in range(count)]
        states += ["contracted_ranking"] * ranking_contracted + ["contracted"] * (s.contracts - ranking_contracted)
        self.rnd.shuffle(states)
        return states

    def calloffs(self) -> None:
        from innokop.agreements.models import CallOffMethod

        rnd, s = self.rnd, self.scale
        states = self._states()
        ranking_lots = [lot for lot in self.lots if lot["method"] in (CallOffMethod.RANKING, CallOffMethod.COMBINATION)]
        competing_lots = [lot for lot in self.lots if lot["method"] != CallOffMethod.RANKING]
        plans = []
        for n, state in enumerate(states):
            lot = rnd.choice(ranking_lots if state in RANKING_STATES else competing_lots)
            plans.append({"n": n, "state": state, "lot": lot, "agency": rnd.choice(self.agencies)})
        bearing = [p for p in plans if p["state"] in TENDER_STATES]
        counts = allocate(s.tenders, [rnd.uniform(0.4, 1.6) for _ in bearing],
                          caps=[len(p["lot"]["suppliers"]) for p in bearing])
        for plan, count in zip(bearing, counts, strict=True):
            plan["tenders"] = count
        # The call-offs with many questions, chosen and filled from their own random stream: every other row is
        # what the seed gave before they existed.
        self.busy = random.Random(f"{self.seed}-questions")
        for state, count in MANY_QUESTIONS:
            candidates = [plan for plan in plans if plan["state"] == state and "questions" not in plan]
            if candidates:
                self.busy.choice(candidates)["questions"] = count
        self.contracts: list[dict] = []
        chunk = max(100, self.w.batch // 2)
        for start in range(0, len(plans), chunk):
            self._calloff_chunk(plans[start : start + chunk])

    def _calloff_chunk(self, plans: list[dict]) -> None:  # noqa: C901 (one call-off's life, step by step)
        from innokop.agreements.models import CallOffMethod, EvaluationModel, RequirementKind
        from innokop.calloffs import sealing
        from innokop.calloffs.models import (
            AwardDecision,
            CallOff,
            CallOffCriterion,
            CallOffInvitation,
            CallOffKind,
            CallOffQuestion,
            CallOffStatus,
            Contract,
            DialogueSlot,
            Evaluation,
            OfferStatus,
            OpeningRecord,
            RankingOffer,
            Tender,
            TenderStatus,
            TenderSubmission,
        )
        from innokop.calloffs.tender_content import RequirementAnswer, TenderContent

        rnd, w, corpus, audit = self.rnd, self.w, self.corpus, self.audit
        rows = defaultdict(list)
        team_links, requirement_links, contract_requirements = [], [], []
        for plan in plans:
            state, lot, agency = plan["state"], plan["lot"], plan["agency"]
            cid = w.id(CallOff)
            ranking = state in RANKING_STATES
            method = CallOffKind.RANKING if ranking else (
                CallOffKind.RENEWED_COMPETITION_DIALOGUE if lot["method"] == CallOffMethod.RENEWED_COMPETITION_DIALOGUE
                else CallOffKind.RENEWED_COMPETITION)
            value = Decimal(rnd.randint(2, 90) * 50_000)
            if lot["method"] == CallOffMethod.COMBINATION:  # the value decides the method
                value = Decimal(rnd.randint(2, 19) * 50_000) if ranking else Decimal(rnd.randint(21, 90) * 50_000)
            team = agency["users"][:2] + ([agency["users"][2]] if rnd.random() < 0.5 else [])
            lead, second = team[0], team[1]
            t = self._timeline(state, rnd)
            stored = {"draft": CallOffStatus.DRAFT, "scheduled": CallOffStatus.OPEN, "open": CallOffStatus.OPEN,
                      "tendering": CallOffStatus.OPEN, "awaiting_opening": CallOffStatus.OPEN,
                      "contracted_ranking": CallOffStatus.CONTRACTED}.get(state, state)
            weighted = not ranking and rnd.random() < 0.6
            data_key = sealing.new_data_key() if t.get("published") and not ranking else None
            calloff = _repr(CallOff(
                id=cid, agency_id=agency["id"], lot_id=lot["id"],
                reference=f"AV-{t['created'].year}-{cid:06d}", created_by_id=lead, method=method, status=stored,
                title=corpus.title(rnd, lot["topic"]), need=corpus.text(rnd, 3, lot["topic"]),
                estimated_value=value,
                evaluation_model="" if ranking else (EvaluationModel.PRICE_QUALITY if weighted
                                                     else EvaluationModel.LOWEST_PRICE),
                price_weight=60 if weighted else None,
                publish_on=t["published"].date() if t.get("published") else None,
                questions_close=t.get("questions_close"), answers_by=t.get("answers_by"),
                tender_deadline=t.get("deadline"), opening_at=t["deadline"] + HOUR if t.get("deadline") else None,
                decision_on=(t["deadline"] + 20 * DAY).date() if t.get("deadline") else None,
                contract_start=t["contract_start"], contract_end=t["contract_start"] + timedelta(days=730),
                tie_rules=["lower_price"] if not ranking else [],
                data_key=sealing.wrap_key(data_key, self.kek) if data_key else "",
                published_at=t.get("published"), invitations_sent_at=t.get("published") if state != "scheduled" else None,
                cancelled_at=t.get("cancelled"), cancel_reason=corpus.sentence(rnd) if state == "cancelled" else "",
                created_at=t["created"], updated_at=t.get("last", t["created"])), "")
            calloff._bench_repr = f"{calloff.reference} {calloff.title}"
            rows[CallOff].append(calloff)
            team_links += [(cid, uid) for uid in team]
            requirement_ids = [r[0] for r in lot["requirements"]]
            requirement_links += [(cid, rid) for rid in requirement_ids]
            audit.log(t["created"], lead, "calloff.started", calloff, agency["id"], {"lot": lot["id"]})
            criteria = []
            if weighted:
                for lot_criterion in lot["criteria"]:
                    crit = CallOffCriterion(id=w.id(CallOffCriterion), calloff_id=cid, lot_criterion_id=lot_criterion,
                                            weight=20)
                    rows[CallOffCriterion].append(crit)
                    criteria.append(crit.id)
            if state == "draft":
                continue
            published = t["published"]
            scope = sealing.audit_scope(cid)
            if ranking:
                audit.log(published, lead, "calloff.offer_made", calloff, agency["id"], {"rank": 1})
                order = lot["suppliers"][:3]  # in rank order
                first = order[0]
                declined = state != "offered" and rnd.random() < 0.3 and len(order) > 1
                offers = [(first, OfferStatus.DECLINED if declined else (
                    OfferStatus.OFFERED if state == "offered" else OfferStatus.ACCEPTED))]
                if declined:
                    offers.append((order[1], OfferStatus.ACCEPTED))
                for rank, (sup, status) in enumerate(offers, start=1):
                    offered = published + (rank - 1) * 2 * DAY
                    answered = offered + DAY if status != OfferStatus.OFFERED else None
                    rows[RankingOffer].append(RankingOffer(
                        id=w.id(RankingOffer), calloff_id=cid, supplier_id=sup["id"], rank=rank, offered_at=offered,
                        answer_by=offered + 5 * DAY, status=status,
                        reason=corpus.sentence(rnd) if status == OfferStatus.DECLINED else "",
                        answered_by_id=sup["user"] if answered else None, answered_at=answered))
                    if answered:
                        verb = "calloff.offer_declined" if status == OfferStatus.DECLINED else "calloff.offer_accepted"
                        audit.log(answered, sup["user"], verb, calloff, sup["id"], {"rank": rank})
                if state == "contracted_ranking":
                    self._contract(rows, contract_requirements, calloff, agency, offers[-1][0], value,
                                   t["signed"], lead, requirement_ids)
                continue
            audit.log(published, lead, "calloff.publication_scheduled" if state == "scheduled" else "calloff.published",
                      calloff, agency["id"], {"published_at": published.isoformat()})
            if state == "scheduled":
                continue
            for supplier in lot["suppliers"]:  # rule 3: every admitted supplier of the lot
                rows[CallOffInvitation].append(CallOffInvitation(id=w.id(CallOffInvitation), calloff_id=cid,
                                                                 supplier_id=supplier["id"], invited_at=published))
            close = t.get("questions_close") or published + 5 * DAY
            for _q in range(rnd.randint(0, 4)):
                supplier = rnd.choice(lot["suppliers"])
                asked = published + timedelta(hours=rnd.randint(1, max(1, int((min(close, self.now) - published)
                                                                           / HOUR) - 1)))
                answered = asked + timedelta(hours=rnd.randint(2, 30))
                if answered > self.now or (state == "open" and rnd.random() < 0.3):
                    answered = None
                question = _repr(CallOffQuestion(
                    id=w.id(CallOffQuestion), calloff_id=cid, supplier_id=supplier["id"], asked_by_id=supplier["user"],
                    text=corpus.sentence(rnd, lot["topic"])[:-1] + "?", asked_at=asked,
                    answer=corpus.text(rnd, 2, lot["topic"]) if answered else "",
                    answered_by_id=lead if answered else None, answered_at=answered), "")
                rows[CallOffQuestion].append(question)
                # As `services.question_ask` and `question_answer` audit them: on the call-off, in the agency's name.
                audit.log(asked, supplier["user"], "calloff.question_asked", calloff, agency["id"],
                          {"question": question.id, "supplier": supplier["id"]})
                if answered:
                    audit.log(answered, lead, "calloff.question_answered", calloff, agency["id"],
                              {"question": question.id})
            if plan.get("questions"):
                self._many_questions(rows, plan["questions"], calloff, lot, agency["id"], team, published, close)
            if method == CallOffKind.RENEWED_COMPETITION_DIALOGUE:
                booked = rnd.sample(lot["suppliers"], min(2, len(lot["suppliers"])))
                for slot in range(3):
                    starts = published + (2 + slot) * DAY + 3 * HOUR
                    sup = booked[slot] if slot < len(booked) else None
                    rows[DialogueSlot].append(DialogueSlot(
                        id=w.id(DialogueSlot), calloff_id=cid, starts_at=starts, ends_at=starts + HOUR,
                        place=f"https://mote.bench.se/{cid}-{slot}", offered_by_id=lead, offered_at=published,
                        supplier_id=sup["id"] if sup else None, booked_by_id=sup["user"] if sup else None,
                        booked_at=published + DAY if sup else None,
                        minutes=corpus.text(rnd, 2) if sup and starts + HOUR < self.now else "",
                        minutes_by_id=lead if sup and starts + HOUR < self.now else None,
                        minutes_shared_at=starts + 2 * HOUR if sup and starts + HOUR < self.now else None))
            # Tenders: sealed with the call-off's data key, as `sealing.seal_tender` does before the deadline.
            count = plan.get("tenders", 0)
            if not count:
                if state == "cancelled":
                    audit.log(t["cancelled"], lead, "calloff.cancelled", calloff, agency["id"], {})
                continue
            deadline = t["deadline"]
            latest = min(deadline, self.now)
            tenderers = rnd.sample(lot["suppliers"], count)
            opened = state in OPENED_STATES
            entries, submitted = [], []
            for supplier in tenderers:
                tid = w.id(Tender)
                draft_only = state in ("open", "tendering") and rnd.random() < 0.3
                withdrawn = state == "awaiting_opening" and rnd.random() < 0.1
                status = TenderStatus.DRAFT if draft_only else (
                    TenderStatus.WITHDRAWN if withdrawn else TenderStatus.SUBMITTED)
                if state in ("evaluated", "awarded", "contracted"):
                    status = TenderStatus.REJECTED if rnd.random() < 0.15 else TenderStatus.QUALIFIED
                content = TenderContent(
                    requirements={rid: RequirementAnswer(meets=True if kind == RequirementKind.MANDATORY
                                                         else rnd.random() < 0.7)
                                  for rid, _ident, _text, kind in lot["requirements"]},
                    criteria={crit: " ".join(corpus.words(rnd, 8, lot["topic"])) for crit in criteria},
                    total_price=Decimal(int(value * Decimal(rnd.uniform(0.6, 1.1))) // 100 * 100),
                    salt=f"{rnd.getrandbits(128):032x}")
                plaintext = content.to_bytes()
                start = published + (latest - published) * rnd.uniform(0.05, 0.5)
                draft_key = sealing.new_draft_key(kek=self.kek)
                tender = _repr(Tender(
                    id=tid, calloff_id=cid, supplier_id=supplier["id"], status=status, draft_key=draft_key,
                    draft=sealing.seal_draft(draft_key, plaintext, calloff_id=cid, tender_id=tid, kek=self.kek)
                    if draft_only else "", draft_saved_at=start, created_at=start,
                    rejection_reason=corpus.sentence(rnd) if status == TenderStatus.REJECTED else "",
                    qualified_by_id=lead if status in (TenderStatus.QUALIFIED, TenderStatus.REJECTED) else None,
                    qualified_at=t.get("opened_at", start) + DAY if status in (TenderStatus.QUALIFIED,
                                                                               TenderStatus.REJECTED) else None),
                    f"{calloff.reference}: {supplier['name']}")
                rows[Tender].append(tender)
                audit.log(start, supplier["user"], "tender.started", tender, supplier["id"],
                          {"calloff": cid, "tender": tid}, sealed_scope=scope)
                if draft_only:
                    continue
                moments = sorted(start + (latest - start) * rnd.random() for _ in range(2 if rnd.random() < 0.1 else 1))
                for number, moment in enumerate(moments, start=1):
                    blob = sealing.seal(data_key, plaintext, calloff_id=cid, tender_id=tid)
                    last = number == len(moments)
                    submission = TenderSubmission(
                        id=w.id(TenderSubmission), tender_id=tid, number=number, sealed=blob.ciphertext,
                        sha256=blob.sha256, size=len(plaintext), submitted_by_id=supplier["user"],
                        submitted_at=moment, superseded_at=None if last else moments[number],
                        withdrawn_at=moment + HOUR if last and withdrawn else None,
                        withdrawn_by_id=supplier["user"] if last and withdrawn else None)
                    rows[TenderSubmission].append(submission)
                    audit.log(moment, supplier["user"], "tender.replaced" if number > 1 else "tender.submitted", tender,
                              supplier["id"], {"tender": tid, "number": number, "sha256": blob.sha256,
                                               "replaces": number - 1 if number > 1 else None}, sealed_scope=scope)
                    if last and withdrawn:
                        audit.log(moment + HOUR, supplier["user"], "tender.withdrawn", tender, supplier["id"],
                                  {"tender": tid, "number": number}, sealed_scope=scope)
                if not withdrawn:
                    submitted.append((tender, supplier, submission, content))
                    entries.append({"tender": tid, "supplier": supplier["name"], "supplier_id": supplier["id"],
                                    "number": submission.number, "submitted_at": submission.submitted_at.isoformat(),
                                    "sha256": submission.sha256, "size": submission.size, "verified": True})
            if state == "cancelled":
                audit.log(t["cancelled"], lead, "calloff.cancelled", calloff, agency["id"], {})
            if not opened:
                continue
            started, opened_at = t["opened_at"] - HOUR, t["opened_at"]
            rows[OpeningRecord].append(OpeningRecord(id=w.id(OpeningRecord), calloff_id=cid, started_by_id=lead,
                                                     started_at=started, confirmed_by_id=second, opened_at=opened_at,
                                                     tenders=entries))
            audit.log(started, lead, "calloff.opening_started", calloff, agency["id"], {})
            audit.log(opened_at, second, "calloff.opened", calloff, agency["id"],
                      {"openers": [lead, second], "tenders": [e["tender"] for e in entries],
                       "sha256": [e["sha256"] for e in entries], "not_verified": [], "withdrawn": 0})
            audit.release(scope, opened_at)
            if state == "opened" or not submitted:
                continue
            qualified = [item for item in submitted if item[0].status == TenderStatus.QUALIFIED] or submitted[:1]
            qualified[0][0].status = TenderStatus.QUALIFIED
            ranked = sorted(qualified, key=lambda item: (item[3].total_price, item[0].id))
            winner = ranked[0]
            evaluated_at = t["evaluated"]
            rows[Evaluation].append(Evaluation(
                id=w.id(Evaluation), calloff_id=cid, completed_by_id=lead, completed_at=evaluated_at,
                ranking=[{"tender": item[0].id, "supplier": item[1]["name"], "position": position,
                          "figure": str(item[3].total_price), "explanation": ""}
                         for position, item in enumerate(ranked, start=1)], winner_id=winner[0].id))
            audit.log(evaluated_at, lead, "calloff.evaluation_completed", calloff, agency["id"],
                      {"winner": winner[0].id})
            if state == "evaluated":
                continue
            sent = t["decided"]
            rows[AwardDecision].append(AwardDecision(
                id=w.id(AwardDecision), calloff_id=cid, winner_id=winner[0].id, reasons=corpus.text(rnd, 2),
                advantages=corpus.text(rnd, 2), standstill=True, standstill_ends=(sent + 10 * DAY).date(),
                sent_by_id=lead, sent_at=sent))
            audit.log(sent, lead, "calloff.award_decision_sent", calloff, agency["id"], {"winner": winner[0].id})
            if state == "contracted":
                self._contract(rows, contract_requirements, calloff, agency, winner[1], winner[3].total_price,
                               t["signed"], lead, requirement_ids)
        for model in (CallOff, CallOffCriterion, CallOffInvitation, CallOffQuestion, DialogueSlot, RankingOffer,
                      Tender, TenderSubmission, OpeningRecord, Evaluation, AwardDecision, Contract):
            w.insert(model, rows[model])
        w.link(CallOff.team.field, team_links)
        w.link(CallOff.requirements.field, requirement_links)
        w.link(Contract.requirements.field, contract_requirements)
        self.audit.flush()

    def _many_questions(self, rows, count: int, calloff, lot: dict, agency_id: int, team: list[int], published,
                        close) -> None:
        """`count` questions to one call-off, asked between its publication and the last time for questions (or
        now), in the order asked; each answered by one of the team a few hours to two days later, unless that is
        after now or the team left it (UNANSWERED_SHARE). Audited as the services audit them."""
        from innokop.calloffs.models import CallOffQuestion

        rnd, corpus, topic = self.busy, self.corpus, lot["topic"]
        identifiers = [ident for _rid, ident, _text, _kind in lot["requirements"]] or ["K1"]
        minutes = max(int((min(close, self.now) - published) / timedelta(minutes=1)) - 1, 1)
        for asked in sorted(published + timedelta(minutes=rnd.randint(1, minutes)) for _ in range(count)):
            supplier = rnd.choice(lot["suppliers"])
            words = {"a": rnd.choice(topic.words), "b": rnd.choice(topic.words), "req": rnd.choice(identifiers)}
            text = rnd.choice(QUESTION_FORMS).format(**words)
            if rnd.random() < 0.4:  # the background first
                text = f"{corpus.sentence(rnd, topic)} {text}"
            answered = asked + timedelta(minutes=rnd.randint(60, 48 * 60))
            if answered > self.now or rnd.random() < UNANSWERED_SHARE:
                answered = None
            answerer = rnd.choice(team)
            answer = (f"{rnd.choice(ANSWER_OPENINGS).format(**words)} {corpus.text(rnd, rnd.randint(1, 3), topic)}"
                      if answered else "")
            question = _repr(CallOffQuestion(
                id=self.w.id(CallOffQuestion), calloff_id=calloff.id, supplier_id=supplier["id"],
                asked_by_id=supplier["user"], text=text, asked_at=asked, answer=answer,
                answered_by_id=answerer if answered else None, answered_at=answered), "")
            rows[CallOffQuestion].append(question)
            self.audit.log(asked, supplier["user"], "calloff.question_asked", calloff, agency_id,
                           {"question": question.id, "supplier": supplier["id"]})
            if answered:
                self.audit.log(answered, answerer, "calloff.question_answered", calloff, agency_id,
                               {"question": question.id})

    def _contract(self, rows, links, calloff, agency, supplier, value, signed, lead, requirement_ids) -> None:
        from innokop.calloffs.models import Contract

        contract = _repr(Contract(
            id=self.w.id(Contract), calloff_id=calloff.id, agency_id=agency["id"], supplier_id=supplier["id"],
            value=value, starts_on=calloff.contract_start, ends_on=calloff.contract_end, signed_by_id=lead,
            signed_at=signed), "")
        rows[Contract].append(contract)
        links += [(contract.id, rid) for rid in requirement_ids]
        self.contracts.append({"id": contract.id, "agency": agency, "supplier": supplier, "value": value,
                               "starts": calloff.contract_start, "ends": calloff.contract_end, "signed": signed,
                               "lead": lead, "requirements": requirement_ids})
        self.audit.log(signed, lead, "calloff.contract_signed", calloff, agency["id"],
                       {"contract": contract.id, "supplier": supplier["id"], "value": str(value)})

    def _timeline(self, state: str, rnd: random.Random) -> dict:
        """The moments of one call-off's life that leave it in `state` at the anchor."""
        t: dict = {}
        if state == "draft":
            t["created"] = self.at(-rnd.randint(0, 60))
            t["contract_start"] = (self.now + rnd.randint(60, 200) * DAY).date()
            return t
        if state == "scheduled":
            t["published"] = self.at(rnd.randint(1, 10), hour=0)
            t["questions_close"] = t["published"] + rnd.randint(5, 10) * DAY
        elif state == "open":
            t["published"] = self.at(-rnd.randint(1, 10))
            t["questions_close"] = self.at(rnd.randint(1, 4), hour=14)
        elif state == "tendering":
            t["questions_close"] = self.at(-rnd.randint(1, 4), hour=14)
            t["published"] = t["questions_close"] - rnd.randint(5, 15) * DAY
            t["deadline"] = self.at(rnd.randint(1, 8), hour=11)
        elif state in ("offered", "accepted", "contracted_ranking"):
            back = {"offered": (0, 2), "accepted": (8, 30), "contracted_ranking": (40, 900)}[state]
            t["published"] = self.at(-rnd.randint(*back), hour=9)
            if state == "offered":
                t["published"] = min(t["published"], self.now - HOUR)
        else:
            back = {"awaiting_opening": (1, 3), "opened": (3, 10), "evaluated": (12, 30), "awarded": (25, 60),
                    "contracted": (45, 900), "cancelled": (5, 300)}[state]
            t["deadline"] = self.at(-rnd.randint(*back), hour=11)
            if state == "awaiting_opening":
                t["deadline"] = min(t["deadline"], self.now - HOUR)
            t["questions_close"] = t["deadline"] - 6 * DAY + 3 * HOUR
            t["published"] = t["questions_close"] - rnd.randint(5, 15) * DAY
        if "deadline" not in t and state not in RANKING_STATES:
            t["deadline"] = t["questions_close"] + rnd.randint(4, 10) * DAY - 3 * HOUR
        if "questions_close" in t:
            t["answers_by"] = t["questions_close"] + DAY
        t["created"] = t["published"] - rnd.randint(3, 30) * DAY
        if "deadline" in t:
            t["opened_at"] = t["deadline"] + 2 * HOUR
            t["evaluated"] = t["opened_at"] + rnd.randint(3, 9) * DAY
            t["decided"] = t["evaluated"] + 2 * DAY
            t["signed"] = t["decided"] + 12 * DAY
            t["contract_start"] = (t["deadline"] + 30 * DAY).date()
        else:
            t["signed"] = t["published"] + 4 * DAY
            t["contract_start"] = (t["published"] + 14 * DAY).date()
        if state == "cancelled":
            t["cancelled"] = t["deadline"] - DAY if rnd.random() < 0.5 else t["deadline"] + 5 * DAY
            t["last"] = t["cancelled"]
            if t["cancelled"] > self.now:
                t["cancelled"] = self.now - HOUR
        return t

    # --- pre-study: needs and joins ---

    def prestudy(self) -> None:
        from innokop.prestudy.models import Need, NeedInterest, Urgency
        from innokop.reference.models import NutsRegion

        rnd, w, corpus = self.rnd, self.w, self.corpus
        regions = sorted(NutsRegion.objects.values_list("code", flat=True))
        needs, interests, cpv = [], [], []
        for _n in range(self.scale.needs):
            nid, agency, topic = w.id(Need), rnd.choice(self.agencies), rnd.choice(corpus.topics)
            created = self.at(-rnd.randint(1, 500))
            year = (created + 365 * DAY).year
            needs.append(_repr(Need(
                id=nid, agency_id=agency["id"], title=corpus.title(rnd, topic), problem=corpus.text(rnd, 3, topic),
                current_situation=corpus.text(rnd, 2, topic), desired_effects=corpus.text(rnd, 2, topic),
                effect_measures=corpus.sentence(rnd, topic), affected=corpus.sentence(rnd),
                volume=rnd.randint(1, 5000), volume_unit=rnd.choice(["st", "användare", "timmar", "ton", "licenser"]),
                budget=Decimal(rnd.randint(1, 400) * 10_000) if rnd.random() < 0.6 else None, needed_year=year,
                needed_quarter=rnd.randint(1, 4) if rnd.random() < 0.7 else None,
                region_id=rnd.choice(regions) if rnd.random() < 0.6 else None, urgency=rnd.choice(Urgency.values),
                is_public=rnd.random() < 0.85, created_by_id=agency["users"][2], created_at=created,
                updated_at=created), ""))
            needs[-1]._bench_repr = needs[-1].title
            cpv.append((nid, topic.code))
            self.audit.log(created, agency["users"][2], "need.created", needs[-1], agency["id"], {})
            for other in rnd.sample(self.agencies, min(len(self.agencies) - 1, rnd.choice([0, 0, 1, 2, 3, 5]))):
                if other is agency:
                    continue
                joined = created + rnd.randint(1, 60) * DAY
                interests.append(NeedInterest(
                    id=w.id(NeedInterest), need_id=nid, agency_id=other["id"], volume=rnd.randint(1, 2000),
                    needed_year=year, region_id=rnd.choice(regions) if rnd.random() < 0.5 else None,
                    comment=corpus.sentence(rnd) if rnd.random() < 0.5 else "", created_by_id=other["users"][2],
                    created_at=joined))
                self.audit.log(joined, other["users"][2], "need.joined", needs[-1], other["id"], {})
        w.insert(Need, needs)
        w.link(Need.cpv_codes.field, cpv)
        w.insert(NeedInterest, interests)
        self.audit.flush()

    # --- follow-up: contract records, plans and rounds, sales reports ---

    def followup(self) -> None:
        from innokop.followup.models import (
            ContractRecord,
            FollowUpPlan,
            FollowUpRound,
            PlanItem,
            RoundEvent,
            SalesReport,
            SalesReportRow,
        )
        from innokop.followup.models.plans import EventKind, ItemSource, PlanFrequency, PlanMethod, RoundStatus

        rnd, w, corpus, s = self.rnd, self.w, self.corpus, self.scale
        records = [ContractRecord(id=w.id(ContractRecord), contract_id=c["id"], ends_on=c["ends"], value=c["value"],
                                  registration_number=f"DNR {c['signed'].year}/{c['id']}", created_at=c["signed"])
                   for c in self.contracts]
        w.insert(ContractRecord, records)
        plans, items, rounds, events = [], [], [], []
        # The oldest contracts are followed up: their rounds are requested quarterly, back from the anchor.
        followed = sorted(self.contracts, key=lambda c: (c["starts"], c["id"]))[: s.followup_plans]
        plan_items = []
        for contract in followed:
            pid = w.id(FollowUpPlan)
            plans.append(_repr(FollowUpPlan(id=pid, contract_id=contract["id"], created_by_id=contract["lead"],
                                            created_at=contract["signed"] + DAY), ""))
            for number, rid in enumerate(contract["requirements"][:2], start=1):
                iid = w.id(PlanItem)
                items.append(PlanItem(id=iid, plan_id=pid, source=ItemSource.REQUIREMENT, requirement_id=rid,
                                      identifier=f"K{number}", text=corpus.sentence(rnd),
                                      method=PlanMethod.SELF_DECLARATION, frequency=PlanFrequency.QUARTERLY,
                                      responsible_id=contract["lead"], created_at=contract["signed"] + DAY))
                plan_items.append((pid, iid, contract))
        today = self.now.date()
        caps = [max(1, ((today - contract["starts"]).days - 7) // 91 + 1) for _p, _i, contract in plan_items]
        per_item = allocate(s.followup_rounds, [1] * len(plan_items), caps=caps)
        for (pid, iid, contract), count in zip(plan_items, per_item, strict=True):
            offset = rnd.randint(1, 6)
            for k in range(count):
                scheduled = max(contract["starts"], today - timedelta(days=offset + 91 * k))
                requested = datetime.combine(scheduled, datetime.min.time(), dt_timezone.utc) + 8 * HOUR
                requested = min(requested, self.now - HOUR)
                deadline = requested + 14 * DAY
                if k == 0:
                    status = rnd.choice([RoundStatus.REQUESTED, RoundStatus.ANSWERED])
                else:
                    status = rnd.choice([RoundStatus.ANSWERED, RoundStatus.MET, RoundStatus.MET, RoundStatus.MET])
                answered = requested + rnd.randint(1, 12) * DAY if status != RoundStatus.REQUESTED else None
                if answered and answered > self.now:
                    answered, status = None, RoundStatus.REQUESTED
                assessed = answered + 2 * DAY if status == RoundStatus.MET and answered + 2 * DAY < self.now else None
                if status == RoundStatus.MET and assessed is None:
                    status = RoundStatus.ANSWERED
                round_id = w.id(FollowUpRound)
                rounds.append(FollowUpRound(
                    id=round_id, plan_id=pid, item_id=iid, supplier_id=contract["supplier"]["id"], status=status,
                    scheduled_on=scheduled, question=corpus.sentence(rnd)[:-1] + "?", deadline=deadline,
                    requested_by_id=contract["lead"], requested_at=requested,
                    answer=corpus.text(rnd, 2) if answered else "",
                    answered_by_id=contract["supplier"]["user"] if answered else None, answered_at=answered,
                    assessment=corpus.sentence(rnd) if assessed else "",
                    assessed_by_id=contract["lead"] if assessed else None, assessed_at=assessed))
                events.append(RoundEvent(id=w.id(RoundEvent), round_id=round_id, kind=EventKind.REQUESTED,
                                         actor_id=contract["lead"], organisation_id=contract["agency"]["id"],
                                         at=requested, data={"deadline": deadline.date().isoformat()}))
                if answered:
                    events.append(RoundEvent(id=w.id(RoundEvent), round_id=round_id, kind=EventKind.ANSWERED,
                                             actor_id=contract["supplier"]["user"],
                                             organisation_id=contract["supplier"]["id"], at=answered))
                if assessed:
                    events.append(RoundEvent(id=w.id(RoundEvent), round_id=round_id, kind=EventKind.MET,
                                             actor_id=contract["lead"], organisation_id=contract["agency"]["id"],
                                             at=assessed))
        w.insert(FollowUpPlan, plans)
        w.insert(PlanItem, items)
        w.insert(FollowUpRound, rounds)
        w.insert(RoundEvent, events)
        # Quarterly sales reports of admitted suppliers, for the quarters before the anchor's.
        quarter_index = self.now.year * 4 + (self.now.month - 1) // 3 - 1
        quarters = [divmod(quarter_index - k, 4) for k in range(4)]
        keys = sorted({(lot["agreement"]["id"], supplier["id"], year, q + 1)
                       for lot in self.lots for supplier in lot["suppliers"] for year, q in quarters})
        chosen = sorted(rnd.sample(keys, min(s.sales_reports, len(keys))))
        lots_of = defaultdict(list)
        for lot in self.lots:
            for supplier in lot["suppliers"]:
                lots_of[(lot["agreement"]["id"], supplier["id"])].append(lot["id"])
        users = {supplier["id"]: supplier["user"] for supplier in self.suppliers}
        reports, report_rows = [], []
        for agreement_id, supplier_id, year, quarter in chosen:
            rid = w.id(SalesReport)
            buyers = rnd.sample(self.agencies, min(len(self.agencies), rnd.choice([0, 1, 1, 2, 3, 4])))
            quarter_end = date(year, quarter * 3, 28)
            reports.append(SalesReport(id=rid, agreement_id=agreement_id, supplier_id=supplier_id, year=year,
                                       quarter=quarter, is_zero=not buyers, submitted_by_id=users[supplier_id],
                                       submitted_at=datetime.combine(quarter_end, datetime.min.time(), dt_timezone.utc)
                                       + 10 * DAY))
            for buyer in buyers:
                report_rows.append(SalesReportRow(
                    id=w.id(SalesReportRow), report_id=rid, buyer_id=buyer["id"], buyer_name=buyer["name"],
                    buyer_org_number=buyer["org_number"], lot_id=rnd.choice(lots_of[(agreement_id, supplier_id)]),
                    amount=Decimal(rnd.randint(1_000, 5_000_000)), entitled=True))
        w.insert(SalesReport, reports)
        w.insert(SalesReportRow, report_rows)

    # --- the search index ---

    def search_index(self) -> None:
        from innokop.accounts.models import Organisation, OrganisationKind
        from innokop.agreements.indexing import agreement_index
        from innokop.agreements.models import FrameworkAgreement
        from innokop.catalogue.indexing import solution_document
        from innokop.catalogue.models import Solution
        from innokop.core.search import SearchDocument, search_index_many
        from innokop.reference.indexing import cpv_indexed, cpv_reindex
        from innokop.reference.models import CpvCode

        codes = CpvCode.objects.in_bulk()
        titles = defaultdict(list)
        batch = 2000
        published = (Solution.objects.published().select_related("supplier")
                     .prefetch_related("cpv_codes", "regions", "lots").order_by("pk"))
        ids = list(published.values_list("pk", flat=True))
        for start in range(0, len(ids), batch):
            began = time.perf_counter()
            chunk = list(published.filter(pk__in=ids[start : start + batch]))
            for solution in chunk:
                titles[solution.supplier_id].append(solution.title)
            search_index_many(solution_document(solution, codes) for solution in chunk)
            self.progress.batch("search index: solutions", len(chunk), time.perf_counter() - began)
        suppliers = list(Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).order_by("pk")
                         .values_list("pk", "name", "description"))
        for start in range(0, len(suppliers), batch):
            began = time.perf_counter()
            chunk = suppliers[start : start + batch]
            search_index_many(SearchDocument("supplier", pk, name, "\n".join([description, *titles[pk]]))
                              for pk, name, description in chunk)
            self.progress.batch("search index: suppliers", len(chunk), time.perf_counter() - began)
        began = time.perf_counter()
        agreements = list(FrameworkAgreement.objects.prefetch_related("lots").order_by("pk"))
        for agreement in agreements:
            agreement_index(agreement)
        self.progress.batch("search index: agreements", len(agreements), time.perf_counter() - began)
        if self.scale.index_cpv and not cpv_indexed():
            began = time.perf_counter()
            self.progress.batch("search index: CPV codes", cpv_reindex(), time.perf_counter() - began)


# --- checks and entry point ----------------------------------------------------------------------

# Random by design (keys and nonces): left out of the digest.
SECRET_COLUMNS = {("calloffs_calloff", "data_key"), ("calloffs_tender", "draft_key"), ("calloffs_tender", "draft"),
                  ("calloffs_tendersubmission", "sealed")}
DIGEST_APPS = ("accounts", "agreements", "catalogue", "calloffs", "prestudy", "followup", "core")


def digest() -> str:
    """SHA-256 over every row of the generated tables (search index excepted), in primary-key order; the same on
    SQLite and PostgreSQL."""
    from django.apps import apps

    hasher = hashlib.sha256()
    for model in sorted(apps.get_models(include_auto_created=True), key=lambda m: m._meta.db_table):
        table = model._meta.db_table
        if model._meta.app_label not in DIGEST_APPS or table.startswith("core_search"):
            continue
        columns = [f.attname for f in model._meta.concrete_fields if (table, f.attname) not in SECRET_COLUMNS]
        order = ["pk"]
        if model._meta.auto_created:
            # A many-to-many link's own id comes from the database's sequence, which a rolled-back build on
            # PostgreSQL does not give back: the link is its two ends.
            columns = [c for c in columns if c != model._meta.pk.attname]
            order = columns
        hasher.update(table.encode())
        for row in model.objects.order_by(*order).values_list(*columns).iterator(chunk_size=5000):
            hasher.update(json.dumps([_plain(value) for value in row], sort_keys=True, ensure_ascii=False).encode())
    return hasher.hexdigest()


def _plain(value):
    """A value as the same text whichever database returned it (Decimal places, time zones)."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.astimezone(dt_timezone.utc).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def counts() -> dict[str, int]:
    """The row counts `Scale.declared` promises, as the database has them."""
    from innokop.accounts.models import Organisation, OrganisationKind
    from innokop.agreements.models import FrameworkAgreement, Lot
    from innokop.calloffs.models import CallOff, Contract, Tender
    from innokop.catalogue.models import Solution
    from innokop.followup.models import ContractRecord, FollowUpPlan, FollowUpRound, SalesReport
    from innokop.prestudy.models import Need

    return {"agencies": Organisation.objects.filter(kind=OrganisationKind.AGENCY).count(),
            "suppliers": Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).count(),
            "agreements": FrameworkAgreement.objects.count(), "lots": Lot.objects.count(),
            "solutions": Solution.objects.count(), "calloffs": CallOff.objects.count(),
            "tenders": Tender.objects.count(), "contracts": Contract.objects.count(), "needs": Need.objects.count(),
            "contract_records": ContractRecord.objects.count(), "sales_reports": SalesReport.objects.count(),
            "followup_plans": FollowUpPlan.objects.count(), "followup_rounds": FollowUpRound.objects.count()}


class NotEmpty(Exception):
    """The database already has data and --force was not given."""


def generate(scale: str | Scale, *, seed: int = 2026, anchor: datetime | None = None, force: bool = False,
             batch: int = 5000, index: bool = True, out=sys.stdout, quiet: bool = False) -> Progress:
    """Build the data of `scale` into the configured (migrated) database. Django must be set up."""
    from innokop.accounts.models import Organisation, User
    from innokop.calloffs.models import CallOff
    from innokop.core.planner import planner_statistics_refresh

    if not force and (Organisation.objects.exists() or User.objects.exists() or CallOff.objects.exists()):
        raise NotEmpty("The database already has organisations, users or call-offs. Give an empty database, or "
                       "--force to add to it.")
    if anchor is None:
        anchor = datetime.now(dt_timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    progress = Progress(out, quiet)
    chosen = SCALES[scale] if isinstance(scale, str) else scale
    Generator(chosen, seed, anchor, progress, batch, index).run()
    planner_statistics_refresh()  # as the daily task keeps them: the planner's statistics of the loaded tables
    return progress


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--anchor", type=datetime.fromisoformat, default=None,
                        help="the data's 'now', an ISO moment with its offset (default: the start of today, UTC)")
    parser.add_argument("--batch", type=int, default=5000, help="rows per insert transaction")
    parser.add_argument("--force", action="store_true", help="add to a database that already has data")
    parser.add_argument("--no-index", action="store_true", help="leave the search index alone")
    parser.add_argument("--digest", action="store_true", help="print the SHA-256 of the generated rows")
    parser.add_argument("--quiet", action="store_true", help="no line per batch, only the summary")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innokop.config.settings.test")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp(prefix='innokop-bench-')) / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from innokop.calloffs import sealing

    print(f"{args.scale} scale, seed {args.seed}, into {connection.vendor}: {os.environ['DATABASE_URL']}", flush=True)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"migrated in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        progress = generate(args.scale, seed=args.seed, anchor=args.anchor, force=args.force, batch=args.batch,
                            index=not args.no_index, quiet=args.quiet)
    except NotEmpty as error:
        print(error, file=sys.stderr)
        return 2
    progress.summary()
    for name, value in counts().items():
        print(f"  {name:<18} {value:>9}  (declared {SCALES[args.scale].declared()[name]})")
    if args.digest:
        print(f"digest {digest()}")
    print(f"tenders sealed under the KEK with id {sealing.key_id(sealing.load_kek())} "
          f"(INNOKOP_KEK, else {sealing.kek_path()}); users log in with the password {BENCH_PASSWORD!r}")
    print(f"done in {time.perf_counter() - started:.1f} s; DATABASE_URL={os.environ['DATABASE_URL']}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
