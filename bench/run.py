"""Benchmarks (`make bench`): timings printed as ratios against floors measured in the same run (issue 13).

    python bench/run.py [--sections search,pages,throughput,crunch,ocds] [--data URL] [--scale small|medium]
                        [--crunch-url postgres://…] [options]

Sections (all by default; choose some with --sections to make a partial run):

- search: the catalogue search page and API against the raw full-text query (bench/search.py), on a catalogue
  of BENCH_DOCUMENTS (2 000) generated solutions in a throw-away database (or DATABASE_URL: an empty one);
- pages: key pages with p50, p95 and SQL queries against a bare view (bench/pages.py);
- throughput: requests per second through gunicorn (2 workers, loopback) with wrk (bench/throughput.py);
- crunch: 500 suppliers submit sealed tenders to one call-off in its last minute through the HTTP API, on
  PostgreSQL (bench/crunch.py; --crunch-url or BENCH_CRUNCH_DATABASE_URL, else skipped);
- ocds: the OCDS releases built and serialised per second against plain JSON of the same rows (bench/ocds.py).

pages, throughput and ocds run on the bench data (bench/data.py): --data URL (or BENCH_DATA_URL) for a database
`make bench-data` built, else a throw-away SQLite file generated at --scale (small) first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, heading, load, setup  # noqa: E402

SECTIONS = ("search", "pages", "throughput", "crunch", "ocds")


def arguments(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated, of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--data", default=os.environ.get("BENCH_DATA_URL"),
                        help="database URL of bench data for pages, throughput and ocds (default: generate --scale)")
    parser.add_argument("--scale", default="small", help="the scale generated when --data is not given")
    parser.add_argument("--repeat", type=int, default=30, help="requests per key page")
    parser.add_argument("--wrk-seconds", type=int, default=10, help="how long wrk loads each URL")
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument("--crunch-url", default=os.environ.get("BENCH_CRUNCH_DATABASE_URL"),
                        help="a PostgreSQL database for the crunch (created if missing; must hold no other data)")
    parser.add_argument("--crunch-suppliers", type=int, default=500)
    parser.add_argument("--crunch-clients", type=int, default=64, help="concurrent clients in the crunch")
    parser.add_argument("--crunch-window", type=int, default=60,
                        help="seconds from the crunch's start to the tender deadline (its last minute)")
    parser.add_argument("--child", choices=("search", "crunch"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.sections.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def child(args) -> int:
    """A section that needs a database of its own, in a process of its own (Django sets up once per process)."""
    setup()
    if args.child == "search":
        import search

        search.run()
        return 0
    import crunch

    return crunch.run(suppliers=args.crunch_suppliers, clients=args.crunch_clients, window=args.crunch_window)


def spawn(args, section: str, database_url: str) -> int:
    env = os.environ | {"DATABASE_URL": database_url}
    command = [sys.executable, str(BENCH / "run.py"), "--child", section, "--crunch-suppliers",
               str(args.crunch_suppliers), "--crunch-clients", str(args.crunch_clients),
               "--crunch-window", str(args.crunch_window)]
    return subprocess.run(command, env=env).returncode


def bench_data(args) -> str:
    if args.data:
        return args.data
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='innokop-bench-')) / 'bench.sqlite3'}"
    heading(f"Generating the bench data at {args.scale} scale (bench/data.py)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(BENCH / "data.py"), "--scale", args.scale, "--quiet"],
                          env=os.environ | {"DATABASE_URL": url}, stdout=subprocess.DEVNULL)
    if done.returncode:
        raise SystemExit("The bench data could not be generated (bench/data.py failed).")
    print(f"{args.scale} scale generated in {time.perf_counter() - started:.0f} s: {url}")
    return url


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    if args.child:
        return child(args)
    print(f"Innoköp benchmark: sections {', '.join(args.sections)}; {load()}", flush=True)
    failed = 0
    if "search" in args.sections:
        heading("Catalogue search (bench/search.py)")
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
        failed |= spawn(args, "search", url)
    if {"pages", "throughput", "ocds"} & set(args.sections):
        url = bench_data(args)
        setup(url)
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)  # a database built before the latest migrations

        from innokop.accounts.models import Organisation
        from innokop.calloffs.models import CallOff

        print(f"bench data: {connection.vendor}, {Organisation.objects.count()} organisations, "
              f"{CallOff.objects.count()} call-offs ({url})")
        if "pages" in args.sections:
            import pages

            pages.run(args.repeat)
        if "throughput" in args.sections:
            import throughput

            throughput.run(url, seconds=args.wrk_seconds, connections=args.wrk_connections)
        if "ocds" in args.sections:
            import ocds

            ocds.run()
    if "crunch" in args.sections:
        if not args.crunch_url:
            heading("Deadline crunch: skipped")
            print("It needs PostgreSQL: give --crunch-url postgres://postgres@127.0.0.1:5432/bench_crunch (or "
                  "BENCH_CRUNCH_DATABASE_URL); the database is created if missing.")
        else:
            import crunch

            crunch.ensure_database(args.crunch_url)
            failed |= spawn(args, "crunch", args.crunch_url)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
