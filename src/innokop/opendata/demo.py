"""Demo data of the open-data app: the bulk download built once from everything the other apps made public."""

from innokop.core.demo import Scenario

from .models import BulkFile
from .services import bulk_rebuild_request


def load(scenario: Scenario) -> None:
    if BulkFile.objects.exists():
        scenario.count(False)
        return
    bulk_rebuild_request(actor=None)
    scenario.count(True)
