from datetime import date, datetime

from ninja import Field, Schema


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


class SolutionPageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[SolutionOut]
    facets: list[FacetOut]


class SupplierOut(Schema):
    id: int
    name: str
    is_sme: bool
    country: str
    website: str
    description: str
    solutions: list[SolutionOut]


class SolutionIn(Schema):
    supplier_id: int | None = Field(None, description="Needed only if you represent several suppliers")
    title: str = Field(max_length=200)
    summary: str = Field(max_length=400)
    problem: str = ""
    how_it_works: str = ""
    effects: str = ""
    trl: int | None = Field(None, ge=1, le=9)
    cpv_codes: list[str] = []
    regions: list[str] = []
    nationwide: bool = False
    pricing_model: str = ""
    pricing_details: str = ""
    accessibility: str = ""
    data_location: str = ""
    lots: list[int] = []


class SolutionUpdateIn(Schema):
    """Only the fields sent are changed. On a published solution they become proposed changes."""

    title: str | None = Field(None, max_length=200)
    summary: str | None = Field(None, max_length=400)
    problem: str | None = None
    how_it_works: str | None = None
    effects: str | None = None
    trl: int | None = Field(None, ge=1, le=9)
    cpv_codes: list[str] | None = None
    regions: list[str] | None = None
    nationwide: bool | None = None
    pricing_model: str | None = None
    pricing_details: str | None = None
    accessibility: str | None = None
    data_location: str | None = None
    lots: list[int] | None = None
