"""Access-matrix rows for this app's URLs (see tests/test_access_matrix.py)."""

ROWS: dict = {}


def build(world) -> None:
    """Add the objects this app's URLs point at to world.extra."""
