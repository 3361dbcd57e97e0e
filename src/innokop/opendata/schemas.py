"""Query parameters of the OCDS endpoints. The answers are OCDS packages, described by the OCDS schemas
themselves (docs/ocds.md), so the API's description gives them as JSON objects."""

from datetime import datetime

from ninja import Field

from innokop.core.schemas import InputSchema

MAX_PAGE_SIZE = 500


class ReleasesIn(InputSchema):
    since: datetime | None = Field(None, description="Only releases that became public at or after this moment "
                                                     "(ISO 8601 with a time zone)")
    cursor: str = Field("", max_length=400, description="Where the previous page ended (its `links.next`)")
    page_size: int = Field(100, ge=1, le=MAX_PAGE_SIZE)


class RecordsIn(InputSchema):
    cursor: str = Field("", max_length=400, description="Where the previous page ended (its `links.next`)")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE)
