from datetime import date
from decimal import Decimal

from ninja import Schema


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


class AgreementOut(AgreementSummaryOut):
    description: str
    call_off_guidance: str
    entitled_categories: list[str]
    cpv_codes: list[CpvOut]
    lots: list[LotOut]
