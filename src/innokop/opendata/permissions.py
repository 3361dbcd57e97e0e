"""Who may do what with the open data: everyone reads it (what is public is decided in `mapping`); the
purchasing body's framework managers ask for the bulk download to be rebuilt."""

from innokop.accounts.permissions import Actor
from innokop.core.permissions import get_for_actor

from .models import BulkFile


def may_rebuild(actor: Actor) -> bool:
    return actor.is_framework_manager


def get_bulk_for_actor(actor: Actor, pk: int) -> BulkFile:
    """A build of the bulk download: its progress and file are public, like what it holds."""
    return get_for_actor(BulkFile.objects.all(), None, pk)
