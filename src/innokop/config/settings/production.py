"""Production: HTTPS only, secure cookies, HSTS, two-factor authentication for buyers."""

import os

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = False
INNOKOP_WEBHOOKS_ALLOW_LOOPBACK = False  # webhooks reach public HTTPS addresses only
INNOKOP_DEMO = env_bool("INNOKOP_DEMO", False)
INNOKOP_REQUIRE_2FA = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
