"""Access-matrix rows for the agreements and reference URLs (see tests/test_access_matrix.py)."""

from django.urls import reverse

from innokop.agreements.models import AgreementQuestion
from innokop.reference.models import CpvCode  # noqa: F401  (loaded by migrations)

from ..access import OPEN, Row, static
from .factories import AgreementFactory, LotFactory, LotSupplierFactory

# The agreements belong to the purchasing body: the cpb persona manages them; everyone else, platform
# staff too, may read what is published and change nothing, and does not see a draft.
MANAGER_ONLY_PAGE = {"anonymous": 302, "cpb": 200, "*": 403}
MANAGER_ONLY_POST = {"anonymous": 302, "cpb": 302, "*": 403}
DRAFT_ONLY_MANAGER = {"anonymous": 404, "cpb": 200, "*": 404}


def build(world) -> None:
    cpb, supplier_org = world.extra["cpb"], world.extra["supplier_org"]
    manager = world.users["cpb"]
    # In force at the matrix's moment: from 1 January 2027 (the factory's period), published before.
    published = AgreementFactory(owner=cpb, created_by=manager, published_at="2026-01-01T00:00:00Z")
    lot = LotFactory(agreement=published, number=1)
    other_lot = LotFactory(agreement=published, number=2)
    LotSupplierFactory(lot=other_lot, supplier=world.extra["other_lot_supplier_org"])
    draft = AgreementFactory(owner=cpb, created_by=manager)
    world.extra.update(
        agreement=published, draft=draft, lot=lot,
        criterion=lot.criteria.create(name="Pris", min_weight=10, max_weight=90),
        price_row=lot.price_rows.create(label="Timme", unit="h", ceiling_price=1000),
        admission=LotSupplierFactory(lot=lot, supplier=supplier_org),
        requirement=draft.requirements.create(identifier="K1", text="Krav", kind="mandatory", category="other",
                                              followup_method="audit", followup_frequency="once"),
        question=AgreementQuestion.objects.create(agreement=published, asked_by=world.agency_admin,
                                                  organisation=world.extra["agency"], question="?",
                                                  asked_at="2026-02-01T00:00:00Z"),
    )


def _url(name: str, key: str):
    return lambda world: reverse(name, args=[world.extra[key].pk])


ROWS = {
    "reference:cpv_lookup": Row(static("reference:cpv_lookup"), OPEN),
    "agreements:agreement_list": Row(static("agreements:agreement_list"), OPEN),
    "agreements:agreement_create": Row(static("agreements:agreement_create"), MANAGER_ONLY_PAGE),
    "agreements:agreement_detail": Row(_url("agreements:agreement_detail", "agreement"), OPEN),
    "agreements:agreement_edit": Row(_url("agreements:agreement_edit", "agreement"), MANAGER_ONLY_PAGE),
    "agreements:agreement_publish": Row(_url("agreements:agreement_publish", "draft"),
                                        {"anonymous": 302, "*": 404, "cpb": 200}),
    "agreements:agreement_terminate": Row(_url("agreements:agreement_terminate", "agreement"), MANAGER_ONLY_PAGE),
    "agreements:agreement_document_add": Row(_url("agreements:agreement_document_add", "agreement"),
                                             MANAGER_ONLY_POST, "post"),
    "agreements:agreement_questions": Row(_url("agreements:agreement_questions", "agreement"), OPEN),
    "agreements:requirement_list": Row(_url("agreements:requirement_list", "draft"), DRAFT_ONLY_MANAGER),
    "agreements:lot_create": Row(_url("agreements:lot_create", "agreement"), MANAGER_ONLY_PAGE),
    "agreements:question_answer": Row(_url("agreements:question_answer", "question"), MANAGER_ONLY_POST, "post"),
    "agreements:lot_detail": Row(_url("agreements:lot_detail", "lot"), OPEN),
    "agreements:lot_edit": Row(_url("agreements:lot_edit", "lot"), MANAGER_ONLY_PAGE),
    "agreements:lot_criterion_add": Row(_url("agreements:lot_criterion_add", "lot"),
                                        MANAGER_ONLY_POST | {"cpb": 422}, "post"),
    "agreements:lot_price_row_add": Row(_url("agreements:lot_price_row_add", "lot"),
                                        MANAGER_ONLY_POST | {"cpb": 422}, "post"),
    "agreements:lot_supplier_add": Row(_url("agreements:lot_supplier_add", "lot"),
                                       MANAGER_ONLY_POST | {"cpb": 422}, "post"),
    "agreements:criterion_remove": Row(_url("agreements:criterion_remove", "criterion"), MANAGER_ONLY_POST, "post"),
    "agreements:price_row_remove": Row(_url("agreements:price_row_remove", "price_row"), MANAGER_ONLY_POST, "post"),
    "agreements:lot_supplier_remove": Row(_url("agreements:lot_supplier_remove", "admission"), MANAGER_ONLY_POST,
                                          "post"),
    "agreements:requirement_remove": Row(_url("agreements:requirement_remove", "requirement"),
                                         {"anonymous": 302, "*": 404, "cpb": 302}, "post"),
    "api:agreement_list": Row(static("api:agreement_list"), OPEN),
    "api:agreement_detail": Row(_url("api:agreement_detail", "agreement"), OPEN),
    "api:lot_detail": Row(_url("api:lot_detail", "lot"), OPEN),
    "api:lot_suppliers": Row(_url("api:lot_suppliers", "lot"), OPEN),
}
