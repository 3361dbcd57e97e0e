"""The demo's call-offs in every state, seen by the agency and by a supplier; the procurement record; the CPB's summary.

The demo plays each call-off through the services with the clock moved, so these pages show real
sealed tenders, an opening record, an evaluation, a decision in its standstill and a signed contract.
"""

import re

from playwright.sync_api import expect

from innokop.calloffs.models import CallOff, RecordExport
from innokop.core import clock
from innokop.core.demo import DEMO_PASSWORD, load_demo
from tests.browser.helpers import log_in

STATES = ["open", "tendering", "awaiting_opening", "opened", "evaluated", "awarded", "contracted", "cancelled",
          "offered", "accepted"]


def test_every_demo_call_off_reads_well_for_the_agency_and_the_supplier(page, checker, migration_data):
    scenario = load_demo()
    log_in(page, "maria.upphandlare@mdss.example", DEMO_PASSWORD)
    for state in STATES:
        calloff = scenario.objects[f"calloff:{state}"]
        page.goto(f"/call-offs/{calloff.pk}/")
        expect(page.locator("h1")).to_have_text(calloff.title)
        checker.check(page, f"demo-agency-{state.replace('_', '-')}")

    page.goto(f"/call-offs/{scenario.objects['calloff:contracted'].pk}/")
    page.get_by_role("link", name=re.compile("Exportera upphandlingsdokumentationen|Export the procurement record")).click()
    expect(page).to_have_url(re.compile(r"/record/$"))
    checker.check(page, "record-export")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/record/\d+/$"))
    expect(page.locator(".govuk-panel__title")).to_be_visible()
    checker.check(page, "record-ready")
    with page.expect_download() as download:
        page.locator("a[download]").click()
    assert download.value.suggested_filename.endswith("-upphandlingsdokumentation.zip")

    running = RecordExport.objects.create(calloff=scenario.objects["calloff:awarded"],
                                          requested_by=scenario.objects["user:maria.upphandlare"],
                                          requested_at=clock.now(), progress=45, step="Anbud")
    page.goto(f"/call-offs/{running.calloff_id}/record/{running.pk}/")
    expect(page.locator("progress")).to_have_attribute("value", "45")
    checker.check(page, "record-progress")

    # A supplier that tendered reads its invitations: its booked meeting, its sealed tender, the decision.
    page.context.clear_cookies()
    log_in(page, "nils@klartext.example", DEMO_PASSWORD)
    for state in ("open", "tendering", "awarded", "contracted", "cancelled"):
        calloff = scenario.objects[f"calloff:{state}"]
        page.goto(f"/call-offs/{calloff.pk}/")
        expect(page.locator("h1")).to_have_text(calloff.title)
        checker.check(page, f"demo-supplier-{state.replace('_', '-')}")
    page.context.clear_cookies()
    log_in(page, "tiina@tillganglig.example", DEMO_PASSWORD)
    page.goto(f"/call-offs/{scenario.objects['calloff:accepted'].pk}/")
    checker.check(page, "demo-supplier-ranking-accepted")

    # The purchasing body's summary: no drafts, nothing about tenders.
    page.context.clear_cookies()
    log_in(page, "anna.ramstrom@inkopscentralen.example", DEMO_PASSWORD)
    agreement = scenario.objects["calloff:open"].lot.agreement
    page.goto(f"/agreements/{agreement.pk}/")
    page.get_by_role("link", name=re.compile("Avrop från avtalet|Call-offs from this agreement")).click()
    # every published call-off on the agreement, not the draft nor the one published later (the follow-up demo
    # plays more of them, for the contract register and for the dashboards' quarters)
    published = CallOff.objects.published(clock.now()).filter(lot__agreement=agreement).count()
    assert published >= 10
    expect(page.locator("tbody tr")).to_have_count(published)
    checker.check(page, "cpb-calloff-summary")
