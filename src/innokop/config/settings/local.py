"""The embedded default that `make run` serves: plain HTTP on loopback, demo data, no 2FA demand.

Production deployments use `innokop.config.settings.production`.
"""

from .base import *  # noqa: F401,F403
from .base import env_bool

INNOKOP_DEMO = env_bool("INNOKOP_DEMO", True)
INNOKOP_REQUIRE_2FA = env_bool("INNOKOP_REQUIRE_2FA", False)
INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE = env_bool("INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE", True)
