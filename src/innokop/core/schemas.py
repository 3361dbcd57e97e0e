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
