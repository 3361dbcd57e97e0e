"""Building blocks of the access matrix, shared by tests/test_access_matrix.py and tests/<app>/access.py."""

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse


@dataclass(frozen=True)
class Row:
    url: Callable[[object], str]  # world → URL
    expect: dict  # persona → status; "*" for every logged-in persona
    method: str = "get"
    json: bool = False  # send an empty JSON object as the body


def static(name: str, *args) -> Callable[[object], str]:
    return lambda world: reverse(name, args=args)


LOGIN_REQUIRED = {"anonymous": 302, "*": 200}
OPEN = {"anonymous": 200, "*": 200}
OWNER_ONLY = {"anonymous": 302, "supplier": 404, "agency": 200, "cpb": 404, "staff": 404}
OWNER_READS_ADMIN_WRITES = {"anonymous": 302, "supplier": 404, "agency": 403, "cpb": 404, "staff": 404}
STAFF_ONLY = {"anonymous": 302, "*": 404, "staff": 200}
API_AUTH = {"anonymous": 401, "*": 200}
