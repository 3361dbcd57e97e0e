"""Fetching an object for an actor: 404 when they may not see it, 403 when they may not change it."""

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


def get_for_actor(visible: models.QuerySet[M], writable: models.QuerySet[M] | None, pk, *, write: bool = False,
                  denied: str = "") -> M:
    """`visible` is what the actor may see, `writable` what they may change.

    The object answers 404 when it is not in `visible` (whether or not it exists: its existence
    is not disclosed) and 403 when write access is asked for and it is not in `writable`. `denied`
    is the reason the API gives with the 403 (pages show their own 403 page).
    """
    try:
        obj = visible.get(pk=pk)
    except (visible.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if write and (writable is None or not writable.filter(pk=obj.pk).exists()):
        raise PermissionDenied(denied)
    return obj
