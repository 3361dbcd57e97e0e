import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from innokop.core.models import AuditEvent

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_buyers_must_set_up_two_factor_when_required(client, agency_procurer, settings):
    settings.INNOKOP_REQUIRE_2FA = True
    client.post(reverse("accounts:login"), {"username": agency_procurer.email, "password": PASSWORD})
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:two_factor_setup"))
    setup = client.get(response["Location"])
    assert setup.status_code == 200 and "<svg" in setup.content.decode()
    device = TOTPDevice.objects.get(user=agency_procurer, confirmed=False)
    wrong = client.post(reverse("accounts:two_factor_setup"), {"token": "000000" if _code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # repeated guesses are slowed down
    device.throttle_reset()
    done = client.post(reverse("accounts:two_factor_setup") + "?next=/inbox/", {"token": _code(device)})
    assert done.status_code == 302 and done["Location"] == "/inbox/"
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert AuditEvent.objects.filter(verb="user.two_factor_enabled").exists()


def test_suppliers_are_not_forced_but_may_opt_in(client, supplier, settings):
    settings.INNOKOP_REQUIRE_2FA = True
    client.post(reverse("accounts:login"), {"username": supplier.email, "password": PASSWORD})
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_the_demo_setting_does_not_require_it(login, agency_procurer, settings):
    settings.INNOKOP_REQUIRE_2FA = False
    assert login(agency_procurer).get(reverse("core:dashboard")).status_code == 200


def test_a_user_with_a_device_must_enter_a_code_after_the_password(client, supplier):
    device = TOTPDevice.objects.create(user=supplier, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": supplier.email, "password": PASSWORD})
    response = client.get(reverse("core:dashboard"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    bad = client.post(reverse("accounts:two_factor_verify"), {"token": "12"})
    assert bad.status_code == 200
    device.refresh_from_db()
    device.throttle_reset()
    good = client.post(reverse("accounts:two_factor_verify") + "?next=https://evil.example/", {"token": _code(device)})
    assert good["Location"] == reverse("core:dashboard")  # never redirected off-site
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_a_session_without_the_second_factor_gets_no_api(client, supplier):
    TOTPDevice.objects.create(user=supplier, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": supplier.email, "password": PASSWORD})
    response = client.get("/api/me")
    assert response.status_code == 403 and response.json()["code"] == "two_factor_required"
