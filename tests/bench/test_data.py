"""The benchmark's data generator (bench/data.py): the small scale built on the test database.

The rows are real: the audit chain verifies, tenders before their deadline are ciphertext that the guard
refuses to open, the opening service opens them after the deadline, and every call-off state occurs. The
same seed gives the same rows. Medium and national are too big for a test; their plans (how many call-offs
in which state, how many tenders) are checked without a database.
"""

import importlib.util
import io
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest
from django.db import transaction

from innokop.calloffs import sealing
from innokop.calloffs.models import CallOff, CallOffStatus, OpeningRecord, Tender, TenderStatus, TenderSubmission
from innokop.calloffs.services import CallOffError, opening
from innokop.core.audit import audit_verify
from innokop.core.models import AuditEvent, AuditRelease
from innokop.core.search import search

ANCHOR = datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc)  # the `clock` fixture's moment
BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load():
    spec = importlib.util.spec_from_file_location("bench_data", BENCH / "data.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_data"] = module
    spec.loader.exec_module(module)
    return module


bench_data = _load()


def build(seed: int = 7, **options):
    out = io.StringIO()
    bench_data.generate("small", seed=seed, anchor=ANCHOR, out=out, **options)
    return out.getvalue()


@pytest.fixture
def small(db, clock):
    build()
    return clock


def test_small_builds_every_declared_row_and_prints_its_progress(db, clock):
    output = build()
    assert bench_data.counts() == bench_data.SCALES["small"].declared()
    assert "calloffs_tendersubmission" in output and "search index: solutions" in output  # a line per batch
    states = Counter(calloff.effective_state(ANCHOR) for calloff in CallOff.objects.all())
    every = {state for state in CallOffStatus.values}
    assert set(states) == every, every - set(states)


def test_the_audit_chain_verifies_and_opened_call_offs_are_released(small):
    result = audit_verify()
    assert result.ok, result.reason
    assert result.checked == AuditEvent.objects.count() > 0
    assert AuditEvent.objects.filter(verb="tender.submitted").exclude(sealed_scope="").exists()
    opened = set(OpeningRecord.objects.values_list("calloff_id", flat=True))
    assert {int(scope.split(":")[1]) for scope in AuditRelease.objects.values_list("scope", flat=True)} == opened


def test_tenders_before_the_deadline_are_sealed(small):
    calloff = next(c for c in CallOff.objects.all() if c.effective_state(ANCHOR) == CallOffStatus.TENDERING
                   and TenderSubmission.objects.filter(tender__calloff=c).exists())
    submissions = list(TenderSubmission.objects.filter(tender__calloff=calloff))
    for submission in submissions:
        assert submission.sealed.startswith("v1:") and "total_price" not in submission.sealed
        assert "total_price" not in sealing._unb64(submission.sealed.split(":")[2]).decode("latin-1")
    with pytest.raises(sealing.SealedError):  # the guard: not before the deadline, whoever asks
        sealing.unwrap_for_opening(calloff.data_key, deadline=calloff.tender_deadline, now=ANCHOR, openers=[1, 2])
    with pytest.raises(CallOffError):
        opening.opening_start(actor=calloff.team.first(), calloff=calloff)
    draft = Tender.objects.filter(status=TenderStatus.DRAFT).exclude(draft="").first()
    assert draft is not None and "total_price" not in draft.draft
    content = sealing.open_draft(draft.draft_key, draft.draft, calloff_id=draft.calloff_id, tender_id=draft.pk)
    assert b"total_price" in content  # the supplier's own draft, under its own key


def test_opened_call_offs_open_with_the_opening_service(small):
    opened = CallOff.objects.filter(status=CallOffStatus.OPENED, opening__isnull=False).first()
    tenders = opening.opened_tenders(opened)
    assert tenders and all(tender.verified for tender in tenders)
    assert {t.submission.sha256 for t in tenders} == {e["sha256"] for e in opened.opening.tenders}


def test_awaiting_opening_is_opened_by_two_people_after_the_deadline(small):
    calloff = next(c for c in CallOff.objects.order_by("pk") if c.effective_state(ANCHOR) ==
                   CallOffStatus.AWAITING_OPENING and c.tenders.filter(status=TenderStatus.SUBMITTED).exists())
    first, second = list(calloff.team.order_by("pk"))[:2]
    opening.opening_start(actor=first, calloff=calloff)
    record = opening.opening_confirm(actor=second, calloff=calloff)
    entries = opening.opened_entries(record)
    assert len(entries) == calloff.tenders.filter(status=TenderStatus.SUBMITTED).count()
    assert all(entry["verified"] for entry in entries)
    assert audit_verify().ok  # the services append to the generated chain


def test_the_search_index_is_filled(small):
    from innokop.catalogue.models import Solution
    from innokop.core.models import SearchEntry

    published = Solution.objects.published()
    assert SearchEntry.objects.filter(kind="solution").count() == published.count() > 0
    assert SearchEntry.objects.filter(kind="supplier").count() == bench_data.SCALES["small"].suppliers
    solution = published.order_by("pk").first()
    word = max(solution.title.split(), key=len)
    assert any(hit.kind == "solution" and hit.object_id == solution.pk for hit in search(word, limit=100))


def test_the_same_seed_gives_the_same_rows(db, clock):
    digests = []
    for seed in (7, 7, 8):
        with transaction.atomic():
            build(seed, index=False)
            digests.append(bench_data.digest())
            transaction.set_rollback(True)
    assert digests[0] == digests[1] != digests[2]


def test_a_database_with_data_is_refused(small):
    with pytest.raises(bench_data.NotEmpty):
        build()


@pytest.mark.parametrize("scale", ["small", "medium", "national"])
def test_every_scale_plans_its_declared_call_offs_and_tenders(scale):
    declared = bench_data.SCALES[scale].declared()
    generator = bench_data.Generator.__new__(bench_data.Generator)
    generator.scale, generator.rnd = bench_data.SCALES[scale], __import__("random").Random(1)
    states = Counter(generator._states())
    assert sum(states.values()) == declared["calloffs"]
    assert states["contracted"] + states["contracted_ranking"] == declared["contracts"]
    assert set(states) == set(bench_data.STATE_WEIGHTS) | {"contracted", "contracted_ranking"}
    bearing = sum(count for state, count in states.items() if state in bench_data.TENDER_STATES)
    low, _high = bench_data.SCALES[scale].lot_suppliers
    assert declared["tenders"] <= bearing * low  # room for every declared tender among the invited suppliers


def test_medium_is_a_tenth_of_national():
    medium, national = bench_data.SCALES["medium"].declared(), bench_data.SCALES["national"].declared()
    assert {name: national[name] / medium[name] for name in medium} == {name: 10 for name in medium}
    assert national["agencies"] == 350 and national["suppliers"] == 8_000 and national["tenders"] == 600_000


def test_allocate_splits_exactly_within_caps():
    assert sum(bench_data.allocate(600, [0.5, 1.5, 1.0, 1.2])) == 600
    capped = bench_data.allocate(10, [1, 1, 10], caps=[5, 5, 4])
    assert sum(capped) == 10 and all(count <= cap for count, cap in zip(capped, [5, 5, 4], strict=True))
    with pytest.raises(ValueError):
        bench_data.allocate(20, [1, 1], caps=[5, 5])


def test_organisation_numbers_are_valid():
    from stdnum.se import orgnr

    assert all(orgnr.is_valid(bench_data.org_number(prefix, n)) for prefix in ("2120", "556") for n in (1, 42, 9999))
