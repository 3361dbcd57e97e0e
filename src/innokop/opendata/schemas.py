"""Query parameters of the OCDS endpoints. The answers are OCDS packages, described by the OCDS schemas
themselves (docs/ocds.md), so the API's description gives them as JSON objects."""

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field
from ninja.errors import ValidationError as RequestInvalid

from innokop.core.schemas import InputSchema

MAX_PAGE_SIZE = 500
MOMENT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}:[0-9]{2})$"


def moment(value: str | None, field: str) -> datetime | None:
    """A moment of the query as a datetime: 422 for one the calendar does not have (the 30th of February)."""
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise RequestInvalid([{"loc": ("query", field), "msg": _("This is not a moment: write it as "
                                                                 "2027-03-15T09:00:00+01:00."),
                               "type": "value_error"}]) from None


class ReleasesIn(InputSchema):
    # Text in the one form the feed gives and documents: a number is no moment (pydantic would read it as a Unix
    # time), nor is a moment without its time zone.
    since: str | None = Field(None, pattern=MOMENT, description="Only releases that became public at or after this "
                                                                "moment (ISO 8601 with a time zone)")
    cursor: str = Field("", max_length=400, description="Where the previous page ended (its `links.next`)")
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


class RecordsIn(InputSchema):
    cursor: str = Field("", max_length=400, description="Where the previous page ended (its `links.next`)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
