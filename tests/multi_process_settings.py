"""Settings of the processes that tests/multi_process.py starts: the test settings, with the task queue and the
e-mail as production keeps them (tasks in the database, e-mail in the outbox table), so that what a child process
does is seen in the shared database. The database is the test's, from DATABASE_URL (settings/base.py)."""

from innokop.config.settings.test import *  # noqa: F401,F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
EMAIL_BACKEND = "innokop.core.mail.OutboxEmailBackend"
INNOKOP_CONFIDENTIAL_MAIL_TO_CONSOLE = False
