from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "innokop.catalogue"
    verbose_name = _("Catalogue of good solutions")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from innokop.accounts.models import Organisation
        from innokop.agreements.signals import lot_supplier_removed

        from .receivers import refresh_supplier_facets, unlink_solutions_from_lot

        lot_supplier_removed.connect(unlink_solutions_from_lot, dispatch_uid="catalogue.unlink_solutions_from_lot")
        post_save.connect(refresh_supplier_facets, sender=Organisation, dispatch_uid="catalogue.refresh_supplier_facets")
