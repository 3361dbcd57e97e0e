"""The one way a service says no: `Refused`, with a message the user reads and a code a program reads.

Every app's domain error (`CallOffError`, `CatalogueError`, ...) is a `Refused`. The API turns one
into JSON in a single handler (config/api.py); a page shows it with `core.forms.add_service_errors`
or, for a button without a form, as a message (`refusal_message`). Failures that are not a user's
mistake (a tender that does not decrypt, a broken audit chain) are not refusals: they stay errors
of their own and are never shown as a reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Problem:
    """One thing that stops a change, tied to the input `field` it concerns."""

    field: str
    message: str


class Refused(Exception):
    """A refused change. `code` is stable (clients may branch on it), `message` is for people.

    `status` is the HTTP status the API answers with: 400 when the request cannot be done as
    asked, 409 when the object's state does not allow it now.
    """

    code = "refused"
    status = 400

    def __init__(self, message: str, *, code: str | None = None, problems: Iterable[Problem] = (),
                 status: int | None = None):
        super().__init__(message)
        self.message = message
        self.problems: tuple[Problem, ...] = tuple(problems)
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status


REFUSALS = (Refused, ValidationError)
"""What a service raises when it says no: catch these in a view, never a bare Exception."""


def refusal_message(error: Refused | ValidationError) -> str:
    """The reason as one text, for a page's message or the API's `detail`."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error.message)


def refusal_problems(error: Refused | ValidationError) -> list[Problem]:
    if isinstance(error, ValidationError):
        if not hasattr(error, "error_dict"):
            return []
        return [Problem(field, message) for field, messages in error.message_dict.items() for message in messages]
    return list(error.problems)


def refusal_body(error: Refused | ValidationError) -> dict:
    """The API's JSON for a refusal: `{"detail": ..., "code": ..., "problems": [{"field", "message"}]}`."""
    code = "invalid" if isinstance(error, ValidationError) else error.code
    return {"detail": refusal_message(error), "code": code,
            "problems": [{"field": p.field, "message": p.message} for p in refusal_problems(error)]}
