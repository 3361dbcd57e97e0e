"""One signed POST of a delivery, over a connection pinned to the addresses that were checked.

`addresses.resolve_checked` looks the host name up and refuses a private answer; the connection then goes to
those very addresses instead of looking the name up again (which a hostile name server could answer differently:
DNS rebinding). TLS still names the host (SNI) and verifies its certificate for the host name, and the Host
header is the host name, so the receiver sees an ordinary request. No proxies from the environment, no redirects
(http.client follows none: a 3xx is an answer like any other, not a delivery).
"""

import http.client
import json
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from innokop.calloffs.sealing import SealingError

from . import addresses, signing

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 5
USER_AGENT = "Innokop-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What an attempt came to: the receiver's status (None when it was not reached), what went wrong, and how
    long it took in milliseconds."""

    status_code: int | None
    error: str
    duration_ms: int


def encode(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def tls_context() -> ssl.SSLContext:
    """The system's trusted authorities, certificate and host name checked (tests trust their own authority)."""
    return ssl.create_default_context()


def open_socket(address: str, port: int, timeout: float) -> socket.socket:
    return socket.create_connection((address, port), timeout)


def _connect_pinned(addresses_: list[str], port: int, timeout: float) -> socket.socket:
    error: OSError | None = None
    for address in addresses_:
        try:
            return open_socket(address, port, timeout)
        except OSError as failed:
            error = failed
    raise error or OSError("no address")


class PinnedHTTPConnection(http.client.HTTPConnection):
    """Plain HTTP (loopback only, where the settings allow it) to the checked addresses."""

    def __init__(self, host: str, port: int | None, *, pinned: list[str], timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.pinned = pinned

    def connect(self) -> None:
        self.sock = _connect_pinned(self.pinned, self.port, self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to the checked addresses; SNI and certificate verification for the host name."""

    def __init__(self, host: str, port: int | None, *, pinned: list[str], timeout: float):
        self.tls = tls_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.pinned = pinned

    def connect(self) -> None:
        sock = _connect_pinned(self.pinned, self.port, self.timeout)
        try:
            self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


def post(endpoint, delivery, now) -> Outcome:
    """One signed POST of the delivery's body to the endpoint, timestamped `now`."""
    started = time.monotonic()

    def outcome(code: int | None, error: str = "") -> Outcome:
        return Outcome(code, error[:500], round((time.monotonic() - started) * 1000))

    body = encode(delivery.payload)
    timestamp = str(int(now.timestamp()))
    try:
        secret = endpoint.signing_secret()
    except SealingError:
        log.exception("webhook %s: its secret does not decrypt with the current KEK", endpoint.pk)
        return outcome(None, "The secret could not be decrypted: the key-encryption key has changed.")
    try:
        pinned = addresses.resolve_checked(endpoint.url)
    except addresses.AddressRefused as refused:
        return outcome(None, refused.message)
    parts = urlsplit(endpoint.url)
    connection_class = PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
    connection = connection_class(parts.hostname, parts.port, pinned=pinned, timeout=TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               "X-Innokop-Event": delivery.event, "X-Innokop-Delivery": str(delivery.pk),
               "X-Innokop-Timestamp": timestamp, "X-Innokop-Signature": signing.signature(secret, timestamp, body)}
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(64 * 1024)  # what the receiver says is not kept; read a little so it may finish cleanly
        return outcome(response.status)
    except ssl.SSLError as error:
        return outcome(None, f"TLS: {error.reason or error}")
    except (OSError, http.client.HTTPException) as error:
        return outcome(None, str(error) or type(error).__name__)
    finally:
        connection.close()
