from django.db.models import prefetch_related_objects
from ninja import Router

from innokop.core.schemas import BY_ID, PUBLIC, Id, responses

from .models import FrameworkAgreement, LotSupplier
from .permissions import get_agreement_for_actor, get_lot_for_actor
from .schemas import AgreementOut, AgreementSummaryOut, LotOut, LotSupplierOut

router = Router(tags=["framework agreements"])

LOT_PREFETCH = ("cpv_codes", "criteria", "price_rows")


@router.get("/agreements", response=responses(list[AgreementSummaryOut], PUBLIC), auth=None,
            summary="Framework agreements (published ones, and drafts you manage)")
def agreement_list(request):
    return list(FrameworkAgreement.objects.visible_to(request.actor))


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
def lot_suppliers(request, lot_id: Id):
    lot = get_lot_for_actor(request.actor, lot_id)
    return LotSupplier.objects.filter(lot=lot).select_related("supplier")
