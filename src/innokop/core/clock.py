"""The one place the application reads the time, so that tests can set it."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
