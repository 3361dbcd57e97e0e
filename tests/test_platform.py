"""The platform's outer promises: settings, health, the API document, the CLI and the demo."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from innokop.accounts.models import Organisation, OrganisationKind, Role, User
from innokop.core.audit import audit_verify
from innokop.core.demo import DEMO_PASSWORD


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok" and response.json()["database"] == "ok"


def test_the_openapi_document_and_its_docs_are_served_from_the_app(client, db):
    document = client.get("/api/openapi.json")
    assert document.status_code == 200
    spec = document.json()
    assert spec["openapi"].startswith("3.")
    assert "/api/me" in spec["paths"] and "/api/notifications" in spec["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()


def test_pages_send_a_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()  # no inline scripts anywhere on the page
    assert response["X-Frame-Options"] == "DENY"


def _run_check(env_overrides: dict, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {"DJANGO_SETTINGS_MODULE": "innokop.config.settings.production", "INNOKOP_VAR_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "innokop.example.se"} | env_overrides
    return subprocess.run([sys.executable, "-m", "innokop", "check", "--deploy", "--fail-level", "WARNING"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _run_check({"SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-value-!@#"}, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_secret_key_is_generated_once_into_var_when_absent(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    env |= {"INNOKOP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "innokop.config.settings.local"}
    code = "from django.conf import settings; import django; django.setup(); print(settings.SECRET_KEY)"
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert first.stdout == second.stdout and len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


OWNER_ONLY_SCRIPT = """
import json, os, django
django.setup()
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from innokop.calloffs import sealing
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE t (x)")
    cursor.execute("INSERT INTO t VALUES (1)")
    default_storage.save("documents/ab/tender.pdf", ContentFile(b"%PDF-1.4"))
    sealing.load_kek()
    names = ["", "innokop.sqlite3", "innokop.sqlite3-wal", "innokop.sqlite3-shm", "secret_key", "tender_kek",
             "media", "media/documents", "media/documents/ab", "media/documents/ab/tender.pdf"]
    print(json.dumps({name: os.stat(settings.VAR_DIR / name).st_mode & 0o777 for name in names}))
"""


def _start_in(var_dir: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DATABASE_URL", "INNOKOP_KEK", "MEDIA_ROOT", "STATIC_ROOT"}}
    env |= {"INNOKOP_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "innokop.config.settings.local"}
    result = subprocess.run([sys.executable, "-c", OWNER_ONLY_SCRIPT], env=env, capture_output=True, text=True,
                            check=True, preexec_fn=lambda: os.umask(0o022))  # a usual umask: 0644 files
    return json.loads(result.stdout)


def test_the_database_keys_and_uploads_are_readable_by_their_owner_only(tmp_path):
    modes = _start_in(tmp_path / "var")
    assert {name: oct(mode) for name, mode in modes.items() if mode & 0o077} == {}
    assert modes["innokop.sqlite3-wal"] == modes["media/documents/ab/tender.pdf"] == 0o600
    assert modes["media/documents/ab"] == 0o700


def test_files_an_older_version_left_readable_are_tightened(tmp_path):
    (tmp_path / "media").mkdir(mode=0o755)
    (tmp_path / "innokop.sqlite3").touch(mode=0o644)
    (tmp_path / "secret_key").write_text("an-old-secret-key-" * 4)
    (tmp_path / "secret_key").chmod(0o644)
    tmp_path.chmod(0o755)
    modes = _start_in(tmp_path)
    assert modes[""] == modes["media"] == 0o700
    assert modes["innokop.sqlite3"] == modes["secret_key"] == 0o600


@pytest.mark.django_db
def test_the_demo_is_believable_and_idempotent(client):
    call_command("demo", quiet_logins=True)
    counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in OrganisationKind.values}
    assert counts[OrganisationKind.CPB] == 1
    assert counts[OrganisationKind.AGENCY] >= 5
    assert counts[OrganisationKind.SUPPLIER] >= 12
    assert Organisation.objects.filter(kind=OrganisationKind.SUPPLIER, is_sme=True).count() >= 6
    roles_in_use = set(User.objects.values_list("memberships__role", flat=True))
    assert set(Role.values) <= roles_in_use
    users = User.objects.count()
    call_command("demo", quiet_logins=True)
    assert User.objects.count() == users
    assert audit_verify().ok
    response = client.post(reverse("accounts:login"),
                           {"username": "maria.upphandlare@mdss.example", "password": DEMO_PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
def test_the_dashboard_does_not_query_more_for_more_memberships(login, agency, other_agency,
                                                                django_assert_max_num_queries):
    from .factories import OrganisationFactory, member

    few = member(agency, Role.PROCURER)
    many = member(agency, Role.PROCURER, Role.BUSINESS_DEVELOPER, Role.CONTRACT_MANAGER, Role.ORGANISATION_ADMIN)
    for organisation in (other_agency, OrganisationFactory(kind=OrganisationKind.AGENCY)):
        from innokop.accounts.models import Membership

        Membership.objects.create(user=many, organisation=organisation, role=Role.ORGANISATION_ADMIN)
    client = login(few)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as baseline:
        client.get(reverse("core:dashboard"))
    client = login(many)
    with django_assert_max_num_queries(len(baseline)):
        assert client.get(reverse("core:dashboard")).status_code == 200
