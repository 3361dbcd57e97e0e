from datetime import date, datetime
from decimal import Decimal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt

from innokop.core.schemas import InputSchema, StrictId


class QuarterOut(Schema):
    agreement_id: int
    agreement_reference: str
    supplier_id: int
    year: int
    quarter: int
    due: date
    state: str = Field(description="not_reported, reported or overdue, from the clock when read")
    report_id: int | None


class SalesRowIn(InputSchema):
    buyer_org_number: str = Field(max_length=20, description="The buyer's Swedish organisation number")
    buyer_name: str = Field("", max_length=200, description="Needed when the buyer is not in Innoköp")
    lot_number: StrictInt | None = Field(None, ge=1, le=1000)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2, description="Turnover excluding VAT, SEK")


class SalesReportIn(InputSchema):
    agreement_id: StrictId
    supplier_id: StrictId
    year: StrictInt = Field(ge=2000, le=2100)
    quarter: StrictInt = Field(ge=1, le=4)
    zero: StrictBool = False
    correction_reason: str = Field("", max_length=1000, description="Needed when the quarter is already reported")
    rows: list[SalesRowIn] = Field([], max_length=5000)


class SalesRowOut(Schema):
    buyer_id: int | None
    buyer_name: str
    buyer_org_number: str
    lot_number: int | None
    amount: Decimal
    entitled: bool | None = Field(description="false: a buyer that is not entitled; null: not in Innoköp")


class SalesReportOut(Schema):
    id: int
    reference: str
    agreement_id: int
    supplier_id: int
    year: int
    quarter: int
    version: int
    is_current: bool
    is_zero: bool
    correction_reason: str
    source: str
    submitted_at: datetime
    rows: list[SalesRowOut]


class AmountOut(Schema):
    key: str
    amount: Decimal


class SalesTotalsOut(Schema):
    agreement_id: int
    reported_turnover: Decimal
    contracted: Decimal
    by_quarter: list[AmountOut]
    by_lot: list[AmountOut]
    by_buyer: list[AmountOut]
