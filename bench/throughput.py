"""Throughput (bench/run.py --sections throughput): requests per second through gunicorn on loopback, with wrk.

The bench starts gunicorn (2 workers, the bench settings, the bench database) on a free port of 127.0.0.1 and
loads each URL for a fixed time with wrk; the floor is the bare view (bench/bench_urls.py) through the same
server. Signed-in pages get a session cookie of a bench user, passed to wrk as a header. Without wrk the section
is skipped with a message (`apt-get install -y wrk`).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

from common import BENCH, ROOT, heading

# Issue 13: the catalogue's throughput at least half of the bare view's.
GOAL_SHARE = 0.5
ROUNDS = 3  # each URL's load time is split into this many turns (see run)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with 2 workers on the bench settings and `database_url`, stopped when the block ends."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 1, extra_env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = os.environ | {"DJANGO_SETTINGS_MODULE": "bench_settings", "DATABASE_URL": database_url,
                            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
                            "PYTHONPATH": os.pathsep.join([str(BENCH), os.environ.get("PYTHONPATH", "")])}
        env |= extra_env or {}
        gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or shutil.which("gunicorn")
        if gunicorn is None:
            gunicorn_args = [sys.executable, "-m", "gunicorn"]
        else:
            gunicorn_args = [gunicorn]
        self.command = [*gunicorn_args, "innokop.config.wsgi:application", "--workers", str(workers),
                        "--threads", str(threads), "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
                        "--timeout", "120", "--chdir", str(ROOT)]
        self.env = env
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.process = subprocess.Popen(self.command, env=self.env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def warm(self, path: str, headers: dict | None = None, times: int = 6) -> int:
        """Each worker's first requests compile templates and load the lemmatiser: make them before timing."""
        status = 0
        for _ in range(times):
            request = urllib.request.Request(self.base + path, headers=headers or {})
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
        return status

    def idle(self, workers: int = 2, seconds: float = 120) -> None:
        """Waits until every worker answers /healthz at once: wrk leaves requests queued behind a slow page, which
        would otherwise be served in the next URL's turn."""
        from concurrent.futures import ThreadPoolExecutor

        def answered() -> float:
            start = time.monotonic()
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=seconds) as response:
                response.read()
            return time.monotonic() - start

        deadline = time.monotonic() + seconds
        with ThreadPoolExecutor(workers) as pool:
            while time.monotonic() < deadline:
                if max(pool.map(lambda _n: answered(), range(workers))) < 0.5:
                    return

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def session_cookie(user) -> str:
    """A session of `user` (as after a sign-in), as a Cookie header's value."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def wrk(url: str, *, seconds: int, connections: int, cookie: str = "") -> dict:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency", "--timeout", "10s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    latency = {}
    for percent in ("50", "90", "99"):
        match = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if match:
            value, unit = float(match.group(1)), match.group(2)
            latency[percent] = value / {"us": 1000, "ms": 1, "s": 0.001}[unit]
    return {"rate": rate, "non2xx": int(bad.group(1)) if bad else 0, "errors": errors.group(0) if errors else "",
            "latency": latency}


def run(database_url: str, *, seconds: int = 10, connections: int = 8) -> list[dict] | None:
    heading(f"Throughput through gunicorn (2 workers, loopback), wrk -c {connections} for {seconds} s per URL")
    if shutil.which("wrk") is None:
        print("Skipped: wrk is not installed. Install it with `apt-get install -y wrk` (Debian/Ubuntu) or "
              "`brew install wrk` (macOS), then run `python bench/run.py --sections throughput`.")
        return None
    import pages
    from django.db.models import Count

    from innokop.calloffs.models import CallOff

    word = pages.catalogue_word()
    calloff = (CallOff.objects.filter(published_at__isnull=False).annotate(n=Count("questions"))
               .order_by("-n", "pk").first())
    member = calloff.team.filter(is_active=True, memberships__organisation_id=calloff.agency_id).order_by("pk").first()
    cookie = session_cookie(member)
    urls = [("bare view (anonymous)", "/__bench__/bare/", ""),
            ("bare view (signed in)", "/__bench__/bare/", cookie),
            ("catalogue, no query", "/solutions/", ""),
            (f"catalogue ?q={word}", f"/solutions/?q={urllib.parse.quote(word)}", ""),
            (f"call-off page, agency ({calloff.n} questions)", f"/call-offs/{calloff.pk}/", cookie)]
    # The catalogue's content is served from the pages cache while the index is unchanged, and wrk asks for
    # one URL again and again: the same URLs once more with the cache off give the rate of a first request.
    uncached = [("bare view (anonymous), 2nd server", *urls[0][1:]),
                *((f"{name}, cache off", path, header) for name, path, header in urls[2:4])]
    rows = []
    # A shared machine's load drifts within minutes: each URL is loaded in ROUNDS turns, the URLs taking turns,
    # and its median rate is kept, so a page and its floor are measured over the same stretch of time.
    for server_urls, extra_env in ((urls, {}), (uncached, {"CATALOGUE_PAGE_CACHE_SECONDS": "0"})):
        with Server(database_url, extra_env=extra_env) as server:
            statuses = [server.warm(path, {"Cookie": header} if header else None) for _name, path, header in server_urls]
            runs = [[] for _ in server_urls]
            for _round in range(ROUNDS):
                for index, (_name, path, header) in enumerate(server_urls):
                    runs[index].append(wrk(server.base + path, seconds=max(1, round(seconds / ROUNDS)),
                                           connections=connections, cookie=header))
                    server.idle()
            for (name, _path, _header), status, measured in zip(server_urls, statuses, runs, strict=True):
                middle = sorted(measured, key=lambda result: result["rate"])[len(measured) // 2]
                rows.append({"name": name, "status": status, "server": bool(extra_env), **middle,
                             "non2xx": sum(result["non2xx"] for result in measured),
                             "rates": [result["rate"] for result in measured]})
    second = len(urls)  # the first row of the second server: its bare view
    urls += uncached
    # Each row against the bare view of its kind on its own server (the cache-off rows have a second one).
    floors = {(False, False): rows[0]["rate"], (False, True): rows[1]["rate"], (True, False): rows[second]["rate"]}
    print(f"{'URL':<46} {'status':>6} {'req/s':>8} {'÷bare':>6} {'p50':>9} {'p99':>9} {'non-2xx':>7}  ≥ ½ bare")
    for row, (_name, _path, header) in zip(rows, urls, strict=True):
        floor = floors[(row["server"], bool(header))]
        share = row["rate"] / floor if floor else float("nan")
        lat = row["latency"]
        print(f"{row['name']:<46} {row['status']:>6} {row['rate']:8.1f} {share:6.2f} "
              f"{lat.get('50', 0):7.1f}ms {lat.get('99', 0):7.1f}ms {row['non2xx']:>7}  "
              f"{'yes' if share >= GOAL_SHARE else 'no'}  {'/'.join(f'{r:.0f}' for r in row['rates'])}"
              f"  {row['errors']}")
    print(f"(÷bare: against the bare view of the same kind, anonymous or signed in; each URL loaded in {ROUNDS} turns "
          f"of {max(1, round(seconds / ROUNDS))} s, the URLs taking turns, and the median turn shown, its req/s of "
          "every turn last; p50/p99 are wrk's latencies of the median turn)")
    return rows
