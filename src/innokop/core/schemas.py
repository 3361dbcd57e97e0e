from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import ValidationError as RequestInvalid
from pydantic import ConfigDict, StrictInt, field_validator
from pydantic_core import PydanticCustomError

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""An object's id in a path or query: a whole number the database can hold; anything else answers 422."""
StrictId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
"""An object's id in a body: a JSON number, never a string or a truth value."""


class InputSchema(Schema):
    """A request's body or query: the fields described and no others; anything else answers 422.

    A body's numbers and truth values are `StrictInt` and `StrictBool`: `"1"`, `1.0` or `true` is no id, and
    `0` no answer to a yes-or-no question, whatever Python would make of it."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul_character(cls, value: Any) -> Any:
        # PostgreSQL stores no text with NUL in it: refused here, it is a 422 and not a server error.
        if _has_nul(value):
            raise PydanticCustomError("nul_character", _("Text may not contain the NUL character."))
        return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(item) for item in value)
    return False


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(Schema):
    marked: int


class MarkReadIn(InputSchema):
    ids: list[StrictId] | None = None


class ProblemOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every error the API answers, whatever its status (config/api.py): the reason for people, a stable
    code for programs, and what is wrong field by field (a refusal's fields, or `query.page_size`,
    `body.title` ... for a request that does not match the API's description)."""

    detail: str
    code: str
    problems: list[ProblemOut] = []


PUBLIC = (403,)
"""What an operation anyone may call can answer besides success: a browser session that has not completed
two-factor authentication gets no API (403)."""
SIGNED_IN = (401, 403)
"""What an operation that needs authentication can answer: no credentials (401), a session without two-factor
authentication, a change it may not make or a session's change without the CSRF token (403)."""
BY_ID = (404, 422)
"""What an operation on one object, found by the ids in its path, can answer: not found or not visible (404),
an id that is not a number (422)."""
BODY = (400, 413, 422)
"""What an operation that reads a JSON body can answer: not JSON, or refused by the service (400), over the
size limit (413), not as described (422)."""


def responses(ok: Any, *errors: Iterable[int] | int, status: int = 200) -> dict[int, Any]:
    """An operation's `response=`: its success, and each error status it can answer, all with `ErrorOut`.

    `responses(MeetingOut, SIGNED_IN, BY_ID, 400)` documents 200, 400, 401, 403, 404 and 422.
    """
    codes = sorted({code for group in errors for code in ((group,) if isinstance(group, int) else group)})
    return {status: ok, **{code: ErrorOut for code in codes}}


def refuse_undescribed_parameters(request: HttpRequest, described: Iterable[str]) -> None:
    """A query parameter the operation does not describe answers 422 instead of being ignored: `page_size[a]=1`
    is no page size, and a misspelt filter must not quietly widen a search."""
    undescribed = sorted(set(request.GET) - set(described))
    if undescribed:
        raise RequestInvalid([{"loc": ("query", name), "msg": _("This operation has no such parameter."),
                               "type": "extra_forbidden"} for name in undescribed])
