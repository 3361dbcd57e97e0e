"""How the catalogue follows changes in the apps below it (connected in CatalogueConfig.ready)."""

from .indexing import supplier_facets_refresh
from .services import solutions_unlink_lot


def unlink_solutions_from_lot(sender, *, actor, lot, supplier, **kwargs) -> None:
    """agreements.signals.lot_supplier_removed: the supplier's solutions stop naming the lot."""
    solutions_unlink_lot(actor=actor, lot=lot, supplier=supplier)


def refresh_supplier_facets(sender, *, instance, update_fields=None, **kwargs) -> None:
    """post_save of an Organisation: the "sme" facet value of its published solutions follows it."""
    if update_fields is None or "is_sme" in update_fields:
        supplier_facets_refresh(instance)
