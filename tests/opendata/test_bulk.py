"""The bulk download: a framework manager rebuilds it, the page shows the progress, anyone downloads the ZIP;
a package that does not validate is never published."""

import io
import json
import zipfile
from datetime import datetime, timezone

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.core.models import AuditEvent
from innokop.opendata import services
from innokop.opendata.models import BulkFile

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory


@pytest.fixture
def agreement(cpb, cpb_manager, supplier_org, clock):
    agreement = AgreementFactory(owner=cpb, created_by=cpb_manager,
                                 published_at=datetime(2027, 1, 10, 9, 0, tzinfo=timezone.utc))
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=1), supplier=supplier_org)
    return agreement


def test_a_framework_manager_rebuilds_and_anyone_downloads(agreement, cpb_manager, login, client,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(cpb_manager).post(reverse("opendata:bulk_rebuild"))
    bulk = BulkFile.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("opendata:bulk_status", args=[bulk.pk])
    assert bulk.finished_at and bulk.progress == 100 and not bulk.failed and bulk.releases == 2
    verbs = list(AuditEvent.objects.filter(object_type="opendata.bulkfile").values_list("verb", flat=True))
    assert verbs == ["opendata.bulk_requested", "opendata.bulk_built"]
    client.logout()
    with translation.override("en"):
        page = client.get(reverse("opendata:bulk_status", args=[bulk.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert b'id="bulk-progress"' in page.content and bulk.sha256.encode() in page.content
    download = client.get(reverse("opendata:bulk_download", args=[bulk.pk]))
    assert download["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as archive:
        releases = json.loads(archive.read("releases.json"))["releases"]
    assert {r["tag"][0] for r in releases} == {"tender", "award"}
    assert reverse("opendata:bulk_download", args=[bulk.pk]).encode() in client.get(reverse("opendata:home")).content


def test_the_page_polls_while_the_file_is_built(agreement, client):
    bulk = BulkFile.objects.create(requested_at=datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc), progress=40,
                                   step="Compiling the records")
    page = client.get(reverse("opendata:bulk_status", args=[bulk.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 1s"' in page.content and b'value="40"' in page.content
    assert b"<html" not in page.content  # the partial only, for HTMX
    assert client.get(reverse("opendata:bulk_download", args=[bulk.pk])).status_code == 404


def test_only_a_framework_manager_rebuilds(agreement, agency_procurer, login):
    assert login(agency_procurer).post(reverse("opendata:bulk_rebuild")).status_code == 403
    with pytest.raises(services.OpenDataError):
        services.bulk_rebuild_request(actor=agency_procurer)
    assert not BulkFile.objects.exists()


def test_a_package_that_does_not_validate_is_never_published(agreement, cpb_manager, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    monkeypatch.setattr(services, "package_errors", lambda package: ["releases/0/date: 'x' is not a 'date-time'"])
    with django_capture_on_commit_callbacks(execute=True):  # the task fails, and says so
        services.bulk_rebuild_request(actor=cpb_manager)
    bulk = BulkFile.objects.get()
    assert bulk.failed.startswith("InvalidPackage") and not bulk.file
    assert not BulkFile.objects.ready().exists()


def test_the_command_queues_a_build_that_the_worker_makes(agreement, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True):
        call_command("ocds_bulk", stdout=io.StringIO())
    bulk = BulkFile.objects.ready().get()
    assert bulk.requested_by is None and bulk.releases == 2
