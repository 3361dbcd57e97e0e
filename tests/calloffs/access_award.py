"""Access-matrix rows for the call-off's award URLs (see tests/test_access_matrix.py)."""

ROWS: dict = {}


def build(world) -> None:
    pass
