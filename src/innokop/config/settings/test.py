"""Fast, deterministic settings for the test suite."""

from .base import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rate-limit counts in memory, emptied before every test (tests/conftest.py); windows follow the clock.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
INNOKOP_DEMO = False
INNOKOP_REQUIRE_2FA = False
AXES_FAILURE_LIMIT = 3
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP = True  # the feed-exchange tests fetch from a live server on 127.0.0.1
INNOKOP_WEBHOOKS_ALLOW_LOOPBACK = True  # the webhook tests deliver to a receiver on 127.0.0.1
