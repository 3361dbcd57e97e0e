"""OCDS export rate (bench/run.py --sections ocds): releases per second against plain JSON of the same rows.

The bulk export (opendata.services.bulk_build) collects every public release (opendata.mapping.all_releases),
compiles the records (ocdsmerge), validates both packages against the schema and zips them. Each step is timed
on the bench data and printed as releases per second, beside the floor: the rows the releases are built from
(the published agreements, their lots and admissions; the published call-offs with their agency, lot,
contract, decision, opening, clarifications and register record) read with `.values()` and written with
json.dumps, which is what any export of the same rows must pay.
"""

from __future__ import annotations

import json
import time

from common import heading


def plain_rows(now) -> list[dict]:
    """The same rows all_releases reads, as plain dictionaries."""
    from innokop.agreements.models import FrameworkAgreement, Lot, LotSupplier
    from innokop.calloffs.models import AwardDecision, CallOff, Contract, OpeningRecord

    calloffs = CallOff.objects.filter(published_at__lte=now)
    agreements = FrameworkAgreement.objects.filter(published_at__lte=now)
    rows = list(agreements.values())
    rows += list(Lot.objects.filter(agreement__in=agreements).values())
    rows += list(LotSupplier.objects.filter(lot__agreement__in=agreements).values())
    rows += list(calloffs.values())
    rows += list(Contract.objects.filter(calloff__in=calloffs).values())
    rows += list(AwardDecision.objects.filter(calloff__in=calloffs).values())
    rows += list(OpeningRecord.objects.filter(calloff__in=calloffs).values())
    return rows


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def run() -> dict:
    from innokop.core import clock
    from innokop.opendata import mapping, publishing
    from innokop.opendata.validation import package_errors

    heading("OCDS export rate (the bulk export's steps, on the bench data)")
    now = clock.now()
    # A process's first package resolves the URLconf and loads the schema and its extensions: once per process,
    # reported apart from the rates.
    _, warm = timed(lambda: (package_errors(publishing.release_package([], uri="/bench", published=now)),
                             publishing.merger()))
    rows, plain_read = timed(lambda: plain_rows(now))
    plain_text, plain_dump = timed(lambda: json.dumps(rows, default=str, ensure_ascii=False))
    floor = plain_read + plain_dump
    releases, build = timed(lambda: mapping.all_releases(now))
    n = len(releases)
    if not n:
        print("No public releases in the data.")
        return {}
    print(f"{n} releases; {len(rows)} plain rows ({len(plain_text) // 1024} KB of JSON); a process's first package "
          f"(URLconf, schema, extensions) took {warm:.1f} s once, before these")
    print(f"{'step':<52} {'seconds':>8} {'releases/s':>11} {'× floor time':>12}")

    def line(name: str, seconds: float) -> None:
        print(f"{name:<52} {seconds:8.2f} {n / max(seconds, 1e-9):11.0f} {seconds / max(floor, 1e-9):12.1f}",
              flush=True)

    line("floor: rows read (.values()) and json.dumps", floor)
    line("releases built (all_releases: queries and mapping)", build)
    package, package_time = timed(lambda: publishing.release_package(releases, uri="/bench", published=now))
    text, dump = timed(lambda: json.dumps(package, ensure_ascii=False))
    line("release package serialised (json.dumps)", package_time + dump)
    line("releases built and serialised", build + package_time + dump)
    records, merge = timed(lambda: publishing.record_package(releases, uri="/bench", published=now))
    line(f"records compiled (ocdsmerge, {len(records['records'])} processes)", merge)
    errors, validate = timed(lambda: package_errors(package))
    line("release package validated (schema)", validate)
    print(f"(release package {len(text) // 1024} KB; validation errors: {len(errors)})")
    return {"releases": n, "build": build, "serialise": package_time + dump, "merge": merge, "validate": validate,
            "floor": floor}
