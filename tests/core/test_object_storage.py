"""Uploads in S3-compatible object storage (INNOKOP_MEDIA_STORAGE=s3, docs/scaling.md), against a real S3 HTTP
endpoint: moto's server on a free loopback port, one for the module, a new bucket for each test. Files go in
through the documents page and out through the permission-checked download views; the bucket's objects stay
private to the credentials Innoköp holds."""

import urllib.error
import urllib.request
import uuid

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from innokop.config.media_storage import media_storage
from innokop.core.clock import now
from innokop.core.models import Document
from innokop.opendata.models import BulkFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REGION = "eu-north-1"
PUBLIC_GROUPS = ("http://acs.amazonaws.com/groups/global/AllUsers",
                 "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A new bucket, and the settings `INNOKOP_MEDIA_STORAGE=s3` with it gives, as the default storage."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "innokop-test")  # the credentials come from the environment only
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "innokop-test-secret")
    name = f"innokop-media-{uuid.uuid4().hex[:12]}"
    settings.STORAGES = {**settings.STORAGES, "default": media_storage({
        "INNOKOP_MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": name, "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": REGION, "AWS_S3_ADDRESSING_STYLE": "path",
    })}
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION, aws_access_key_id="innokop-test",
                      aws_secret_access_key="innokop-test-secret")
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return s3, name


def _keys(s3, name: str) -> list[str]:
    return sorted(item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", []))


def _anonymous_status(url: str) -> int:
    """A plain GET without credentials, straight to the endpoint (no proxy from the environment)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _assert_private(s3, s3_endpoint: str, name: str, key: str) -> None:
    assert _anonymous_status(f"{s3_endpoint}/{name}/{key}") == 403
    grants = s3.get_object_acl(Bucket=name, Key=key)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") in PUBLIC_GROUPS]


@pytest.mark.django_db
def test_a_document_goes_to_the_bucket_through_the_documents_page_and_comes_back_through_the_download_view(
    client, login, agency_procurer, agency_colleague, other_agency_procurer, bucket, s3_endpoint
):
    s3, name = bucket
    upload = SimpleUploadedFile("../../Anbud – slutlig version.PDF", PDF_BYTES, content_type="application/pdf")
    response = login(agency_procurer).post(reverse("core:document_list"), {"title": "Anbudsunderlag", "file": upload})
    assert response.status_code == 302
    document = Document.objects.get(title="Anbudsunderlag")
    version = document.current
    key = f"documents/{document.pk}/1/Anbud-slutlig-version.pdf"
    assert (version.file.name, _keys(s3, name)) == (key, [key])  # the safe name, never a path from the upload
    assert s3.get_object(Bucket=name, Key=key)["Body"].read() == PDF_BYTES

    _assert_private(s3, s3_endpoint, name, key)
    url = default_storage.url(key)  # never handed out; if it were, it is signed and expires
    assert "X-Amz-Signature=" in url or "Signature=" in url

    download = reverse("core:document_download", args=[document.pk, 1])
    response = login(agency_colleague).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert 'filename="Anbud-slutlig-version.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    client.logout()
    assert client.get(download).status_code == 404
    assert login(other_agency_procurer).get(download).status_code == 404


@pytest.mark.django_db
def test_a_new_version_is_a_new_object_and_the_old_one_stays_readable(login, agency_procurer, bucket):
    s3, name = bucket
    client = login(agency_procurer)
    client.post(reverse("core:document_list"),
                {"title": "PM", "file": SimpleUploadedFile("pm.pdf", PDF_BYTES)})
    document = Document.objects.get(title="PM")
    detail = reverse("core:document_detail", args=[document.pk])
    assert client.post(detail, {"file": SimpleUploadedFile("pm.pdf", PDF_BYTES + b"%v2\n")}).status_code == 302
    assert _keys(s3, name) == [f"documents/{document.pk}/1/pm.pdf", f"documents/{document.pk}/2/pm.pdf"]
    for number, content in ((1, PDF_BYTES), (2, PDF_BYTES + b"%v2\n")):
        response = client.get(reverse("core:document_download", args=[document.pk, number]))
        assert b"".join(response.streaming_content) == content


@pytest.mark.django_db
def test_generated_files_with_the_same_name_do_not_replace_each_other(client, bucket, s3_endpoint):
    """Two OCDS bulk files built in the same second are saved under the same name (opendata.services.bulk_build);
    the second gets a suffix, as on disk, and the first stays whole."""
    s3, name = bucket
    built = []
    for content in (b"PK first", b"PK second"):
        bulk = BulkFile.objects.create(requested_at=now(), built_for=now(), finished_at=now())
        bulk.file.save("ocds-20270315090000.zip", ContentFile(content))
        built.append(bulk)
    first, second = built
    assert first.file.name == "opendata/ocds-20270315090000.zip" != second.file.name
    assert _keys(s3, name) == sorted([first.file.name, second.file.name])
    _assert_private(s3, s3_endpoint, name, second.file.name)
    response = client.get(reverse("opendata:bulk_download", args=[first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"PK first"


def test_local_disk_is_the_default_and_a_wrong_choice_is_refused():
    local = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert media_storage({}) == local
    assert media_storage({"INNOKOP_MEDIA_STORAGE": "local", "AWS_STORAGE_BUCKET_NAME": "ignored"}) == local
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage({"INNOKOP_MEDIA_STORAGE": "s3"})
    with pytest.raises(ImproperlyConfigured, match="INNOKOP_MEDIA_STORAGE"):
        media_storage({"INNOKOP_MEDIA_STORAGE": "nfs"})
    options = media_storage({"INNOKOP_MEDIA_STORAGE": "S3", "AWS_STORAGE_BUCKET_NAME": "innokop"})["OPTIONS"]
    assert options["default_acl"] is None and options["querystring_auth"] is True
    assert options["file_overwrite"] is False
    assert "access_key" not in options and "secret_key" not in options
