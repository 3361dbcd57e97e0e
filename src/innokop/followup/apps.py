from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowUpConfig(AppConfig):
    name = "innokop.followup"
    verbose_name = _("Follow-up")
