"""Changes in the open-data app: asking for the bulk download to be rebuilt, and building it."""

import hashlib
import io
import json
import zipfile
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from innokop.accounts.models import User
from innokop.accounts.permissions import actor_for
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.refusals import Refused

from . import mapping, publishing
from .models import BulkFile
from .permissions import may_rebuild
from .validation import package_errors


class OpenDataError(Refused):
    code = "opendata_refused"


class InvalidPackage(Exception):
    """A package that does not validate is never published: the build stops and says why."""


def bulk_rebuild_request(*, actor: User | None) -> BulkFile:
    """A framework manager asks for the bulk download to be built again (None: the system, e.g. the demo or a
    command); the file is built by a background task, and the page shows its progress."""
    if actor is not None and not may_rebuild(actor_for(actor)):
        raise OpenDataError(_("Only the purchasing body's framework managers can rebuild the bulk download."),
                            status=403)
    from .tasks import build_bulk_file

    with transaction.atomic():
        bulk = BulkFile.objects.create(requested_by=actor, requested_at=clock.now(), step=_("Waiting to start"))
        audit_log(actor=actor, verb="opendata.bulk_requested", obj=bulk, payload={"bulk": bulk.pk})
        transaction.on_commit(lambda: build_bulk_file.enqueue(bulk.pk))
    return bulk


def _progress(bulk: BulkFile, percent: int, step: str) -> None:
    BulkFile.objects.filter(pk=bulk.pk).update(progress=percent, step=step)


def bulk_build(bulk: BulkFile) -> BulkFile:
    """Builds the ZIP (releases.json, records.json) of everything public now; both packages must validate."""
    now = clock.now()
    _progress(bulk, 10, _("Collecting the releases"))
    releases = mapping.all_releases(now)
    _progress(bulk, 40, _("Compiling the records"))
    release_package = publishing.release_package(releases, uri="/api/ocds/bulk/releases.json", published=now)
    record_package = publishing.record_package(releases, uri="/api/ocds/bulk/records.json", published=now)
    _progress(bulk, 70, _("Validating the packages"))
    for name, package in (("releases.json", release_package), ("records.json", record_package)):
        errors = package_errors(package)
        if errors:
            raise InvalidPackage(f"{name}: {len(errors)} errors, first: {errors[0]}")
    _progress(bulk, 90, _("Packing the ZIP file"))
    data = _zip({"releases.json": release_package, "records.json": record_package}, now)
    bulk.file.save(f"ocds-{now:%Y%m%d%H%M%S}.zip", ContentFile(data), save=False)
    bulk.sha256, bulk.size, bulk.built_for = hashlib.sha256(data).hexdigest(), len(data), now
    bulk.releases, bulk.records = len(releases), len(record_package["records"])
    bulk.progress, bulk.step, bulk.finished_at = 100, _("Ready"), clock.now()
    with transaction.atomic():
        bulk.save(update_fields=["file", "sha256", "size", "built_for", "releases", "records", "progress", "step",
                                 "finished_at"])
        audit_log(actor=bulk.requested_by, verb="opendata.bulk_built", obj=bulk,
                  payload={"sha256": bulk.sha256, "releases": bulk.releases, "records": bulk.records})
    return bulk


def _zip(files: dict[str, dict], now: datetime) -> bytes:
    buffer = io.BytesIO()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, package in files.items():
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, json.dumps(package, ensure_ascii=False, indent=1).encode())
    return buffer.getvalue()
