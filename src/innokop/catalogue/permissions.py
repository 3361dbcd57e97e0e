"""Fetching catalogue objects for an actor: 404 when they may not see it, 403 when they may not change it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from innokop.core.permissions import get_for_actor

from .models import Collection, Evidence, Solution, is_framework_manager


def get_solution_for_actor(actor, pk, *, write: bool = False) -> Solution:
    """Published solutions for everyone; drafts for their supplier; the supplier's representatives write."""
    visible = Solution.objects.visible_to(actor).select_related("supplier")
    return get_for_actor(visible, Solution.objects.editable_by(actor), pk, write=write)


def get_solution_for_review(actor, pk, *, write: bool = False) -> Solution:
    """What a framework manager reviews: any solution that is not a draft; only they act on it."""
    visible = Solution.objects.visible_to(actor).select_related("supplier", "verified_by")
    return get_for_actor(visible, Solution.objects.reviewable_by(actor), pk, write=write)


def get_evidence_for_review(actor, pk) -> Evidence:
    visible = Evidence.objects.filter(solution__in=Solution.objects.visible_to(actor)).select_related("solution")
    writable = Evidence.objects.filter(solution__in=Solution.objects.reviewable_by(actor))
    return get_for_actor(visible, writable, pk, write=True)


def require_framework_manager(actor) -> None:
    """Review pages are the purchasing body's: others are refused (403), anonymous visitors log in first."""
    if not is_framework_manager(actor):
        raise PermissionDenied


def get_collection_for_actor(actor, pk, *, write: bool = False) -> Collection:
    visible = Collection.objects.all() if is_framework_manager(actor) else Collection.objects.published()
    writable = Collection.objects.all() if is_framework_manager(actor) else Collection.objects.none()
    return get_for_actor(visible, writable, pk, write=write)


def get_public_collection(slug: str) -> Collection:
    collection = Collection.objects.published().filter(slug=slug).first()
    if collection is None:
        raise Http404
    return collection
