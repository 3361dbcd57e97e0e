"""Two-factor authentication with time-based one-time passwords (django-otp's TOTP devices)."""

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from innokop.core.audit import audit_log


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_pending(*, user) -> TOTPDevice:
    """The unconfirmed device a user is setting up; one is created when there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Innoköp", confirmed=False)
    return device


def totp_confirm(*, request, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with a code from the app; the session counts as verified afterwards."""
    if not device.verify_token(token.strip().replace(" ", "")):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        audit_log(actor=device.user, verb="user.two_factor_enabled", obj=device.user)
    otp_login(request, device)
    return True


def totp_verify(*, request, token: str) -> bool:
    device = confirmed_device(request.user)
    if device is None or not device.verify_token(token.strip().replace(" ", "")):
        return False
    otp_login(request, device)
    return True


def totp_disable(*, user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_log(actor=user, verb="user.two_factor_disabled", obj=user)
