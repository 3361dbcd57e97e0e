"""An organisation's admin registers a webhook to a receiver of its own, copies the secret, sends a test ping,
and follows the delivery log: a failed delivery is sent again from the log, its earlier attempt kept (issue 12)."""

import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.webhooks import signing

from ..factories import OrganisationFactory, member
from ..webhooks.conftest import receiver  # noqa: F401  (fixture)
from .helpers import log_in


def test_an_organisation_admin_registers_a_webhook_and_follows_its_deliveries(page, checker, clock, receiver,  # noqa: F811
                                                                              transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    company = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Sensorbolaget AB")
    member(company, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN, email="sara@sensor.example",
           full_name="Sara Säljare")

    log_in(page, "sara@sensor.example")
    page.goto("/organisation/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page).to_have_url(re.compile(r"/organisations/\d+/webhooks/$"))
    page.locator("#register").click()  # nothing filled in: the errors are shown
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    checker.check(page, "webhooks-register-errors")

    page.fill("#id_url", receiver.url)
    page.check("input[value='calloff.published']")
    page.check("input[value='calloff.award_decision_sent']")
    page.locator("#register").click()
    secret = page.locator("#new-secret").inner_text().strip()
    assert secret.startswith("whsec_")
    checker.check(page, "webhooks-secret")

    page.locator("#ping").click()
    expect(page.locator("#deliveries")).to_contain_text("HTTP 200")
    [ping] = receiver.received
    assert ping.json["event"] == "ping"
    assert signing.verify(secret, ping.headers["x-innokop-timestamp"], ping.body, ping.headers["x-innokop-signature"])
    expect(page.locator("#new-secret")).to_have_count(0)  # shown once
    checker.check(page, "webhooks-log")

    receiver.answers = [500]
    clock.set(datetime(2027, 3, 15, 9, 5, tzinfo=timezone.utc))
    page.locator("#ping").click()
    expect(page.locator("#deliveries tbody tr").first).to_contain_text("HTTP 500")
    page.locator("#resend-1").click()
    expect(page.locator("#deliveries tbody tr").first).to_contain_text("HTTP 200")
    assert len(receiver.received) == 3
    attempts = page.locator("#attempts-1")  # the failed attempt stays in the log after "send again"
    attempts.locator("summary").click()
    expect(attempts.locator("li")).to_have_count(2)
    expect(attempts.locator("li").first).to_contain_text("HTTP 500")
    expect(attempts.locator("li").last).to_contain_text("HTTP 200")
    checker.check(page, "webhooks-attempts")

    page.locator("#back-to-webhooks").click()
    expect(page.locator("#webhook-list")).to_contain_text(receiver.url)
    checker.check(page, "webhooks-list")
