"""The address of the person making a request, as far as the proxies in front of us can be trusted.

Behind a reverse proxy every request arrives from the proxy's address; the person's own address is
in `X-Forwarded-For`, where each proxy appends the address it received the request from. Only the
entries our own proxies appended can be trusted: anything to their left was written by the client
and may be forged. With `INNOKOP_TRUSTED_PROXIES = n`, the address is therefore the n-th entry
from the right; with 0 (the default, no proxy) it is the connection's own address, `REMOTE_ADDR`.
Login throttling (django-axes) and the rate limits count per this address.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.INNOKOP_TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if not forwarded:
        return remote  # not through our proxies: the connection is the client
    # Fewer entries than proxies: the request came in behind the outermost proxy, so even the
    # leftmost entry was written by one of ours.
    candidate = forwarded[-proxies] if len(forwarded) >= proxies else forwarded[0]
    return _valid_address(candidate) or remote


def _valid_address(entry: str) -> str:
    """The address alone ("203.0.113.5:4711" and "[2001:db8::1]:443" lose their port), or "" if none."""
    for text in (entry, entry.strip("[]"), entry.rsplit(":", 1)[0].strip("[]")):
        try:
            return str(ipaddress.ip_address(text))
        except ValueError:
            continue
    return ""
