from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from innokop.core.schemas import InputSchema, StrictId

MAX_PAGE_SIZE = 100


class SupplierRef(Schema):
    id: int
    name: str
    is_sme: bool


class SolutionOut(Schema):
    id: int
    title: str
    summary: str
    supplier: SupplierRef
    status: str
    trl: int | None
    verified: bool
    verified_at: datetime | None
    nationwide: bool
    cpv_codes: list[str]
    regions: list[str]
    pricing_model: str
    data_location: str
    published_at: datetime | None
    url: str
    snippet: str = Field("", description="HTML with the query's matches in <mark>; empty without a query")


class EvidenceOut(Schema):
    kind: str
    provided_by: str
    date: date
    description: str
    status: str


class ReferenceCaseOut(Schema):
    customer: str
    title: str
    story: str
    year: int


class SolutionDetailOut(SolutionOut):
    problem: str = Field(description="Sanitised HTML")
    how_it_works: str = Field(description="Sanitised HTML")
    effects: str = Field(description="Sanitised HTML")
    pricing_details: str
    accessibility: str
    lots: list[int]
    evidence: list[EvidenceOut]
    reference_cases: list[ReferenceCaseOut]
    pending_changes: dict | None = Field(None, description="Proposed changes; shown to the supplier only")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class FacetOut(Schema):
    name: str
    legend: str
    values: list[FacetValueOut]


class SolutionSearchIn(InputSchema):
    """The search's query parameters, as the search page reads them; a value that does not fit answers 422."""

    q: str = Field("", max_length=200, description="Words to search for")
    cpv: list[Annotated[str, Field(pattern=r"^[0-9]{2}$")]] = Field([], description="CPV divisions (two digits)")
    trl: list[Annotated[int, Field(ge=1, le=9)]] = Field([], description="Technology readiness levels")
    region: list[Annotated[str, Field(pattern=r"^[A-Za-z0-9]{1,5}$")]] = Field([], description="NUTS codes")
    lot: list[Annotated[int, Field(ge=1, le=999_999_999)]] = Field([], description="Lot ids")
    verified: bool = Field(False, description="Only solutions the purchasing body has verified")
    sme: bool = Field(False, description="Only solutions of small and medium-sized enterprises")
    page: int = Field(1, ge=1)
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE)


class SolutionPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[SolutionOut]
    facets: list[FacetOut]
    facets_among: int | None = Field(
        None, description="Null when the facet counts are exact. A number when the query has more matches than "
                          "that: the counts are then taken among that many best matches, so each is a lower bound.")


class SupplierOut(Schema):
    id: int
    name: str
    is_sme: bool
    country: str
    website: str
    description: str
    solutions: list[SolutionOut]


class SolutionIn(InputSchema):
    supplier_id: StrictId | None = Field(None, description="Needed only if you represent several suppliers")
    title: str = Field(max_length=200)
    summary: str = Field(max_length=400)
    problem: str = ""
    how_it_works: str = ""
    effects: str = ""
    trl: StrictInt | None = Field(None, ge=1, le=9)
    cpv_codes: list[str] = []
    regions: list[str] = []
    nationwide: StrictBool = False
    pricing_model: str = ""
    pricing_details: str = ""
    accessibility: str = ""
    data_location: str = ""
    lots: list[StrictId] = []


class SolutionUpdateIn(InputSchema):
    """Only the fields sent are changed. On a published solution they become proposed changes."""

    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=400)
    problem: str | None = None
    how_it_works: str | None = None
    effects: str | None = None
    trl: StrictInt | None = Field(None, ge=1, le=9)
    cpv_codes: list[str] | None = None
    regions: list[str] | None = None
    nationwide: StrictBool | None = None
    pricing_model: str | None = None
    pricing_details: str | None = None
    accessibility: str | None = None
    data_location: str | None = None
    lots: list[StrictId] | None = None
