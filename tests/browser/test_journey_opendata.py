"""Open data: a visitor finds the open-data page and the publication policy from the footer and opens an OCDS
endpoint; the purchasing body's framework manager rebuilds the bulk download and sees it ready."""

import json
import re
from datetime import date, datetime, timezone

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..conftest import PASSWORD
from ..factories import OrganisationFactory, member


def test_a_visitor_reads_the_policy_and_the_data_and_the_purchasing_body_rebuilds_the_bulk_file(
        page, checker, clock, transactional_db):
    clock.set(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Norrsken Sensorteknik AB")
    agreement = AgreementFactory(owner=cpb, created_by=manager, reference="IK-2027-001", title="Smart avfallshantering",
                                 start_date=date(2027, 1, 1), end_date=date(2030, 12, 31),
                                 published_at=datetime(2026, 12, 1, tzinfo=timezone.utc))
    LotSupplierFactory(lot=LotFactory(agreement=agreement, number=1, title="Sensorer"), supplier=supplier)

    page.goto("/")
    page.locator("footer a[href='/open-data/']").click()
    expect(page).to_have_url(re.compile(r"/open-data/$"))
    expect(page.locator("#bulk-none")).to_be_visible()
    checker.check(page, "opendata-home")
    page.locator("main a[href='/open-data/publication-policy/']").click()
    expect(page).to_have_url(re.compile(r"/open-data/publication-policy/$"))
    expect(page.locator("main #held-back")).to_be_visible()
    expect(page.locator("main table caption")).to_be_visible()
    checker.check(page, "opendata-policy")
    page.goto("/open-data/")
    page.locator("#ocds-releases").click()
    package = json.loads(page.locator("body").inner_text())
    assert package["publicationPolicy"].endswith("/open-data/publication-policy/")
    assert {r["id"] for r in package["releases"]} == {"ocds-xxxxxx-IK-2027-001-tender",
                                                      "ocds-xxxxxx-IK-2027-001-award"}

    page.goto("/login/")
    page.fill("#id_username", "anna@cpb.example")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))
    page.goto("/open-data/")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/open-data/bulk/\d+/$"))
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    checker.check(page, "opendata-bulk-ready")
    page.goto("/open-data/")
    expect(page.locator("#bulk-latest")).to_contain_text("2")
    expect(page.locator("main a[href$='/download/']")).to_be_visible()
