from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from innokop.core.schemas import InputSchema


class TotalRowOut(Schema):
    key: str = Field(description="The NUTS code (empty: the whole of Sweden), the CPV division or the year")
    label: str
    unit: str
    volume: int
    agencies: int


class TotalsOut(Schema):
    needs: int
    agencies: int
    by_region: list[TotalRowOut]
    by_cpv_division: list[TotalRowOut]
    by_year: list[TotalRowOut]
    budget: Decimal | None = Field(None, description="The sum of the budgets given: only in the purchasing body's "
                                                     "totals of a pre-study, never in a public total")


class InterestOut(Schema):
    id: int
    agency_id: int
    agency_name: str
    volume: int
    needed_year: int
    needed_quarter: int | None
    region: str | None = Field(description="NUTS code; null: the need's region")


class NeedOut(Schema):
    id: int
    reference: str
    agency_id: int
    agency_name: str
    title: str
    problem: str
    current_situation: str
    desired_effects: str
    effect_measures: str
    affected: str
    volume: int
    volume_unit: str
    budget: Decimal | None = Field(description="Per year, SEK excluding VAT. Only for the agency itself and the "
                                               "purchasing body (OSL 19:3): null for everyone else")
    needed_year: int
    needed_quarter: int | None
    needed_by: date | None
    cpv_codes: list[str]
    region: str | None = Field(description="NUTS code; null: the whole of Sweden")
    urgency: str
    is_public: bool
    prestudy_id: int | None = Field(description="The pre-study that took the need up: for the need's agency, the "
                                                "agencies that joined it and the purchasing body; null for others")
    interests: list[InterestOut]
    created_at: datetime
    updated_at: datetime


class NamingWarningOut(Schema):
    found: str
    kind: str
    name: str


class NeedWrittenOut(NeedOut):
    warnings: list[NamingWarningOut] = Field(description="Names of suppliers or catalogue solutions the text "
                                                         "contains: describe the problem instead. Saved anyway")


class NeedIn(InputSchema):
    agency_id: StrictInt | None = Field(None, ge=1, description="Needed when you belong to several agencies")
    title: str = Field(min_length=1, max_length=200)
    problem: str = Field(min_length=1, max_length=10000)
    current_situation: str = Field(min_length=1, max_length=10000)
    desired_effects: str = Field(min_length=1, max_length=10000)
    effect_measures: str = Field(min_length=1, max_length=10000)
    affected: str = Field(min_length=1, max_length=10000)
    volume: StrictInt = Field(ge=1, le=2_000_000_000)
    volume_unit: str = Field(min_length=1, max_length=60)
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=0)
    needed_year: StrictInt = Field(ge=2000, le=2100)
    needed_quarter: StrictInt | None = Field(None, ge=1, le=4)
    needed_by: date | None = None
    cpv_codes: list[str] = Field(min_length=1, max_length=50, description="CPV 2008 codes, with or without the "
                                                                         "check digit")
    region: str | None = Field(None, max_length=5, description="NUTS-3 code; null: the whole of Sweden")
    urgency: Literal["low", "medium", "high"] = "medium"
    is_public: StrictBool = True


class PreStudyOut(Schema):
    id: int
    reference: str
    title: str
    area: str
    questions: list[str]
    cpv_codes: list[str]
    team: list[str]
    starts_on: date
    needs_until: date
    concludes_on: date
    status: str
    decision_reasons: str
    decided_at: datetime | None
    agreement_id: int | None
    need_ids: list[int]
    totals: TotalsOut


class RfiDocumentOut(Schema):
    title: str
    url: str = Field(description="The current version, to download")
    sha256: str


class MarketDialogueOut(Schema):
    id: int
    reference: str
    title: str
    description: str
    questions: list[str]
    deadline: datetime
    is_open: bool = Field(description="Answers are taken until the deadline, read from the server's clock")
    published_at: datetime | None
    purchasing_body: str
    summary: str = Field(description="The purchasing body's anonymised summary, once published after the deadline")
    documents: list[RfiDocumentOut]


class RfiAnswerIn(InputSchema):
    supplier_id: StrictInt | None = Field(None, ge=1, description="Needed when you represent several suppliers")
    answers: list[str] = Field(max_length=200, description="One answer per question, in the request's order; an "
                                                           "empty text for a question not answered")
    secrecy_parts: str = Field("", max_length=5000, description="The parts you ask to keep secret (OSL 31:16)")
    secrecy_reasons: str = Field("", max_length=5000, description="Why disclosing them would harm your business")


class RfiAnswerItemOut(Schema):
    question: str
    answer: str


class RfiResponseOut(Schema):
    id: int
    dialogue_id: int
    supplier_id: int
    supplier_name: str
    answers: list[RfiAnswerItemOut]
    secrecy_requested: bool
    secrecy_parts: str
    secrecy_reasons: str
    created_at: datetime
    updated_at: datetime


# --- analysis: the matches of a need ---------------------------------------------------------------------------


class MatchedSolutionOut(Schema):
    solution_id: int
    title: str
    supplier_id: int
    supplier_name: str
    trl: int | None
    score: float = Field(description="Higher is a better match; comparable within one answer only")
    reasons: list[str] = Field(description="Why it matches, computed from the data, in the caller's language")


class MatchedSupplierOut(Schema):
    supplier_id: int
    name: str
    is_sme: bool
    score: float
    solution_ids: list[int]
    reasons: list[str]


class SimilarNeedOut(Schema):
    need_id: int
    reference: str
    title: str
    agency_name: str
    is_public: bool
    score: float
    reasons: list[str]


class MatchesOut(Schema):
    need_id: int
    solutions: list[MatchedSolutionOut]
    suppliers: list[MatchedSupplierOut]
    similar_needs: list[SimilarNeedOut]
