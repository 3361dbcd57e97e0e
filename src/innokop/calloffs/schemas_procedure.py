"""Bodies and answers of the procedure API (api_procedure.py): start, the draft's steps, publication, questions,
clarifications and dialogue meetings. Each body takes what the page's form takes; the services decide."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from innokop.core.schemas import InputSchema, StrictId

WholeAmount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=0)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Percent = Annotated[StrictInt, Field(ge=0, le=100)]


class NeedIn(InputSchema):
    """Step 1, the need: what the start page takes, and what starts the draft."""

    title: str = Field(..., max_length=200, description="Suppliers see it in their invitation")
    need: str = Field(..., max_length=20000, description="What problem should be solved, for whom, with what effect")
    estimated_value: WholeAmount = Field(..., description="SEK excluding VAT, the whole contract period, options "
                                                          "included; decides the method where the lot has a threshold")


class EvaluationIn(InputSchema):
    """Step 2: the evaluation model and what it needs (weights, values of evaluated requirements, a fixed price)."""

    evaluation_model: str = Field(..., max_length=30, description="One of the lot's evaluation models")
    price_weight: Percent | None = Field(None, description="Price and quality, weighted points: the price's weight")
    weights: dict[int, Percent | None] = Field({}, description="Each lot criterion's weight, keyed by its id "
                                                               "(`criteria` of the draft)")
    requirement_values: dict[int, dict[Literal["amount", "percent"], Amount]] = Field(
        {}, description='Value-added method: for each evaluated requirement\'s id, {"amount": SEK} or '
                        '{"percent": per cent of the tender price}')
    fixed_price: Amount | None = Field(None, description="Fixed price, best quality: SEK excluding VAT")


class TimetableIn(InputSchema):
    """Step 3 of a renewed competition. A time without an offset is Swedish time. A publication day after today
    schedules the publication for the start of that day."""

    publish_on: date
    questions_close: datetime
    answers_by: datetime
    tender_deadline: datetime
    opening_at: datetime
    decision_on: date
    contract_start: date
    contract_end: date
    long_contract_reason: str = Field("", max_length=4000, description="Only for a contract over four years")


class ContractPeriodIn(InputSchema):
    """Step 3 of a call-off in ranking order: only the contract period."""

    contract_start: date
    contract_end: date
    long_contract_reason: str = Field("", max_length=4000, description="Only for a contract over four years")


class PublishIn(InputSchema):
    answer_by: datetime | None = Field(None, description="Ranking order only: when the first-ranked supplier must "
                                                         "answer the offer (default five working days, 12:00)")


class CriterionOut(Schema):
    id: int = Field(..., description="The lot criterion's id: the key of `weights`")
    name: str
    min_weight: int
    max_weight: int
    weight: int | None


class RequirementOut(Schema):
    id: int
    identifier: str
    text: str
    kind: str


class CallOffSetupOut(Schema):
    """A call-off as its agency sets it up: the draft's steps, and where it stands."""

    id: int
    reference: str
    status: str
    state: str
    method: str
    lot_id: int
    agreement_reference: str
    title: str
    need: str
    estimated_value: Decimal | None
    evaluation_model: str
    price_weight: int | None
    criteria: list[CriterionOut]
    requirements: list[RequirementOut]
    requirement_values: dict[str, dict[str, str]]
    fixed_price: Decimal | None
    publish_on: date | None
    questions_close: datetime | None
    answers_by: datetime | None
    tender_deadline: datetime | None
    opening_at: datetime | None
    decision_on: date | None
    contract_start: date | None
    contract_end: date | None
    long_contract_reason: str
    steps_done: dict[str, bool]
    publication_problems: list[str] = Field(..., description="What stops publication now (empty once published)")
    published_at: datetime | None = Field(..., description="When it is (or, when scheduled, will be) published")
    scheduled: bool = Field(..., description="Published for a later day: no supplier sees it or is told yet")


class AskIn(InputSchema):
    text: str = Field(..., max_length=4000)


class AnswerIn(InputSchema):
    answer: str = Field(..., max_length=8000)


class FileIn(InputSchema):
    name: str = Field(..., max_length=255, description="The file's name, e.g. bilaga.pdf")
    data: str = Field(..., description="The file's content, base64")


class ClarificationIn(InputSchema):
    """An addendum (text) or a document (a file; a new version of one of the call-off's documents if
    `document_id` is given), published to every invited supplier."""

    kind: str = Field(..., max_length=20, description="addendum or document")
    title: str = Field(..., max_length=200)
    text: str = Field("", max_length=20000, description="An addendum's text; for a document, what is new in it")
    file: FileIn | None = None
    document_id: UUID | None = Field(None, description="A document of this call-off to give a new version (the "
                                                       "`document_id` a document clarification answers)")


class SlotIn(InputSchema):
    starts_at: datetime
    ends_at: datetime
    place: str = Field(..., max_length=300, description="The place, or the link of a meeting online")


class SlotsIn(InputSchema):
    slots: list[SlotIn] = Field(..., max_length=50)


class CancelIn(InputSchema):
    reason: str = Field(..., max_length=4000, description="Sent to every invited supplier")


class DeadlineExtendIn(InputSchema):
    tender_deadline: datetime = Field(..., description="Later than the current deadline; without an offset, "
                                                       "Swedish time")
    reason: str = Field(..., max_length=2000, description="Sent to every invited supplier with the new deadline")


class DeadlineKeepIn(InputSchema):
    reason: str = Field(..., max_length=2000, description="Why the suppliers have enough time after a late change; "
                                                          "kept in the procurement record")


class MinutesIn(InputSchema):
    minutes: str = Field(..., max_length=50000)
    share: StrictBool = Field(False, description="Share them with the supplier of the meeting (once shared, every "
                                                 "correction is shared too)")


class TeamAddIn(InputSchema):
    user_id: StrictId = Field(..., description="A colleague in the call-off's agency")


class TeamMemberOut(Schema):
    id: int
    name: str


class DocumentContentOut(Schema):
    """A clarification's document, its content in base64 (the page serves the same file)."""

    title: str
    version: int
    filename: str
    content_type: str
    size: int
    sha256: str
    data: str
