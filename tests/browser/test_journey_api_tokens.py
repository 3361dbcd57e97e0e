"""A buyer without two-factor authentication asks for an API token that may read and write and is refused, with
the way to set up two-factor; a token that only reads is created and shown once, listed with its organisation,
scope and dates, and works against the API."""

import re
from datetime import datetime, timezone

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from innokop.accounts.models import ApiToken, ApiTokenScope, OrganisationKind, Role
from innokop.core import formats

from ..factories import OrganisationFactory, member
from .helpers import log_in


def test_a_buyer_without_two_factor_gets_a_token_that_only_reads(page, checker, clock, browser, live_server,
                                                                   transactional_db):
    created = datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc)
    used = datetime(2027, 3, 15, 10, 30, tzinfo=timezone.utc)
    clock.set(created)
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Skolverket i Norr")
    member(agency, Role.PROCURER, email="pia@agency.example", full_name="Pia Upphandlare")
    with translation.override("sv"):
        read_only, never = str(ApiTokenScope.READ.label), translation.gettext("Never")
        used_text = formats.when(used)

    log_in(page, "pia@agency.example")
    page.locator(f"header a[href='{reverse('accounts:profile')}']").click()
    checker.accessible(page)
    page.locator(f"main a[href='{reverse('accounts:api_tokens')}']").click()
    expect(page).to_have_url(re.compile(r"/account/tokens/$"))
    tokens = page.locator("main table.govuk-table tbody tr")
    expect(tokens).to_have_count(1)  # the row saying there are none
    checker.accessible(page)

    page.fill("#id_name", "Vårt e-handelssystem")
    page.check(f"input[name=scope][value={ApiTokenScope.READ_WRITE}]")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator(f"main a[href='{reverse('accounts:two_factor_setup')}']")).to_be_visible()
    assert not ApiToken.objects.exists()
    checker.check(page, "api-tokens-two-factor-refused")

    page.check(f"input[name=scope][value={ApiTokenScope.READ}]")
    page.locator("main form button[type=submit]").last.click()
    raw = page.locator("#new-token").inner_text().strip()
    token = ApiToken.objects.get()
    assert raw.startswith(token.prefix) and token.scope == ApiTokenScope.READ and token.organisation == agency
    assert token.created_at == created  # the platform's clock
    with translation.override("sv"):
        created_text = formats.when(token.created_at)
    expect(tokens).to_have_count(1)
    row = tokens.first
    for text in ("Vårt e-handelssystem", token.prefix, "Skolverket i Norr", read_only, created_text, never):
        expect(row).to_contain_text(text)
    checker.check(page, "api-tokens")

    # The token works on its own, without the browser's session.
    clock.set(used)
    outside = browser.new_context(base_url=live_server.url)
    try:
        me = outside.request.get("/api/me", headers={"Authorization": f"Bearer {raw}"})
        assert me.status == 200 and me.json()["email"] == "pia@agency.example"
        anonymous = outside.request.get("/api/me")
        assert anonymous.status in (401, 403)
    finally:
        outside.close()

    page.goto("/account/tokens/")
    expect(page.locator("#new-token")).to_have_count(0)  # shown once only
    expect(tokens.first).to_contain_text(used_text)
    expect(tokens.first).not_to_contain_text(never)
    checker.accessible(page)
