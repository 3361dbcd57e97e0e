"""The audit log: append-only events, each chained to the previous one by SHA-256.

Every service that changes state calls `audit_log` inside its transaction. `audit_verify`
recomputes the chain and names the first event whose stored hash does not match.
"""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction

from . import clock
from .models import AuditChainHead, AuditEvent, AuditRelease

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(event: AuditEvent) -> str:
    sealed = {"sealed": event.sealed_scope} if event.sealed_scope else {}  # older events hash as before
    material = _canonical(
        sealed | {
            "prev": event.prev_hash,
            "at": event.created_at.isoformat(timespec="microseconds"),
            "actor": event.actor_id,
            "actor_label": event.actor_label,
            "organisation": event.organisation_id,
            "verb": event.verb,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "object_repr": event.object_repr,
            "payload": event.payload,
        }
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def _describe(obj: models.Model | None) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    return obj._meta.label_lower, str(obj.pk), str(obj)[:255]


def audit_log(
    *,
    actor: Any,
    verb: str,
    obj: models.Model | None = None,
    organisation: Any = None,
    payload: dict | None = None,
    sealed_scope: str = "",
) -> AuditEvent:
    """Append one event. Call it inside the transaction of the change it records.

    `sealed_scope` keeps the event from everyone but its own organisation until `audit_release(scope)`.
    """
    object_type, object_id, object_repr = _describe(obj)
    real_actor = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            created_at=clock.now(),
            actor=real_actor,
            actor_label=(real_actor.email if real_actor else "system")[:255],
            organisation=organisation,
            verb=verb,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            # Stored exactly as hashed: a round trip through JSON first.
            payload=json.loads(_canonical(payload or {})),
            sealed_scope=sealed_scope,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


def audit_release(scope: str) -> None:
    """Makes a sealed scope's events readable from now on (idempotent)."""
    AuditRelease.objects.get_or_create(scope=scope, defaults={"released_at": clock.now()})


class AuditChainError(Exception):
    """The chain cannot be appended to safely (its head is missing while events exist)."""


def _locked_head() -> AuditChainHead:
    """The chain head, locked. A fresh (or emptied) log starts from the genesis hash; a log with
    events but no head has been tampered with, and nothing more is appended to it."""
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is not None:
        return head
    if AuditEvent.objects.exists():
        raise AuditChainError("the audit chain head is missing; run `innokop audit-verify`")
    head, _created = AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    return head


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH

    @property
    def ok(self) -> bool:
        return not self.reason


def audit_verify() -> VerifyResult:
    """Walk the chain from the start; the first event that does not match breaks it."""
    previous = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != previous:
            return VerifyResult(checked, event.pk, "its prev_hash is not the hash of the event before it")
        if compute_hash(event) != event.hash:
            return VerifyResult(checked, event.pk, "its content does not match its hash")
        previous = event.hash
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return VerifyResult(checked, None, "events are missing after the last one")
    return VerifyResult(checked, last_hash=previous)
