"""How the catalogue follows changes in the apps below it (connected in CatalogueConfig.ready)."""

from .services import solutions_unlink_lot


def unlink_solutions_from_lot(sender, *, actor, lot, supplier, **kwargs) -> None:
    """agreements.signals.lot_supplier_removed: the supplier's solutions stop naming the lot."""
    solutions_unlink_lot(actor=actor, lot=lot, supplier=supplier)
