"""Files only the account running Innoköp may read: the database, the keys, the uploads.

The settings call these before anything opens a file, so what Innoköp creates is owner-only
whatever the umask (0700 for directories, 0600 for files), and what an older version left
readable to others is tightened. SQLite gives its `-wal` and `-shm` files the database file's mode,
so creating the database file 0600 first covers them too.
"""

import base64
import contextlib
import os
import secrets
from pathlib import Path

OWNER_ONLY_FILE = 0o600
OWNER_ONLY_DIR = 0o700


def private_dir(path: Path) -> Path:
    """The directory, created 0700 when missing, and no longer open to others when it was."""
    path.mkdir(mode=OWNER_ONLY_DIR, parents=True, exist_ok=True)
    _tighten(path)
    return path


def private_file(path: Path, content: bytes = b"") -> Path:
    """The file, created 0600 (with `content`) when missing; an existing one is tightened, not changed."""
    if path.exists():
        _tighten(path)
        return path
    # Written under a temporary name and linked into place: if another process starting at the
    # same moment wins, its file is kept, and nobody reads a half-written one.
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    try:
        os.fchmod(descriptor, OWNER_ONLY_FILE)  # the umask could only take bits away; say what we want
        os.write(descriptor, content)
    finally:
        os.close(descriptor)
    try:
        with contextlib.suppress(FileExistsError):  # another process made it first: its file is kept
            os.link(temporary, path)
    finally:
        temporary.unlink()
    return path


def private_sqlite_database(name: str) -> None:
    """An SQLite database file (and its journals) made owner-only before SQLite first opens it."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path)  # an empty file is an empty SQLite database
    for suffix in ("-wal", "-shm", "-journal"):
        journal = path.with_name(path.name + suffix)
        if journal.exists():
            _tighten(journal)


def read_or_create_secret(path: Path) -> str:
    """The secret key from the environment, else from `path`, generated there (0600) once."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path, secrets.token_urlsafe(50).encode("ascii"))
    return path.read_text().strip()


def read_or_create_network_key(path: Path) -> str:
    """The network feed's Ed25519 private key (base64 of its 32 bytes) from INNOKOP_NETWORK_SIGNING_KEY, else
    from `path`, generated there (0600) once."""
    if os.environ.get("INNOKOP_NETWORK_SIGNING_KEY"):
        return os.environ["INNOKOP_NETWORK_SIGNING_KEY"]
    if not path.parent.exists():
        private_dir(path.parent)
    private_file(path, base64.b64encode(secrets.token_bytes(32)))
    return path.read_text().strip()


def _tighten(path: Path) -> None:
    """Takes away every permission of group and others; leaves alone what is not ours to change."""
    with contextlib.suppress(PermissionError):
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            path.chmod(mode & 0o700)
