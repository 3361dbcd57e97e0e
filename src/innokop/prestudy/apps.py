from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreStudyConfig(AppConfig):
    name = "innokop.prestudy"
    verbose_name = _("Pre-studies")
