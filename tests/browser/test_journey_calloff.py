"""An agency procurer publishes a renewed competition with dialogue in four pages."""

import re
from datetime import date, timedelta

from django.utils import timezone
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs.models import CallOff

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..factories import OrganisationFactory, member
from .helpers import log_in


def _world():
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital samhällsservice")
    member(agency, Role.PROCURER, email="maria@mdss.example", full_name="Maria Upphandlare")
    agreement = AgreementFactory(owner=cpb, reference="IK-2026-001", title="Innovativa digitala tjänster",
                                 start_date=date.today() - timedelta(days=30), end_date=date.today() + timedelta(days=1000),
                                 published_at=timezone.now())
    lot = LotFactory(agreement=agreement, number=1, title="AI och automatisering", min_tender_days=15)
    lot.criteria.create(name="Kvalitet och innovationshöjd", min_weight=20, max_weight=50)
    lot.criteria.create(name="Leveransförmåga och support", min_weight=10, max_weight=30)
    agreement.requirements.create(identifier="B1", text="Tillgänglighet enligt WCAG 2.1 AA", kind="mandatory",
                                  category="accessibility", followup_method="audit", followup_frequency="once")
    for name in ("Klartext AI AB", "Fjällvind Analys AB"):
        supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name)
        member(supplier, Role.SUPPLIER_REPRESENTATIVE)
        LotSupplierFactory(lot=lot, supplier=supplier)
    return lot


def test_an_agency_procurer_publishes_a_renewed_competition_in_four_pages(page, checker, transactional_db):
    lot = _world()
    log_in(page, "maria@mdss.example")
    page.goto(f"/lots/{lot.pk}/call-off/")
    pages = 1
    page.fill("#id_title", "AI-stöd för handläggning")
    page.fill("#id_need", "Handläggarna behöver stöd att sortera inkomna ansökningar.")
    page.fill("#id_estimated_value", "3500000")
    checker.check(page, "calloff-need")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/evaluation/$"))
    pages += 1
    expect(page.locator("input[name=evaluation_model][value=price_quality]")).to_be_checked()
    checker.check(page, "calloff-evaluation")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/timetable/$"))
    pages += 1
    checker.check(page, "calloff-timetable")
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/check/$"))
    pages += 1
    expect(page.locator(".ik-timeline li")).to_have_count(8)  # with the standstill end of the planned decision
    expect(page.locator("main")).to_contain_text("Klartext AI AB")
    checker.check(page, "calloff-check")
    page.locator("main form button[type=submit]").click()

    expect(page.locator(".govuk-panel__title")).to_be_visible()
    calloff = CallOff.objects.get()
    expect(page.locator(".govuk-panel__body")).to_contain_text(calloff.reference)
    checker.check(page, "calloff-published")
    assert pages <= 4
    assert calloff.invitations.count() == 2

    page.goto(f"/call-offs/{calloff.pk}/")
    expect(page.locator("main")).to_contain_text("Fjällvind Analys AB")
    checker.check(page, "calloff-detail")
