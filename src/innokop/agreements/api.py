from django.shortcuts import get_object_or_404
from ninja import Router

from .models import FrameworkAgreement, Lot, LotSupplier
from .schemas import AgreementOut, AgreementSummaryOut, LotOut, LotSupplierOut

router = Router(tags=["framework agreements"])

LOT_PREFETCH = ("cpv_codes", "criteria", "price_rows")


@router.get("/agreements", response=list[AgreementSummaryOut], auth=None,
            summary="Framework agreements (published ones, and drafts you manage)")
def agreement_list(request):
    return list(FrameworkAgreement.objects.visible_to(request.actor))


@router.get("/agreements/{agreement_id}", response=AgreementOut, auth=None, summary="A framework agreement with its lots")
def agreement_detail(request, agreement_id: int):
    queryset = FrameworkAgreement.objects.visible_to(request.actor).prefetch_related(
        "cpv_codes", *[f"lots__{name}" for name in LOT_PREFETCH])
    return get_object_or_404(queryset, pk=agreement_id)


def _visible_lot(request, lot_id: int) -> Lot:
    lots = Lot.objects.filter(agreement__in=FrameworkAgreement.objects.visible_to(request.actor))
    return get_object_or_404(lots.prefetch_related(*LOT_PREFETCH), pk=lot_id)


@router.get("/lots/{lot_id}", response=LotOut, auth=None, summary="A lot: method, criteria, ceiling prices")
def lot_detail(request, lot_id: int):
    return _visible_lot(request, lot_id)


@router.get("/lots/{lot_id}/suppliers", response=list[LotSupplierOut], auth=None,
            summary="The suppliers admitted to a lot, in rank order where the lot ranks them")
def lot_suppliers(request, lot_id: int):
    lot = _visible_lot(request, lot_id)
    return LotSupplier.objects.filter(lot=lot).select_related("supplier")
