"""The benchmark's settings: the test settings (fast password hashing, no 2FA demand), the bench URLconf with its
bare view, and tasks queued in the database as in production (a notification is a row, sent by the worker)."""

from innokop.config.settings.test import *  # noqa: F401,F403

ROOT_URLCONF = "bench_urls"
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WHITENOISE_AUTOREFRESH = False
