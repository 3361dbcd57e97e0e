"""An organisation's webhook endpoints and the deliveries made to them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innokop.core.states import StateMachine


class Endpoint(models.Model):
    """An HTTPS address that is told of the events it subscribes to. The secret signs every delivery: it is kept
    (it must be, to sign) but shown only when it is made, at registration and when it is rotated."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="webhook_endpoints", verbose_name=_("organisation"))
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(max_length=100)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    secret_rotated_at = models.DateTimeField(null=True, blank=True)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-active", "-created_at"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed, will try again")
    GAVE_UP = "gave_up", _("Gave up")


class Delivery(StateMachine, models.Model):
    """One event sent to one endpoint: the body is fixed when the event happens; each attempt signs it anew."""

    TRANSITIONS = {
        DeliveryStatus.PENDING: {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP},
        DeliveryStatus.FAILED: {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.GAVE_UP,
                                DeliveryStatus.PENDING},
        # "Send again": an organisation asks for one more delivery of the same body.
        DeliveryStatus.DELIVERED: {DeliveryStatus.PENDING},
        DeliveryStatus.GAVE_UP: {DeliveryStatus.PENDING},
    }

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(_("event"), max_length=100)
    audit_event = models.ForeignKey("core.AuditEvent", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    object_type = models.CharField(max_length=50, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    payload = models.JSONField()
    status = models.CharField(_("status"), max_length=20, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [models.UniqueConstraint(fields=["endpoint", "audit_event"], name="webhook_delivery_once")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.status})"
