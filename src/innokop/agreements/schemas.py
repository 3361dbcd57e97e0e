from datetime import date
from decimal import Decimal

from ninja import Field, Schema

from innokop.core import clock
from innokop.core.calendar import local_date


class CpvOut(Schema):
    code: str
    label_sv: str
    label_en: str

    @staticmethod
    def resolve_code(obj) -> str:
        return obj.full_code


class CriterionOut(Schema):
    name: str
    description: str
    min_weight: int
    max_weight: int


class PriceRowOut(Schema):
    label: str
    unit: str
    ceiling_price: Decimal


class LotSupplierOut(Schema):
    supplier_id: int
    supplier_name: str
    is_sme: bool
    rank: int | None
    agreement_number: str
    contact_name: str
    contact_email: str

    @staticmethod
    def resolve_supplier_name(obj) -> str:
        return obj.supplier.name

    @staticmethod
    def resolve_is_sme(obj) -> bool:
        return obj.supplier.is_sme


class LotOut(Schema):
    id: int
    number: int
    title: str
    call_off_method: str
    value_threshold: Decimal | None
    evaluation_models: list[str]
    min_tender_days: int
    cpv_codes: list[CpvOut]
    criteria: list[CriterionOut]
    price_rows: list[PriceRowOut]


class AgreementSummaryOut(Schema):
    id: int
    reference: str
    title: str
    summary: str
    start_date: date
    end_date: date
    status: str
    max_value: Decimal

    @staticmethod
    def resolve_status(obj) -> str:
        """Active and expired follow the dates: the status is computed for today, never stored."""
        return obj.status(local_date(clock.now()))


class AgreementOut(AgreementSummaryOut):
    description: str
    call_off_guidance: str
    latest_contract_end: date | None = Field(None, description="Call-off contracts may run until this day at the "
                                                                "latest (they may outlive the agreement).")
    max_contract_months: int | None = Field(None, description="The longest call-off contract, in months.")
    entitled_categories: list[str]
    sanctions: list[str] = Field(description="The sanctions a deviation found in follow-up can be escalated to: "
                                             "remark, price_reduction, liquidated_damages, termination; a remark "
                                             "only when the agreement states none.")
    liquidated_damages_terms: str = Field(description="The amount of the liquidated damages (vite) or the rule "
                                                      "they are computed by.")
    cpv_codes: list[CpvOut]
    lots: list[LotOut]

    @staticmethod
    def resolve_sanctions(obj) -> list[str]:
        return [str(kind) for kind in obj.offered_sanctions]
