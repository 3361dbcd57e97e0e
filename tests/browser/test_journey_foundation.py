"""A person logs in, switches language and opens their overview; every page passes axe-core."""

import re

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role

from ..conftest import PASSWORD
from ..factories import OrganisationFactory, member


def test_log_in_switch_language_and_open_the_dashboard(page, checker, transactional_db):
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital samhällsservice")
    member(agency, Role.PROCURER, Role.ORGANISATION_ADMIN, email="maria@mdss.example", full_name="Maria Upphandlare")

    page.goto("/")
    expect(page.locator("h1")).to_contain_text("Köp nya lösningar")
    checker.check(page, "start")

    page.get_by_role("link", name="Logga in", exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("E-postadress").fill("maria@mdss.example")
    page.get_by_label("Lösenord").fill("fel lösenord")
    page.get_by_role("button", name="Logga in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    checker.check(page, "login-error")

    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    expect(page.locator("h1")).to_have_text("Min översikt")
    expect(page.locator("main")).to_contain_text("Myndigheten för digital samhällsservice")
    checker.check(page, "dashboard")

    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("My overview")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    checker.check(page, "dashboard-en")

    page.get_by_role("button", name="Svenska").click()
    expect(page.locator("h1")).to_have_text("Min översikt")
