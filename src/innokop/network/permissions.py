"""Who may do what in the network: everyone reads published good-practice cases, the feed and what was imported
from partners (imported items are never writable here); members of the purchasing body or an agency write
cases for their organisation; the purchasing body's framework managers review cases and follow partners' feeds."""

from django.db.models import Q, QuerySet

from innokop.accounts.models import BUYER_KINDS, Organisation
from innokop.accounts.permissions import Actor
from innokop.core.permissions import get_for_actor

from .models import CaseStatus, GoodPracticeCase, NetworkItem, Subscription


def case_author_organisations(actor: Actor) -> list[Organisation]:
    """The purchasing bodies and agencies the actor may write good-practice cases for."""
    return sorted({m.organisation for m in actor.memberships if m.organisation.kind in BUYER_KINDS},
                  key=lambda organisation: organisation.name)


def may_write_cases(actor: Actor) -> bool:
    return bool(case_author_organisations(actor))


def may_subscribe(actor: Actor) -> bool:
    return actor.is_framework_manager


def visible_cases(actor: Actor) -> QuerySet[GoodPracticeCase]:
    """Published for everyone; drafts for the author's organisation; cases sent for review for the reviewers."""
    condition = Q(status=CaseStatus.PUBLISHED) | Q(organisation_id__in=[o.pk for o in case_author_organisations(actor)])
    if actor.is_framework_manager:
        condition |= Q(status=CaseStatus.IN_REVIEW)
    return GoodPracticeCase.objects.filter(condition).select_related("organisation")


def get_case_for_actor(actor: Actor, pk: int, *, write: bool = False) -> GoodPracticeCase:
    """Write: the author's organisation changes and sends its own case (the services check the status)."""
    writable = GoodPracticeCase.objects.filter(organisation_id__in=[o.pk for o in case_author_organisations(actor)])
    return get_for_actor(visible_cases(actor), writable, pk, write=write)


def get_case_for_review(actor: Actor, pk: int) -> GoodPracticeCase:
    reviewable = GoodPracticeCase.objects.all() if actor.is_framework_manager else GoodPracticeCase.objects.none()
    return get_for_actor(visible_cases(actor), reviewable, pk, write=True)


def get_item_for_actor(actor: Actor, pk: int) -> NetworkItem:
    """An imported item is public, as it is on its origin's pages, and read-only: nobody writes it here."""
    return get_for_actor(NetworkItem.objects.select_related("subscription__partner"), NetworkItem.objects.none(), pk)


def get_subscription_for_actor(actor: Actor, pk: int) -> Subscription:
    """Subscriptions are the purchasing body's working data: framework managers only (404 for everyone else)."""
    visible = Subscription.objects.all() if may_subscribe(actor) else Subscription.objects.none()
    return get_for_actor(visible, visible, pk, write=True)


def may_manage_keys(actor: Actor) -> bool:
    """The feed's signing keys are the purchasing body's: its framework managers rotate them."""
    return actor.is_framework_manager
