from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from ninja import Router

from innokop.core.pagination import DEFAULT_LIMIT, Cursor, Limit, cursor_page
from innokop.core.schemas import BY_ID, PUBLIC, Id, responses

from .models import FrameworkAgreement, LotSupplier
from .permissions import get_agreement_for_actor, get_lot_for_actor
from .schemas import AgreementOut, AgreementSummaryOut, LotOut, LotSupplierOut

router = Router(tags=["framework agreements"])

LOT_PREFETCH = ("cpv_codes", "criteria", "price_rows")


@router.get("/agreements", response=responses(list[AgreementSummaryOut], PUBLIC, 422), auth=None,
            summary="Framework agreements (published ones, and drafts you manage), the latest start first")
def agreement_list(request, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    return cursor_page(request, response, FrameworkAgreement.objects.visible_to(request.actor),
                       order=("-start_date", "reference", "pk"), cursor=cursor, limit=limit)


@router.get("/agreements/{agreement_id}", response=responses(AgreementOut, PUBLIC, BY_ID),
            auth=None, summary="A framework agreement with its lots")
def agreement_detail(request, agreement_id: Id):
    agreement = get_agreement_for_actor(request.actor, agreement_id)
    prefetch_related_objects([agreement], "cpv_codes", *[f"lots__{name}" for name in LOT_PREFETCH])
    return agreement


@router.get("/lots/{lot_id}", response=responses(LotOut, PUBLIC, BY_ID),
            auth=None, summary="A lot: method, criteria, ceiling prices")
def lot_detail(request, lot_id: Id):
    lot = get_lot_for_actor(request.actor, lot_id)
    prefetch_related_objects([lot], *LOT_PREFETCH)
    return lot


@router.get("/lots/{lot_id}/suppliers", response=responses(list[LotSupplierOut], PUBLIC, BY_ID), auth=None,
            summary="The suppliers admitted to a lot, in rank order where the lot ranks them")
def lot_suppliers(request, lot_id: Id, response: HttpResponse, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT):
    lot = get_lot_for_actor(request.actor, lot_id)
    return cursor_page(request, response, LotSupplier.objects.filter(lot=lot).select_related("supplier"),
                       order=("rank", "supplier__name", "pk"), cursor=cursor, limit=limit)
