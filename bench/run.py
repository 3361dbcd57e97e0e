"""Benchmarks: timings printed as ratios against a baseline measured in the same run.

Run with `make bench`. It builds a throw-away SQLite database (or uses DATABASE_URL), indexes a
generated corpus and times the operations people wait for. Absolute seconds depend on the machine;
the ratios to the baseline (a primary-key lookup through the ORM) are what to compare between runs.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

WORDS = ("avfall hantering avfallshantering matavfall upphandling ramavtal avtalet leverantör kommunen "
         "skolmat snöröjning cykelparkering fordon fordonsflotta driftstöd tjänster systemförvaltning "
         "informationssäkerhet tillgänglighet sensorer energi belysning möbler cirkulär återbruk "
         "och av för med i på till som det en ett är").split()


def timed(function, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "innokop.config.settings.test")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    from innokop.core.models import SearchEntry
    from innokop.core.search import search, search_index

    rnd = random.Random(2026)
    size = int(os.environ.get("BENCH_DOCUMENTS", "2000"))
    index_time = timed(lambda: [search_index(kind="solution", object_id=i,
                                             title=" ".join(rnd.choice(WORDS) for _ in range(6)),
                                             body=" ".join(rnd.choice(WORDS) for _ in range(150)))
                                for i in range(size)], repeat=1) / size
    first = SearchEntry.objects.first().pk
    baseline = timed(lambda: SearchEntry.objects.get(pk=first), repeat=200)
    client = Client()
    cases = {
        "index one document": index_time,
        "search 'avfall'": timed(lambda: search("avfall", limit=20), repeat=20),
        "search 'avfallshantering' (compound)": timed(lambda: search("avfallshantering", limit=20), repeat=20),
        "search 'avtalen kommun' (inflection)": timed(lambda: search("avtalen kommun", limit=20), repeat=20),
        "GET / (start page)": timed(lambda: client.get("/"), repeat=20),
        "GET /healthz": timed(lambda: client.get("/healthz"), repeat=50),
    }
    print(f"baseline: ORM primary-key lookup = {baseline * 1e6:.0f} µs ({size} documents indexed)")
    for name, seconds in cases.items():
        print(f"{name:<42} {seconds / baseline:10.1f} × baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
