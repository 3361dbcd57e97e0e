"""What the benchmark's sections share: Django set up on the bench settings, samples, percentiles, printing."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def setup(database_url: str | None = None) -> None:
    """Django on bench/bench_settings.py (the test settings plus the bare view's URLconf) and this database."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    import django

    django.setup()


def samples(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float, width: int = 8) -> str:
    return f"{seconds * 1000:{width - 3}.1f} ms"


def load() -> str:
    """The machine's load average, to print beside the figures (other work on the machine changes them)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "load average unknown"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs"


def heading(text: str) -> None:
    print(f"\n== {text} ({time.strftime('%H:%M:%S UTC', time.gmtime())}, {load()})", flush=True)
