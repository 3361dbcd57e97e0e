from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "innokop.network"
    verbose_name = _("The network of sister bodies")
