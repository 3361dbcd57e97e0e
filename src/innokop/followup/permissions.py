"""Who sees and reports sales (DESIGN.md §5): a supplier its own reports, the purchasing body that manages
the agreement all of them. A page that changes a report answers 404 to whoever may not see the supplier's
reports and 403 to whoever may see them but not report (the purchasing body, a member without the role).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from innokop.accounts.models import Organisation, OrganisationKind, Role
from innokop.accounts.permissions import Actor, actor_for
from innokop.agreements.models import FrameworkAgreement, LotSupplier
from innokop.calloffs.models import CallOff, Contract
from innokop.core.permissions import get_for_actor

from .models import FollowUpPlan, FollowUpRound, SalesReport

REPORTING_ROLES = {Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN}


def member_supplier_ids(actor) -> set[int]:
    return {m.organisation_id for m in actor.memberships if m.organisation.kind == OrganisationKind.SUPPLIER}


def reporting_supplier_ids(actor) -> set[int]:
    """The suppliers the actor reports for: a representative or admin of them."""
    return {m.organisation_id for m in actor.memberships
            if m.organisation.kind == OrganisationKind.SUPPLIER and m.role in REPORTING_ROLES}


def reporting_agreements(supplier_ids) -> QuerySet[FrameworkAgreement]:
    """Published agreements with the suppliers admitted to a lot of them."""
    admitted = LotSupplier.objects.filter(supplier_id__in=supplier_ids).values("lot__agreement_id")
    return FrameworkAgreement.objects.published().filter(pk__in=admitted)


def get_reporting_supplier(actor, agreement_pk, supplier_pk, *, write: bool = False
                           ) -> tuple[FrameworkAgreement, Organisation]:
    """The agreement and the supplier a sales report is for.

    Visible to the supplier's members and the agreement's managers; reported by the supplier's
    representatives (403 for the others who see it, 404 for everyone else).
    """
    agreement = get_for_actor(FrameworkAgreement.objects.published(), None, agreement_pk)
    admitted = LotSupplier.objects.filter(lot__agreement=agreement, supplier_id=supplier_pk).select_related("supplier")
    admission = admitted.first()
    manages = FrameworkAgreement.objects.managed_by(actor).filter(pk=agreement.pk).exists()
    if admission is None or not (admission.supplier_id in member_supplier_ids(actor) or manages):
        raise Http404
    if write and admission.supplier_id not in reporting_supplier_ids(actor):
        raise PermissionDenied(_("Only the supplier's representatives report its sales."))
    return agreement, admission.supplier


def reports_visible_to(actor) -> QuerySet[SalesReport]:
    own = SalesReport.objects.filter(supplier_id__in=member_supplier_ids(actor))
    managed = SalesReport.objects.filter(agreement__in=FrameworkAgreement.objects.managed_by(actor))
    return (own | managed).distinct()


def get_report_for_actor(actor, pk) -> SalesReport:
    visible = reports_visible_to(actor).select_related("agreement", "supplier", "submitted_by")
    return get_for_actor(visible, None, pk)


def get_agreement_for_manager(actor, pk) -> FrameworkAgreement:
    """The sales of an agreement are its managers': 403 for others who see the agreement, 404 for a draft."""
    return get_for_actor(FrameworkAgreement.objects.visible_to(actor), FrameworkAgreement.objects.managed_by(actor),
                         pk, write=True, denied=_("Only the purchasing body that manages the agreement reads its "
                                                  "sales reports."))


# --- Follow-up plans, rounds and deviations (DESIGN.md §5): the agency its own contracts' plans, the purchasing
# body its agreements' plans, a supplier its own rounds only. The call-off's team follows up a contract (as it
# acts on the call-off: `CallOffQuerySet.changeable_by`), the agreement's framework managers an agreement; the
# supplier's representatives answer. Everyone else who sees a plan or a round reads it (403 for a change).

def follows_up(user_or_actor, plan) -> bool:
    """The actor acts for the buyer in this plan: on the contract's call-off team, or managing the agreement."""
    actor = user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)
    if plan.contract_id:
        return CallOff.objects.changeable_by(actor).filter(pk=plan.contract.calloff_id).exists()
    return plan.agreement.owner_id in actor.managed_organisation_ids


def answers_for_supplier(user_or_actor, supplier) -> bool:
    """The actor answers the supplier's follow-up requests: its representative or admin."""
    actor = user_or_actor if isinstance(user_or_actor, Actor) else actor_for(user_or_actor)
    return supplier.pk in reporting_supplier_ids(actor)


def plans_visible_to(actor):
    return FollowUpPlan.objects.for_buyer(actor).select_related(
        "agreement__owner", "contract__calloff__lot__agreement", "contract__agency", "contract__supplier")


def plans_writable_by(actor):
    return FollowUpPlan.objects.filter(Q(contract__calloff__in=CallOff.objects.changeable_by(actor))
                                       | Q(agreement__owner_id__in=actor.managed_organisation_ids))


def get_plan_for_actor(actor, pk, *, write: bool = False):
    """A follow-up plan: read by the buyer's members (the agency's, or the agreement's managers), changed by those
    who follow it up (403 for a colleague off the call-off's team); 404 for suppliers and everyone else."""
    return get_for_actor(plans_visible_to(actor), plans_writable_by(actor), pk, write=write,
                         denied=_("Only the call-off's team, or the agreement's framework managers, change the plan."))


def rounds_visible_to(actor):
    buyer = FollowUpRound.objects.filter(plan__in=plans_visible_to(actor).values("pk"))
    own = FollowUpRound.objects.filter(supplier_id__in=member_supplier_ids(actor))
    return (buyer | own).select_related("plan__agreement__owner", "plan__contract__calloff__lot__agreement",
                                        "plan__contract__agency", "plan__contract__supplier", "item", "supplier")


def get_round_for_actor(actor, pk):
    """A round and its deviation: read by both sides (the buyer's members and the supplier's); 404 for others."""
    return get_for_actor(rounds_visible_to(actor), None, pk)


def get_round_for_buyer(actor, pk):
    """A round the buyer acts on (requests, assesses, records an audit report, decides on a deviation)."""
    followup_round = get_round_for_actor(actor, pk)
    if not follows_up(actor, followup_round.plan):
        raise PermissionDenied(_("Only the call-off's team, or the agreement's framework managers, follow this up."))
    return followup_round


def get_round_for_supplier(actor, pk):
    """A round the supplier acts on (answers, proposes a corrective action): its representatives only."""
    followup_round = get_round_for_actor(actor, pk)
    if not answers_for_supplier(actor, followup_round.supplier):
        raise PermissionDenied(_("Only the supplier's representatives answer its follow-up requests."))
    return followup_round


def get_contract_for_followup(actor, pk, *, write: bool = False):
    """A call-off contract whose plan is made: seen by its parties, followed up by the call-off's team."""
    ids = actor.organisation_ids
    visible = Contract.objects.filter(Q(agency_id__in=ids) | Q(supplier_id__in=ids)).select_related(
        "calloff__lot__agreement", "agency", "supplier")
    writable = Contract.objects.filter(calloff__in=CallOff.objects.changeable_by(actor))
    return get_for_actor(visible, writable, pk, write=write,
                         denied=_("Only the call-off's team follows up the contract."))


# The contract register: an agency sees and keeps its own contracts, a supplier reads its own, the purchasing
# body reads the contracts under the agreements it manages.

def contracts_visible_to(actor) -> QuerySet[Contract]:
    ids = actor.organisation_ids
    visible = Q(agency_id__in=ids) | Q(supplier_id__in=ids)
    if actor.managed_organisation_ids:
        visible |= Q(calloff__lot__agreement__owner_id__in=actor.managed_organisation_ids)
    # Without an agreement to manage, no join to the call-off, lot and agreement: PostgreSQL then plans the
    # two parties' indexes instead of joining every contract (102 → 5 ms at national scale, docs/performance.md).
    return Contract.objects.filter(visible)


def contracts_kept_by(actor) -> QuerySet[Contract]:
    """The agency's members keep its register (the registration number, options, changes, completion)."""
    agency_ids = {m.organisation_id for m in actor.memberships if m.organisation.kind == OrganisationKind.AGENCY}
    return Contract.objects.filter(agency_id__in=agency_ids)


def get_contract_for_register(actor, pk, *, write: bool = False) -> Contract:
    """A call-off contract in the register: 404 for whoever may not see it, 403 for a change by anyone but the
    agency's members (the supplier, the purchasing body)."""
    visible = contracts_visible_to(actor).select_related(
        "calloff__lot__agreement", "agency", "supplier", "signed_by")
    return get_for_actor(visible, contracts_kept_by(actor), pk, write=write,
                         denied=_("Only the agency's members keep its contract register."))


# Dashboards (views/dashboards.py): each is its viewer's own, and answers 404 to everyone else, whether or not
# the organisation or agreement exists. There is nothing to change on a dashboard, so no 403.

def get_agreement_for_dashboard(actor, pk) -> FrameworkAgreement:
    """An agreement's dashboard is for the purchasing body that manages it (`managed_by`)."""
    return get_for_actor(FrameworkAgreement.objects.managed_by(actor), None, pk)


def get_supplier_for_dashboard(actor, pk) -> Organisation:
    """A supplier's dashboard is for the supplier's own members."""
    return get_for_actor(Organisation.objects.filter(kind=OrganisationKind.SUPPLIER,
                                                     pk__in=member_supplier_ids(actor)), None, pk)


def member_agency_ids(actor) -> set[int]:
    return {m.organisation_id for m in actor.memberships if m.organisation.kind == OrganisationKind.AGENCY}


def get_agency_for_dashboard(actor, pk) -> Organisation:
    """An agency's dashboard is for the agency's own members."""
    return get_for_actor(Organisation.objects.filter(kind=OrganisationKind.AGENCY, pk__in=member_agency_ids(actor)),
                         None, pk)
