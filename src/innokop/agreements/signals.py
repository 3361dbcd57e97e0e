"""What the agreements app announces to the apps above it, which it may not import (docs/architecture.md).

Each signal is sent inside the transaction of the change, so a receiver's writes commit or roll back
with it; receivers are connected in their app's `AppConfig.ready`.
"""

from django.dispatch import Signal

# A supplier has left a lot. Keyword arguments: actor, lot, supplier.
lot_supplier_removed = Signal()
