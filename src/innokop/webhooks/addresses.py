"""Where a delivery may go: HTTPS to a public address. Plain HTTP and loopback only where the settings allow it
(tests, DEBUG); private, link-local and reserved addresses never, so that a webhook cannot reach inside the
network Innoköp runs in (server-side request forgery)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from innokop.core.refusals import Problem, Refused


class AddressRefused(Refused):
    code = "webhook_url"


def _allow_loopback() -> bool:
    return bool(getattr(settings, "INNOKOP_WEBHOOKS_ALLOW_LOOPBACK", False))


def _refuse(message) -> AddressRefused:
    return AddressRefused(str(message), problems=[Problem("url", str(message))])


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if address.is_loopback:
        return _allow_loopback()
    return address.is_global and not address.is_multicast


def check_url(url: str) -> None:
    """Refuses an address a delivery may not go to, without looking its name up (registration)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" and not (parts.scheme == "http" and _allow_loopback() and _is_loopback_name(host)):
        raise _refuse(_("The address must start with https://."))
    if not host or parts.username or parts.password:
        raise _refuse(_("The address must name a host, without a user name or password."))
    if host == "localhost" or host.endswith(".localhost"):
        if not _allow_loopback():
            raise _refuse(_("The address must be reachable on the internet, not a local or private address."))
        return
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return  # a name: its addresses are checked before every delivery (resolve_checked)
    if not _address_allowed(address):
        raise _refuse(_("The address must be reachable on the internet, not a local or private address."))


def _is_loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_checked(url: str) -> list[str]:
    """Before a delivery: the address again, and every address its name resolves to; returns them, and the
    delivery connects to these very addresses (sending.py), never looking the name up again: a name that answers
    a public address now and a private one a moment later (DNS rebinding) cannot steer the connection inside."""
    check_url(url)
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise _refuse(_("The address's host name could not be found.")) from None
    found = []
    for info in infos:
        address = info[4][0].split("%")[0]
        if not _address_allowed(ipaddress.ip_address(address)):
            raise _refuse(_("The address must be reachable on the internet, not a local or private address."))
        if address not in found:
            found.append(address)
    return found
