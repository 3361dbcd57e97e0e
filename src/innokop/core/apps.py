from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "innokop.core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .planner import refresh_after_migrate

        post_migrate.connect(refresh_after_migrate, sender=self, dispatch_uid="innokop.core.planner")
