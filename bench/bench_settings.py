"""The benchmark's settings: the test settings (fast password hashing, no 2FA demand), the bench URLconf with its
bare view, and tasks queued in the database as in production (a notification is a row, sent by the worker)."""

from innokop.config.settings.test import *  # noqa: F401,F403

ROOT_URLCONF = "bench_urls"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WHITENOISE_AUTOREFRESH = False
# A refused request (400, 404) is part of what the bench measures: only errors are logged.
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "loggers": {"django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False}}}
