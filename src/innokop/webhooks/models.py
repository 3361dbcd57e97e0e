"""An organisation's webhook endpoints and the deliveries made to them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from innokop.core.states import StateMachine


class Endpoint(models.Model):
    """An HTTPS address that is told of the events it subscribes to. The secret signs every delivery: it is kept
    (it must be, to sign), encrypted by the key-encryption key (signing.seal_secret), and shown only when it is
    made, at registration and when it is rotated."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE,
                                     related_name="webhook_endpoints", verbose_name=_("organisation"))
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    sealed_secret = models.CharField(max_length=255)
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

    def signing_secret(self) -> str:
        from .signing import open_secret

        return open_secret(self.sealed_secret)


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


class Attempt(models.Model):
    """One try of a delivery, kept when "send again" starts a new round: when, what the receiver answered (or
    what went wrong before it could), and how long it took."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("time"))
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("webhook delivery attempt")
        verbose_name_plural = _("webhook delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.at:%Y-%m-%d %H:%M:%S} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
