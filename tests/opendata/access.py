"""Access-matrix rows for open data (see tests/test_access_matrix.py): everyone reads the pages, the OCDS
endpoints and the bulk download; only a framework manager of the purchasing body asks for a rebuild."""

from django.urls import reverse

from innokop.core import clock
from innokop.opendata.mapping import agreement_ocid
from innokop.opendata.models import BulkFile
from innokop.opendata.services import bulk_build

from ..access import OPEN, Row, static


def build(world) -> None:
    bulk = bulk_build(BulkFile.objects.create(requested_at=clock.now()))
    world.extra.update(ocds_bulk=bulk, ocds_ocid=agreement_ocid(world.extra["sales_agreement"]))


def _bulk(name: str):
    return lambda w: reverse(name, args=[w.extra["ocds_bulk"].pk])


ROWS = {
    "opendata:home": Row(static("opendata:home"), OPEN),
    "opendata:policy": Row(static("opendata:policy"), OPEN),
    "opendata:statistics": Row(static("opendata:statistics"), OPEN),
    "opendata:statistics_csv": Row(lambda w: reverse("opendata:statistics_csv", args=["agreements"]), OPEN),
    # The framework manager is sent on to the progress of the build; everyone else signed in may not start one.
    "opendata:bulk_rebuild": Row(static("opendata:bulk_rebuild"), {"anonymous": 302, "cpb": 302, "*": 403}, "post"),
    "opendata:bulk_status": Row(_bulk("opendata:bulk_status"), OPEN),
    "opendata:bulk_download": Row(_bulk("opendata:bulk_download"), OPEN),
    "api:ocds_releases": Row(static("api:ocds_releases"), OPEN),
    "api:ocds_records": Row(static("api:ocds_records"), OPEN),
    "api:ocds_record": Row(lambda w: reverse("api:ocds_record", args=[w.extra["ocds_ocid"]]), OPEN),
}
