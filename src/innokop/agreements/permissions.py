"""Who may see and change framework agreements."""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from innokop.accounts.models import Organisation, OrganisationKind, Role
from innokop.core.permissions import M, get_for_actor

from .models import BuyerCategory, FrameworkAgreement, Lot


def require_framework_manager(actor) -> None:
    """Creating agreements and reviewing the catalogue are the purchasing body's: 403 for everyone else."""
    if not actor.is_framework_manager:
        raise PermissionDenied


def get_agreement_for_actor(actor, pk, *, write: bool = False) -> FrameworkAgreement:
    visible = FrameworkAgreement.objects.visible_to(actor)
    return get_for_actor(visible, FrameworkAgreement.objects.managed_by(actor), pk, write=write)


def get_lot_for_actor(actor, pk, *, write: bool = False) -> Lot:
    visible = Lot.objects.filter(agreement__in=FrameworkAgreement.objects.visible_to(actor)).select_related("agreement")
    writable = Lot.objects.filter(agreement__in=FrameworkAgreement.objects.managed_by(actor))
    return get_for_actor(visible, writable, pk, write=write)


def get_lot_part_for_actor(actor, model: type[M], pk, *, write: bool = False) -> M:
    """A criterion, price row or admitted supplier of a lot: seen with its agreement, changed by its managers."""
    visible = model.objects.filter(lot__agreement__in=FrameworkAgreement.objects.visible_to(actor))
    writable = model.objects.filter(lot__agreement__in=FrameworkAgreement.objects.managed_by(actor))
    return get_for_actor(visible.select_related("lot__agreement"), writable, pk, write=write)


def is_entitled(agreement: FrameworkAgreement, organisation: Organisation) -> bool:
    """An agency may call off when it is named, or its sector is among the entitled categories."""
    if organisation.kind != OrganisationKind.AGENCY:
        return False
    categories = set(agreement.entitled_categories)
    if BuyerCategory.ALL_PUBLIC in categories or (organisation.sector and organisation.sector in categories):
        return True
    # all() uses a prefetch when the caller made one (lists of agreements), a query otherwise.
    return any(named.pk == organisation.pk for named in agreement.entitled_organisations.all())


def entitled_organisations_of(actor, agreement: FrameworkAgreement, today: date) -> list[Organisation]:
    """The actor's agencies that may call off from the agreement now (it must be active)."""
    if agreement.status(today) != "active":
        return []
    return [org for org in actor.organisations if is_entitled(agreement, org)]


BUYER_ROLES = {Role.PROCURER, Role.BUSINESS_DEVELOPER}


def calling_off_organisations(actor) -> list[Organisation]:
    """The actor's agencies where they are a procurer or business developer: who may start a call-off."""
    return list({m.organisation_id: m.organisation for m in actor.memberships
                 if m.role in BUYER_ROLES and m.organisation.kind == OrganisationKind.AGENCY}.values())


def may_start(actor, lot: Lot, today: date) -> bool:
    """An agency procurer or business developer whose agency is entitled, while the agreement is active."""
    buyers = {org.pk for org in calling_off_organisations(actor)}
    return any(org.pk in buyers for org in entitled_organisations_of(actor, lot.agreement, today))


def agreements_managed(actor) -> QuerySet[FrameworkAgreement]:
    return FrameworkAgreement.objects.managed_by(actor)
