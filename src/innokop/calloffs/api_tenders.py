"""API of the call-off's tenders section: a supplier's representative builds, submits and withdraws its tender.

The same services as the pages. Every endpoint is the calling supplier's own tender: an agency
caller gets 404 (a supplier's tender is not the agency's, and 404 says nothing about whether one
exists), a caller from an invited supplier who is not its representative gets 403. Refusals answer
400 with the reason and its code, and for an incomplete tender the problems field by field (the
API's one refusal handler, config/api.py).
"""

import base64
import binascii
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from innokop.core import clock
from innokop.core.schemas import BODY, BY_ID, SIGNED_IN, Id, InputSchema, ProblemOut, responses

from .models import CallOff, CallOffStatus, TenderStatus, TenderSubmission
from .permissions import get_tendering_supplier
from .services import tenders
from .tender_content import Attachment, RequirementAnswer, TenderContent

DECIDED = {CallOffStatus.AWARDED, CallOffStatus.CONTRACTED}

router = Router(tags=["tenders"])

Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class RequirementAnswerIn(InputSchema):
    meets: StrictBool | None = None
    evidence: str = Field("", max_length=4000)


class AttachmentIn(InputSchema):
    # Checked in the endpoint, after the caller is known to be the supplier: others get 404, not 422.
    name: str = Field("", max_length=255, description="The file's name, e.g. references.pdf (required)")
    data: str = Field("", description="The file's content, base64 (required)")


class DraftIn(InputSchema):
    """The whole draft: answers keyed by the ids `GET …/tender` lists under `asks`."""

    requirements: dict[int, RequirementAnswerIn] = {}
    criteria: dict[int, Annotated[str, Field(max_length=20000)]] = {}
    total_price: Amount | None = None
    prices: dict[int, Amount] = {}
    attachments: list[AttachmentIn] | None = Field(
        None, description="Replaces the draft's attachments when given; left out, the attachments stay.")


class SubmitIn(InputSchema):
    expected_sha256: str | None = Field(
        None, pattern=r"^[0-9a-f]{64}$",
        description="The draft's sha256 as you last read it; if the draft has changed since, nothing is sealed.")


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    sha256: str


class RequirementAnswerOut(Schema):
    meets: bool | None
    evidence: str


class DraftOut(Schema):
    saved_at: datetime | None
    requirements: dict[int, RequirementAnswerOut]
    criteria: dict[int, str]
    total_price: Decimal | None
    prices: dict[int, Decimal]
    attachments: list[AttachmentOut]
    sha256: str = Field(..., description="The SHA-256 the receipt would show if this draft were submitted now")
    problems: list[ProblemOut] = Field(..., description="What stops submission")
    warnings: list[ProblemOut]


class ReceiptOut(Schema):
    calloff: int
    reference: str
    title: str
    agency: str
    supplier: str
    number: int
    submitted_at: datetime
    submitted_by: str
    sha256: str
    size: int
    status: str = Field(..., description="current, replaced or withdrawn")
    superseded_at: datetime | None
    withdrawn_at: datetime | None


class RequirementAsked(Schema):
    id: int
    identifier: str
    text: str
    kind: str


class CriterionAsked(Schema):
    id: int
    name: str
    weight: int | None


class PriceRowAsked(Schema):
    id: int
    label: str
    unit: str
    ceiling_price: Decimal


class AsksOut(Schema):
    requirements: list[RequirementAsked]
    criteria: list[CriterionAsked]
    price_rows: list[PriceRowAsked]
    fixed_price: Decimal | None


class TenderOut(Schema):
    calloff: int
    reference: str
    supplier: str
    status: str = Field(..., description="not_started, draft, submitted, withdrawn, qualified or rejected")
    tender_deadline: datetime
    may_tender: bool = Field(..., description="Whether the tender may be changed, submitted or withdrawn now")
    draft_saved_at: datetime | None
    receipts: list[ReceiptOut]
    asks: AsksOut


def _problem(problem: tenders.Problem) -> dict:
    return {"field": problem.field, "message": problem.message}


def _draft(calloff: CallOff, supplier) -> dict:
    tender = tenders.tender_of(calloff, supplier)
    content, scope = tenders.read_draft(tender), tenders.tender_scope(calloff)
    return {
        "saved_at": tender.draft_saved_at if tender else None,
        "requirements": {pk: {"meets": a.meets, "evidence": a.evidence} for pk, a in content.requirements.items()},
        "criteria": content.criteria, "total_price": content.total_price, "prices": content.prices,
        "attachments": [{"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
                        for a in content.attachments],
        "sha256": content.sha256(),
        "problems": [_problem(p) for p in tenders.submission_problems(scope, content)],
        "warnings": [_problem(p) for p in tenders.submission_warnings(scope, content)],
    }


def _decode(attachment: AttachmentIn) -> bytes:
    if not attachment.name.strip() or not attachment.data:
        raise ValidationError({"attachments": _("Give each attachment a name and its content as base64.")})
    try:
        return base64.b64decode(attachment.data, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"attachments": _("The attachment %(name)s is not valid base64.") % {
            "name": attachment.name}}) from None


def _attachments(given: list[AttachmentIn]) -> tuple[Attachment, ...]:
    decoded: tuple[Attachment, ...] = ()
    for attachment in given:
        decoded += (tenders.attachment_from_base64(attachment.name, _decode(attachment), decoded),)
    return decoded


def _asks(calloff: CallOff) -> dict:
    scope = tenders.tender_scope(calloff)
    return {
        "requirements": [{"id": r.pk, "identifier": r.identifier, "text": r.text, "kind": r.kind}
                         for r in scope.requirements],
        "criteria": [{"id": c.pk, "name": c.lot_criterion.name, "weight": c.weight} for c in scope.criteria],
        "price_rows": [{"id": row.pk, "label": row.label, "unit": row.unit, "ceiling_price": row.ceiling_price}
                       for row in scope.price_rows],
        "fixed_price": scope.fixed_price,
    }


def _receipts(tender) -> list[dict]:
    if tender is None:
        return []
    rows = tender.submissions.select_related("tender__calloff__agency", "tender__supplier", "submitted_by")
    return [tenders.receipt(s) for s in rows.order_by("number")]


@router.get("/calloffs/{calloff_id}/tender", response=responses(TenderOut, SIGNED_IN, BY_ID), url_name="tender_get",
            summary="Your tender in a call-off: its status, receipts, and what the call-off asks")
def tender_get(request, calloff_id: Id):
    calloff, supplier = get_tendering_supplier(request.actor, calloff_id)
    tender = tenders.tender_of(calloff, supplier)
    status = tender.status if tender and (tender.draft or tender.status != "draft") else "not_started"
    if status in (TenderStatus.QUALIFIED, TenderStatus.REJECTED) and calloff.status not in DECIDED:
        status = TenderStatus.SUBMITTED  # qualification may change until the decision tells every tenderer
    return {"calloff": calloff.pk, "reference": calloff.reference, "supplier": supplier.name, "status": status,
            "tender_deadline": calloff.tender_deadline, "may_tender": calloff.may_tender(clock.now()),
            "draft_saved_at": tender.draft_saved_at if tender else None, "receipts": _receipts(tender),
            "asks": _asks(calloff)}


@router.get("/calloffs/{calloff_id}/tender/draft", response=responses(DraftOut, SIGNED_IN, BY_ID),
            url_name="tender_draft_get",
            summary="Your draft: its answers, attachments (without content), checksum and what stops submission")
def tender_draft_get(request, calloff_id: Id):
    return _draft(*get_tendering_supplier(request.actor, calloff_id))


@router.put("/calloffs/{calloff_id}/tender/draft", response=responses(DraftOut, SIGNED_IN, BY_ID, BODY),
            url_name="tender_draft_put",
            summary="Save your draft (all answers; attachments too if given)")
def tender_draft_put(request, calloff_id: Id, payload: DraftIn):
    calloff, supplier = get_tendering_supplier(request.actor, calloff_id)
    content = TenderContent(
        requirements={pk: RequirementAnswer(meets=a.meets, evidence=a.evidence.strip())
                      for pk, a in payload.requirements.items()},
        criteria={pk: text.strip() for pk, text in payload.criteria.items() if text.strip()},
        total_price=payload.total_price, prices=dict(payload.prices))
    attachments = None if payload.attachments is None else _attachments(payload.attachments)
    tenders.tender_save_draft(actor=request.user, calloff=calloff, content=content, attachments=attachments)
    return _draft(calloff, supplier)


@router.post("/calloffs/{calloff_id}/tender/attachments",
             response=responses(DraftOut, SIGNED_IN, BY_ID, BODY, status=201),
             url_name="tender_attachment_post", summary="Add one attachment (base64) to your draft")
def tender_attachment_post(request, calloff_id: Id, payload: AttachmentIn):
    calloff, supplier = get_tendering_supplier(request.actor, calloff_id)
    tenders.tender_attachment_add(actor=request.user, calloff=calloff,
                                  uploaded=tenders.upload_of(payload.name, _decode(payload)))
    return Status(201, _draft(calloff, supplier))


@router.delete("/calloffs/{calloff_id}/tender/attachments/{sha256}",
               response=responses(DraftOut, SIGNED_IN, BY_ID, 400), url_name="tender_attachment_delete",
               summary="Remove an attachment from your draft")
def tender_attachment_delete(request, calloff_id: Id, sha256: str):
    calloff, supplier = get_tendering_supplier(request.actor, calloff_id)
    tenders.tender_attachment_remove(actor=request.user, calloff=calloff, sha256=sha256)
    return _draft(calloff, supplier)


@router.post("/calloffs/{calloff_id}/tender/submit",
             response=responses(ReceiptOut, SIGNED_IN, BY_ID, BODY, status=201), url_name="tender_submit",
             summary="Seal and submit your draft (replacing a submitted tender); the receipt")
def tender_submit(request, calloff_id: Id, payload: SubmitIn | None = None):
    calloff, _supplier = get_tendering_supplier(request.actor, calloff_id)
    expected = payload.expected_sha256 if payload else None
    submission = tenders.tender_submit(actor=request.user, calloff=calloff, expected_sha256=expected)
    return Status(201, tenders.receipt(_with_parts(submission)))


@router.post("/calloffs/{calloff_id}/tender/withdraw", response=responses(ReceiptOut, SIGNED_IN, BY_ID, 400),
             url_name="tender_withdraw", summary="Withdraw your submitted tender before the deadline")
def tender_withdraw(request, calloff_id: Id):
    calloff, _supplier = get_tendering_supplier(request.actor, calloff_id)
    return tenders.receipt(_with_parts(tenders.tender_withdraw(actor=request.user, calloff=calloff)))


@router.get("/calloffs/{calloff_id}/tender/receipts/{number}", response=responses(ReceiptOut, SIGNED_IN, BY_ID),
            url_name="tender_receipt_get",
            summary="The receipt of one of your submissions")
def tender_receipt_get(request, calloff_id: Id, number: Id):
    calloff, supplier = get_tendering_supplier(request.actor, calloff_id)
    return tenders.receipt(get_object_or_404(
        TenderSubmission.objects.select_related("tender__calloff__agency", "tender__supplier", "submitted_by"),
        tender__calloff=calloff, tender__supplier=supplier, number=number))


def _with_parts(submission: TenderSubmission) -> TenderSubmission:
    return TenderSubmission.objects.select_related("tender__calloff__agency", "tender__supplier",
                                                   "submitted_by").get(pk=submission.pk)
