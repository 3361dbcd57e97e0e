"""Background work of the open-data app: building the bulk download."""

from django_tasks import task

from innokop.core import clock

from .models import BulkFile


@task()
def build_bulk_file(bulk_id: int) -> None:
    from .services import bulk_build

    bulk = BulkFile.objects.select_related("requested_by").get(pk=bulk_id)
    if bulk.finished_at:
        return  # a retried task must not build twice
    try:
        bulk_build(bulk)
    except Exception as error:  # the page must say it failed rather than spin for ever
        BulkFile.objects.filter(pk=bulk.pk).update(failed=f"{type(error).__name__}: {error}", finished_at=clock.now())
        raise


@task()
def request_bulk_rebuild() -> int:
    """Asks for a new bulk download every day (as `innokop ocds_bulk` does), so that it keeps up with what is
    published; returns the id of the file being built."""
    from .services import bulk_rebuild_request

    return bulk_rebuild_request(actor=None).pk


DAILY = [request_bulk_rebuild]  # core/daily.py
