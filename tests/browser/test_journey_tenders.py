"""Two suppliers build and submit tenders (one replaces its own); the agency sees only that tenders are sealed."""

import re
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs import services
from innokop.calloffs.models import TenderSubmission
from innokop.calloffs.services import tenders

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..calloffs.conftest import prepare, start
from ..factories import OrganisationFactory, member
from .helpers import log_in


def _world():
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital samhällsservice")
    procurer = member(agency, Role.PROCURER, email="maria@mdss.example", full_name="Maria Upphandlare")
    agreement = AgreementFactory(owner=cpb, reference="IK-2026-001", title="Innovativa digitala tjänster",
                                 start_date=date.today() - timedelta(days=30),
                                 end_date=date.today() + timedelta(days=1000), published_at=timezone.now())
    lot = LotFactory(agreement=agreement, number=1, title="AI och automatisering", min_tender_days=15)
    lot.criteria.create(name="Kvalitet och innovationshöjd", min_weight=20, max_weight=50)
    lot.price_rows.create(label="Konsulttimme", unit="timme", ceiling_price=Decimal(1200))
    agreement.requirements.create(identifier="B1", text="Tillgänglighet enligt WCAG 2.1 AA", kind="mandatory",
                                  category="accessibility", followup_method="audit", followup_frequency="once")
    agreement.requirements.create(identifier="B2", text="Förklarbara beslut", kind="evaluated",
                                  category="other", followup_method="audit", followup_frequency="once")
    for name, email in (("Klartext AI AB", "sara@klartext.example"), ("Fjällvind Analys AB", "bo@fjallvind.example")):
        supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name)
        member(supplier, Role.SUPPLIER_REPRESENTATIVE, email=email)
        LotSupplierFactory(lot=lot, supplier=supplier)
    calloff = prepare(procurer, start(procurer, lot, title="AI-stöd för handläggning"))
    return services.calloff_publish(actor=procurer, calloff=calloff)


def _log_out(page) -> None:
    page.locator("header form[action='/logout/'] button").click()


def _build_tender(page, calloff, *, total: str, hourly: str, answer: str) -> None:
    page.goto(f"/call-offs/{calloff.pk}/")
    page.locator("#tender").scroll_into_view_if_needed()
    page.locator(f"a[href='/call-offs/{calloff.pk}/tender/']").click()
    expect(page).to_have_url(re.compile(r"/tender/$"))
    for requirement in calloff.requirements.all():
        page.check(f"#id_meets_{requirement.pk}_0")
        page.fill(f"#id_evidence_{requirement.pk}", f"Se bilaga om {requirement.identifier}.")
    for criterion in calloff.criteria.all():
        page.fill(f"#id_criterion_{criterion.pk}", answer)
    page.fill("#id_total_price", total)
    page.fill(f"#id_price_{calloff.lot.price_rows.get().pk}", hourly)
    page.locator("#id_total_price").blur()
    # With JavaScript the draft saves itself as the supplier works (HTMX posts the form in the background).
    expect(page.locator("#draft-status")).to_contain_text(re.compile(r"\d\d:\d\d"))


def _check_and_submit(page, calloff) -> str:
    page.locator("button[name=action][value=check]").click()
    expect(page).to_have_url(re.compile(r"/tender/check/$"))
    sha256 = page.locator("input[name=expected_sha256]").get_attribute("value")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/tender/receipts/\d+/$"))
    expect(page.locator("#receipt-sha256")).to_have_text(sha256)
    return sha256


def test_two_suppliers_submit_and_one_replaces_its_tender(page, checker, transactional_db):
    calloff = _world()

    log_in(page, "sara@klartext.example")
    _build_tender(page, calloff, total="950 000", hourly="1 100", answer="Vi förklarar varje beslut i klartext.")
    checker.check(page, "tender-form")
    first = _check_and_submit(page, calloff)
    expect(page.locator(".govuk-panel__title")).to_contain_text("1")
    checker.check(page, "tender-receipt")

    # Replace it before the deadline: the same form, a lower price, a new receipt no. 2.
    _build_tender(page, calloff, total="900 000", hourly="1 050", answer="Vi förklarar varje beslut i klartext.")
    replacement = _check_and_submit(page, calloff)
    expect(page.locator(".govuk-panel__title")).to_contain_text("2")
    assert replacement != first
    _log_out(page)

    log_in(page, "bo@fjallvind.example")
    page.goto(f"/call-offs/{calloff.pk}/")
    expect(page.locator("#tender")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Klartext AI AB")  # never another supplier's tender
    _build_tender(page, calloff, total="870 000", hourly="1 190", answer="Vår modell är granskad av en tredje part.")
    _check_and_submit(page, calloff)
    _log_out(page)

    current = {s.tender.supplier.name: s for s in TenderSubmission.objects.select_related("tender__supplier")
               if s.is_current}
    assert set(current) == {"Klartext AI AB", "Fjällvind Analys AB"}
    assert current["Klartext AI AB"].number == 2 and current["Klartext AI AB"].sha256 == replacement
    assert tenders.current_submission(current["Fjällvind Analys AB"].tender).number == 1

    log_in(page, "maria@mdss.example")
    page.goto(f"/call-offs/{calloff.pk}/")
    sealed = page.locator("#tenders + .govuk-inset-text")
    expect(sealed).to_be_visible()
    for name in ("Klartext AI AB", "Fjällvind Analys AB"):  # invited, so listed as such, but not as bidders
        expect(sealed).not_to_contain_text(name)
    expect(page.locator("main")).not_to_contain_text(replacement)
    checker.check(page, "agency-sealed")
