"""A framework manager of the purchasing body follows a partner body's feed by its address and public key,
imports it, and sees the partner's good-practice case "from the network", with its origin (issue 12); and
rotates the feed's signing key, after which the feed is signed by both keys through the transition."""

import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.network import services, signing
from innokop.network.models import SigningKey

from ..factories import OrganisationFactory, member
from .helpers import log_in

PARTS = {"title": ("Smarta sensorer i skolor", "Smart sensors in schools"),
         "need": ("Skolorna behövde bättre inomhusluft.", "The schools needed better indoor air."),
         "route": ("Förstudie, tidig dialog och avrop.", "Pre-study, market dialogue and a call-off."),
         "solution": ("Sensorer som styr ventilationen.", "Sensors that steer the ventilation."),
         "results": ("Koldioxidhalten sjönk med en tredjedel.", "Carbon dioxide fell by a third."),
         "lessons": ("Involvera fastighetsägaren tidigt.", "Involve the property owner early.")}


def test_a_purchasing_body_follows_a_partner_feed_and_sees_its_cases(page, checker, clock, live_server,
                                                                     transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    reviewer = member(cpb, Role.FRAMEWORK_MANAGER, email="rolf@cpb.example", full_name="Rolf Granskare")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Skolverket i Norr")
    author = member(agency, Role.PROCURER, email="pia@agency.example", full_name="Pia Upphandlare")
    OrganisationFactory(kind=OrganisationKind.PARTNER, name="Hankinta-akatemia", country="FI", org_number="")
    fields = {f"{part}_{language}": text for part, texts in PARTS.items()
              for language, text in zip(("sv", "en"), texts, strict=True)}
    # The live server stands for the partner's instance: its published case is what its feed carries.
    case = services.case_create(actor=author, organisation=agency, fields=fields)
    services.case_submit(actor=author, case=case)
    services.case_review(actor=reviewer, case=case, publish=True)

    page.goto("/network/")
    expect(page.locator("#network-none")).to_be_visible()
    checker.check(page, "network-home")
    public_key = page.locator("#public-key").inner_text()
    assert public_key == signing.public_key_text()

    log_in(page, "anna@cpb.example")
    page.goto("/network/")
    page.locator("#subscriptions").click()
    expect(page.locator("#subscriptions-none")).to_be_visible()
    page.locator("#subscribe").click()  # nothing filled in: the errors are shown
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    checker.check(page, "network-subscribe-errors")
    page.fill("#id_feed_url", f"{live_server.url}/network/feed.json")
    page.fill("#id_public_key", public_key)
    page.locator("#subscribe").click()
    expect(page.locator("#subscription-list")).to_contain_text("Hankinta-akatemia (FI)")
    page.locator("#subscription-list button[id^=import-]").click()
    expect(page.locator(".govuk-notification-banner--success, .govuk-notification-banner")).to_contain_text("1")
    checker.check(page, "network-subscriptions")

    page.goto("/network/")
    expect(page.locator("#network-items")).to_contain_text("Smarta sensorer i skolor")
    expect(page.locator("#network-items")).to_contain_text("Hankinta-akatemia (FI)")
    page.locator("#network-items a").first.click()
    expect(page).to_have_url(re.compile(r"/network/items/\d+/$"))
    expect(page.locator("#item-origin")).to_contain_text("Hankinta-akatemia")
    expect(page.locator("main")).to_contain_text("Involvera fastighetsägaren tidigt.")
    expect(page.locator("main form")).to_have_count(0)  # nothing to change here
    checker.check(page, "network-imported-case")


def test_a_framework_manager_rotates_the_feed_key_and_the_feed_is_signed_by_both(page, checker, clock, settings,
                                                                                  tmp_path, transactional_db):
    settings.INNOKOP_NETWORK_KEY_DIR = tmp_path / "keys"  # the new private key goes here, not in a shared directory
    settings.INNOKOP_NETWORK_KEY_TRANSITION_DAYS = 30
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    old_key = signing.public_key_text()
    old_id = signing.key_id(old_key)

    log_in(page, "anna@cpb.example")
    page.goto("/network/")
    checker.accessible(page)
    page.locator("#signing-keys").click()
    expect(page).to_have_url(re.compile(r"/network/keys/$"))
    expect(page.locator("#signing-key-list tbody tr")).to_have_count(1)
    expect(page.locator("#signing-key-list")).to_contain_text(old_id)
    expect(page.locator("#key-transition-end")).to_have_count(0)  # one key: no transition to end
    checker.accessible(page)

    page.locator("#key-rotate").click()
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    new = SigningKey.objects.get(valid_from__isnull=False)
    assert new.key_id != old_id and (settings.INNOKOP_NETWORK_KEY_DIR / new.key_id).exists()
    rows = page.locator("#signing-key-list tbody tr")
    expect(rows).to_have_count(2)
    new_row = rows.filter(has_text=new.key_id)
    expect(new_row).to_contain_text(new.public_key)
    old_row = rows.filter(has_text=old_id)
    expect(old_row).to_contain_text("14 april 2027")  # the transition ends 30 days from now
    for row in (new_row, old_row):
        expect(row.locator(".govuk-tag--green")).to_be_visible()  # both sign the feed
    expect(page.locator("#key-transition-end")).to_be_visible()
    checker.check(page, "network-keys")

    response = page.request.get("/network/feed.json")
    assert response.ok
    document = response.json()
    assert document["key_id"] == new.key_id
    signatures = {s["key_id"]: s["value"] for s in document["signatures"]}
    assert list(signatures) == [new.key_id, old_id]
    assert signing.verify(document["payload"], signatures[new.key_id], new.public_key)
    assert signing.verify(document["payload"], signatures[old_id], old_key)
