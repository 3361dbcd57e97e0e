"""Building blocks of the access matrix, shared by tests/test_access_matrix.py and tests/<app>/access.py.

The personas of the matrix (tests/test_access_matrix.py builds them):

- `anonymous`: a visitor who is not logged in.
- `supplier`: a representative (and admin) of a supplier admitted to lot 1 of the CPB's published agreement,
  invited to the call-offs of the matrix and the owner of its solutions.
- `other_lot_supplier`: a representative (and admin) of a supplier admitted to lot 2 of the same agreement
  only: invited to none of the call-offs.
- `agency`: a procurer of the agency (not its admin) who is on the team of every call-off of the matrix.
- `colleague`: a procurer of the same agency who is on no call-off's team: reads what the agency has, changes
  nothing of a call-off (DESIGN.md §5, src/innokop/calloffs/permissions.py).
- `cpb`: a framework manager (and admin) of the central purchasing body that owns the agreements.
- `staff`: platform staff (`is_staff`) with no organisation: the outbox, the audit trail and /admin/, nothing
  that belongs to an organisation.

An expectation maps a persona to a status; "*" stands for every persona the dict does not name.
"""

from dataclasses import dataclass
from typing import Callable

from django.urls import reverse

PERSONAS = ("anonymous", "supplier", "other_lot_supplier", "agency", "colleague", "cpb", "staff")


@dataclass(frozen=True)
class Row:
    url: Callable[[object], str]  # world → URL
    expect: dict  # persona → status; "*" for every persona not named
    method: str = "get"
    json: bool = False  # send an empty JSON object as the body


def static(name: str, *args) -> Callable[[object], str]:
    return lambda world: reverse(name, args=args)


LOGIN_REQUIRED = {"anonymous": 302, "*": 200}
OPEN = {"anonymous": 200, "*": 200}
STAFF_ONLY = {"anonymous": 302, "*": 404, "staff": 200}
API_AUTH = {"anonymous": 401, "*": 200}
# An object of the agency: every member reads it, nobody else sees it.
AGENCY_READS = {"anonymous": 302, "agency": 200, "colleague": 200, "*": 404}
# A call-off page that changes it: its team only; a colleague in the agency sees the call-off, may not change it.
TEAM_ONLY = {"anonymous": 302, "agency": 200, "colleague": 403, "*": 404}
# The agency's account: its admin changes it (no persona here is), its members see it, nobody else does.
ADMIN_WRITES = {"anonymous": 302, "agency": 403, "colleague": 403, "*": 404}
