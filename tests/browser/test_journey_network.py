"""A framework manager of the purchasing body follows a partner body's feed by its address and public key,
imports it, and sees the partner's good-practice case "from the network", with its origin (issue 12)."""

import re
from datetime import datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.network import services, signing

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
