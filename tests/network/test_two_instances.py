"""Two instances exchange their feeds both ways: instance A is this test's database served by the live server,
instance B a second Innoköp in a subprocess with its own SQLite database, signing key and web server. Each
publishes a good-practice case, follows the other's feed by address and public key, and imports it."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from innokop.accounts.models import OrganisationKind
from innokop.network import services, signing
from innokop.network.models import NetworkItem

from ..factories import OrganisationFactory
from .test_cases_and_pages import FIELDS

SETUP_B = """
import os
from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from innokop.network import services, signing
cpb = Organisation.objects.create(kind=OrganisationKind.CPB, name="Instance B CPB")
manager = User.objects.create_user("manager@b.example", "x", full_name="Manager B")
Membership.objects.create(user=manager, organisation=cpb, role=Role.FRAMEWORK_MANAGER)
fields = {f"{part}_{language}": f"B {part} {language}" for part in
          ("title", "need", "route", "solution", "results", "lessons") for language in ("sv", "en")}
case = services.case_create(actor=manager, organisation=cpb, fields=fields)
services.case_submit(actor=manager, case=case)
services.case_review(actor=manager, case=case, publish=True)
partner = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Instance A", country="SE")
services.subscribe(actor=manager, partner=partner, feed_url=os.environ["A_FEED"], public_key=os.environ["A_KEY"])
print(signing.public_key_text())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _instance_b_env(tmp_path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "INNOKOP_NETWORK_SIGNING_KEY", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    return env | {"INNOKOP_VAR_DIR": str(tmp_path / "b"), "DJANGO_SETTINGS_MODULE": "innokop.config.settings.local",
                  "INNOKOP_DEMO": "0", "INNOKOP_NETWORK_ALLOW_LOOPBACK_HTTP": "1", "INNOKOP_DAILY_HOURS": "0",
                  "ALLOWED_HOSTS": "127.0.0.1,localhost"} | extra


def _innokop(env, *args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "innokop", *args], env=env, cwd=env["INNOKOP_VAR_DIR"],
                          capture_output=True, text=True, timeout=180, check=True, **kwargs)


@pytest.fixture(scope="module")
def migrated_b(tmp_path_factory):
    """Instance B's database migrated once for the module; each test starts from a copy of it."""
    template = tmp_path_factory.mktemp("b-template")
    _innokop(_instance_b_env(template.parent, INNOKOP_VAR_DIR=str(template)), "migrate", "-v0")
    return template / "innokop.sqlite3"


def _instance_b_dir(tmp_path, migrated_b):
    (tmp_path / "b").mkdir()
    for suffix in ("", "-wal"):  # a journal left behind holds part of the database
        if migrated_b.with_name(migrated_b.name + suffix).exists():
            shutil.copyfile(migrated_b.with_name(migrated_b.name + suffix), tmp_path / "b" / f"innokop.sqlite3{suffix}")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a loopback test server)
        return response.read()


@pytest.mark.django_db(transaction=True)
def test_two_instances_exchange_their_feeds_both_ways(live_server, tmp_path, migrated_b, agency, agency_procurer,
                                                      cpb_manager):
    # Instance A publishes a case.
    case = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=case)
    services.case_review(actor=cpb_manager, case=case, publish=True)

    # Instance B: its own database and key, a published case, and A's feed followed.
    _instance_b_dir(tmp_path, migrated_b)
    env = _instance_b_env(tmp_path, A_FEED=f"{live_server.url}/network/feed.json", A_KEY=signing.public_key_text())
    b_key = _innokop(env, "shell", "-c", SETUP_B).stdout.strip().splitlines()[-1]
    assert b_key != signing.public_key_text()
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "innokop", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              env=env, cwd=env["INNOKOP_VAR_DIR"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        b_url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                _get(f"{b_url}/network/feed.json")
                break
            except OSError:
                time.sleep(0.2)

        # A follows B and imports B's case.
        partner_b = OrganisationFactory(kind=OrganisationKind.PARTNER, name="Instance B", country="FI",
                                        org_number="")
        subscription = services.subscribe(actor=cpb_manager, partner=partner_b,
                                          feed_url=f"{b_url}/network/feed.json", public_key=b_key)
        assert services.import_feed(subscription)["added"] == 1
        assert NetworkItem.objects.get().content["title"] == {"sv": "B title sv", "en": "B title en"}

        # B imports A's case (its command, as the daily task does), and shows it from the network.
        assert "'added': 1" in _innokop(env, "network_import").stdout
        items = json.loads(_get(f"{b_url}/api/network/items"))
        assert [(item["kind"], item["remote_id"], item["partner"]) for item in items] == [
            ("case", f"case-{case.pk}", "Instance A")]
        assert items[0]["content"]["title"] == {"sv": "title sv", "en": "title en"}

        # A feed signed by B and checked with A's key is refused at A, and nothing changes.
        subscription.public_key = signing.public_key_text()
        subscription.save()
        with pytest.raises(services.FeedRefused):
            services.import_feed(subscription)
        assert NetworkItem.objects.count() == 1
    finally:
        server.terminate()
        server.wait(timeout=10)


SETUP_B_FOLLOWS_A = """
import os
from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from innokop.network import services
cpb = Organisation.objects.create(kind=OrganisationKind.CPB, name="Instance B CPB")
manager = User.objects.create_user("manager@b.example", "x", full_name="Manager B")
Membership.objects.create(user=manager, organisation=cpb, role=Role.FRAMEWORK_MANAGER)
partner = Organisation.objects.create(kind=OrganisationKind.PARTNER, name="Instance A", country="SE")
services.subscribe(actor=manager, partner=partner, feed_url=os.environ["A_FEED"], public_key=os.environ["A_KEY"])
"""
KEYS_AT_B = """
import json
from innokop.core.models import AuditEvent
from innokop.network.models import NetworkItem, PartnerKey
print(json.dumps({"keys": sorted(PartnerKey.objects.values_list("key_id", flat=True)),
                  "items": NetworkItem.objects.count(),
                  "audit": sorted(set(AuditEvent.objects.filter(verb__startswith="network.partner_key")
                                      .values_list("verb", flat=True)))}))
"""


@pytest.mark.django_db(transaction=True)
def test_instance_b_keeps_importing_when_instance_a_rotates_its_key(live_server, tmp_path, migrated_b, settings,
                                                                    agency, agency_procurer, cpb_manager):
    settings.INNOKOP_NETWORK_KEY_DIR = tmp_path / "a-keys"
    first = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=first)
    services.case_review(actor=cpb_manager, case=first, publish=True)
    _instance_b_dir(tmp_path, migrated_b)
    env = _instance_b_env(tmp_path, A_FEED=f"{live_server.url}/network/feed.json", A_KEY=signing.public_key_text())
    _innokop(env, "shell", "-c", SETUP_B_FOLLOWS_A)
    assert "'added': 1" in _innokop(env, "network_import").stdout

    def b_state() -> dict:
        return json.loads(_innokop(env, "shell", "-c", KEYS_AT_B).stdout.strip().splitlines()[-1])

    # A rotates: through the transition its feed is signed by both keys; B verifies it with the old key and
    # records the new one.
    new = services.signing_key_rotate(actor=cpb_manager)
    assert "'unchanged': 1" in _innokop(env, "network_import").stdout
    state = b_state()
    assert new.key_id in state["keys"] and state["audit"][0] == "network.partner_key_recorded"

    # A drops the old key: B imports what A publishes next, verified with the new key.
    services.signing_key_transition_end(actor=cpb_manager)
    second = services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    services.case_submit(actor=agency_procurer, case=second)
    services.case_review(actor=cpb_manager, case=second, publish=True)
    assert "'added': 1" in _innokop(env, "network_import").stdout
    assert b_state()["items"] == 2

    # A key B never saw in a transition (rotated and the previous dropped at once) is refused; nothing changes.
    services.signing_key_rotate(actor=cpb_manager)
    services.signing_key_transition_end(actor=cpb_manager)
    services.case_create(actor=agency_procurer, organisation=agency, fields=FIELDS)
    assert "signature is not the partner" in _innokop(env, "network_import").stdout
    assert b_state()["items"] == 2
