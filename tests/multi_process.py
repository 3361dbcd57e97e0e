"""Several real processes on the test database: the database they share, and how to start them.

The test is transactional (its rows are committed, so another process sees them). On PostgreSQL the processes
use the test database itself. On SQLite the test database is in memory, which no other process can open: for the
test it is copied to a file (WAL, busy timeout and immediate transactions, as the application configures
SQLite) and the test's own connection moves there too (`database_on_disk`, also used by tests/calloffs/test_tenders_race.py).
Child processes run tests/multi_process_settings.py: tasks in the database and e-mail in the outbox table.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = "tests.multi_process_settings"
WAIT = 60  # seconds a child process has to start or to finish, however slow the machine


def database_url() -> str:
    """The URL of the database the test's connection uses now."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{user}{password}@{host}/{db['NAME']}"


@contextlib.contextmanager
def database_on_disk(path: Path):
    """On SQLite, the in-memory test database copied to `path` for the block, the test's connection moved there,
    and put back (untouched) afterwards; elsewhere nothing changes."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    memory, settings_dict = connection.connection, connection.settings_dict
    name = settings_dict["NAME"]
    with sqlite3.connect(path) as target:
        memory.backup(target)
    target.close()
    connection.connection = None  # `memory` keeps the in-memory database alive meanwhile
    settings_dict["NAME"] = str(path)
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = name
        connection.connection = memory


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """The URL of a database the test and its child processes share; the test's connection already uses it."""
    with database_on_disk(tmp_path / "shared.sqlite3"):
        yield database_url()


def child_env(database: str, **extra: str) -> dict:
    return os.environ | {"DJANGO_SETTINGS_MODULE": SETTINGS, "DATABASE_URL": database,
                         "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])} | extra


def innokop(*args: str, database: str, **popen) -> subprocess.Popen:
    """`innokop <args>` in a new process on `database`, from the project's directory (its var/ and KEK)."""
    return subprocess.Popen([sys.executable, "-m", "innokop", *args], env=child_env(database), cwd=ROOT, **popen)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class WebProcess:
    """`innokop serve --no-worker --no-daily` (gunicorn) on a free loopback port, answering /healthz."""

    def __init__(self, database: str, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = innokop("serve", "--no-worker", "--no-daily", "--host", "127.0.0.1", "--port", str(self.port),
                               "--workers", "2", database=database, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT)

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"innokop serve exited with {self.process.returncode}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)  # polling the starting server, not waiting for an outcome
        raise RuntimeError(f"innokop serve did not answer /healthz within {WAIT} s:\n{self.log.read_text()}")

    def stop(self) -> None:
        stop(self.process)
