"""Fetching catalogue objects for an actor: 404 when they may not see it, 403 when they may not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation
from innokop.accounts.permissions import Actor
from innokop.core.permissions import get_for_actor

from .models import Collection, Evidence, Solution, represented_suppliers

DENIED = _("You may not change this solution.")


def get_solution_for_actor(actor: Actor, pk, *, write: bool = False) -> Solution:
    """Published solutions for everyone; drafts for their supplier; the supplier's representatives write."""
    visible = Solution.objects.visible_to(actor).select_related("supplier")
    return get_for_actor(visible, Solution.objects.editable_by(actor), pk, write=write, denied=DENIED)


def get_represented_supplier(actor: Actor, supplier_id: int | None = None) -> Organisation:
    """The supplier the actor writes solutions for: the one asked for, or their first; 403 if they represent none."""
    represented = represented_suppliers(actor)
    chosen = supplier_id or (represented[0] if represented else None)
    if chosen not in represented:
        raise PermissionDenied(DENIED)
    return Organisation.objects.get(pk=chosen)


def get_solution_for_review(actor, pk, *, write: bool = False) -> Solution:
    """What a framework manager reviews: any solution that is not a draft; only they act on it."""
    visible = Solution.objects.visible_to(actor).select_related("supplier", "verified_by")
    return get_for_actor(visible, Solution.objects.reviewable_by(actor), pk, write=write)


def get_evidence_for_review(actor, pk) -> Evidence:
    visible = Evidence.objects.filter(solution__in=Solution.objects.visible_to(actor)).select_related("solution")
    writable = Evidence.objects.filter(solution__in=Solution.objects.reviewable_by(actor))
    return get_for_actor(visible, writable, pk, write=True)


def get_collection_for_actor(actor, pk, *, write: bool = False) -> Collection:
    visible = Collection.objects.all() if actor.is_framework_manager else Collection.objects.published()
    writable = Collection.objects.all() if actor.is_framework_manager else Collection.objects.none()
    return get_for_actor(visible, writable, pk, write=write)


def get_public_collection(slug: str) -> Collection:
    collection = Collection.objects.published().filter(slug=slug).first()
    if collection is None:
        raise Http404
    return collection
