from datetime import date, datetime
from decimal import Decimal

from ninja import Schema


class CallOffOut(Schema):
    id: int
    reference: str
    title: str
    agency: str
    lot_id: int
    agreement_reference: str
    method: str
    state: str
    published_at: datetime | None
    questions_close: datetime | None
    tender_deadline: datetime | None
    contract_start: date | None
    contract_end: date | None

    @staticmethod
    def resolve_agency(obj) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_agreement_reference(obj) -> str:
        return obj.lot.agreement.reference


class QuestionOut(Schema):
    """A question and its answer; `supplier` (who asked) is given to the agency only (rule 5)."""

    id: int
    question: str
    asked_at: datetime
    answer: str | None = None
    answered_at: datetime | None = None
    supplier: str | None = None


class CallOffDetailOut(CallOffOut):
    need: str
    evaluation_model: str
    price_weight: int | None
    estimated_value: Decimal | None = None
    invited_suppliers: list[str] | None = None
    questions: list[QuestionOut] = []

    @staticmethod
    def resolve_questions(obj) -> list:
        return getattr(obj, "questions_out", [])
