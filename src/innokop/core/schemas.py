from datetime import datetime

from ninja import Schema


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


class MarkReadIn(Schema):
    ids: list[int] | None = None


class ProblemOut(Schema):
    field: str
    message: str


class RefusalOut(Schema):
    """A refused change (config/api.py): the reason, a stable code, and what is wrong field by field."""

    detail: str
    code: str
    problems: list[ProblemOut] = []


REFUSED = {400: RefusalOut}
"""The refusal responses an endpoint that changes something documents beside its success."""
