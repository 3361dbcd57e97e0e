"""The dialogue of an open call-off, and a call-off in ranking order, in the browser.

The agency publishes an addendum and offers meeting times; a supplier books one and reads the
minutes. Then a call-off in ranking order is offered to the first-ranked supplier, who accepts.
Selectors use URLs and field names, not text, so the journeys hold in Swedish and English.
"""

import re
from dataclasses import asdict
from datetime import date
from decimal import Decimal

from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.calloffs import rules, services
from innokop.calloffs.models import CallOffStatus, DialogueSlot, OfferStatus, RankingOffer
from innokop.core.calendar import at_local, local_date

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..calloffs.conftest import prepare
from ..factories import OrganisationFactory, member
from .helpers import log_in

ADDENDUM = "Krav K2 gäller även säkerhetskopior."
MINUTES = "Vi gick igenom integrationen med ärendesystemet. Inga frågor kvarstår."


def _world():
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital samhällsservice")
    procurer = member(agency, Role.PROCURER, email="maria@mdss.example", full_name="Maria Upphandlare")
    agreement = AgreementFactory(owner=cpb, reference="IK-2026-001", title="Innovativa digitala tjänster",
                                 start_date=date(2027, 1, 1), end_date=date(2030, 12, 31), published_at=at_local(
                                     date(2027, 1, 1), 9))
    lot = LotFactory(agreement=agreement, number=1, title="AI och automatisering", min_tender_days=10)
    lot.criteria.create(name="Kvalitet", min_weight=20, max_weight=60)
    lot.criteria.create(name="Leveransförmåga", min_weight=10, max_weight=30)
    ranking = LotFactory(agreement=agreement, number=2, title="E-tjänster", call_off_method="ranking",
                         evaluation_models=[])
    agreement.requirements.create(identifier="B1", text="Tillgänglighet enligt WCAG 2.1 AA", kind="mandatory",
                                  category="accessibility", followup_method="audit", followup_frequency="once")
    for rank, (name, email) in enumerate([("Klartext AI AB", "sara@klartext.example"),
                                          ("Fjällvind Analys AB", "bo@fjallvind.example")], start=1):
        supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name)
        member(supplier, Role.SUPPLIER_REPRESENTATIVE, email=email)
        LotSupplierFactory(lot=lot, supplier=supplier)
        LotSupplierFactory(lot=ranking, supplier=supplier, rank=rank)
    return procurer, lot, ranking


def _switch(page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email)


def test_the_agency_clarifies_and_offers_meetings_and_a_supplier_books_and_reads_the_minutes(
        page, checker, clock, transactional_db):
    procurer, lot, _ranking = _world()
    calloff = services.calloff_start(actor=procurer, lot=lot, title="AI-stöd för handläggning",
                                     need="Handläggarna behöver stöd.", estimated_value=Decimal(3_500_000))
    calloff = services.calloff_publish(actor=procurer, calloff=prepare(procurer, calloff))
    detail = f"/call-offs/{calloff.pk}/"

    log_in(page, "maria@mdss.example")
    page.goto(detail)
    page.locator(f"a[href='{detail}clarifications/new/']").click()
    page.locator("input[name=kind][value=addendum]").check()
    page.fill("#id_title", "Tillägg 1")
    page.fill("#id_text", ADDENDUM)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{detail}#clarifications$"))
    expect(page.locator("#clarifications ~ .govuk-summary-card").first).to_contain_text(ADDENDUM)
    checker.check(page, "clarification")

    page.locator(f"a[href='{detail}meetings/offer/']").click()
    for row, (start, end) in enumerate([("10:00", "11:00"), ("11:00", "12:00"), ("13:00", "14:00")], start=1):
        page.fill(f"#id_day_{row}", "2027-03-16")
        page.fill(f"#id_starts_{row}", start)
        page.fill(f"#id_ends_{row}", end)
        page.fill(f"#id_place_{row}", f"Rum {row}, Storgatan 1")
    checker.check(page, "dialogue-slots")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{detail}#dialogue$"))
    expect(page.locator("#dialogue ~ table").first.locator("tbody tr")).to_have_count(3)

    _switch(page, "sara@klartext.example")
    page.goto(detail)
    expect(page.locator("main")).to_contain_text(ADDENDUM)
    first = DialogueSlot.objects.get(calloff=calloff, place="Rum 1, Storgatan 1")
    page.locator(f"form[action='{detail}meetings/{first.pk}/book/'] button").click()
    expect(page.locator(f"form[action='{detail}meetings/{first.pk}/cancel/']")).to_be_visible()
    first.refresh_from_db()
    assert first.supplier.name == "Klartext AI AB"

    clock.set(first.ends_at)
    _switch(page, "maria@mdss.example")
    page.goto(f"{detail}meetings/{first.pk}/minutes/")
    page.fill("#id_minutes", MINUTES)
    page.locator("main form button[value=share]").click()
    expect(page).to_have_url(re.compile(rf"{detail}#dialogue$"))

    _switch(page, "sara@klartext.example")
    page.goto(detail)
    expect(page.locator("#dialogue ~ .govuk-summary-card")).to_contain_text(MINUTES)
    checker.check(page, "dialogue-minutes")

    _switch(page, "bo@fjallvind.example")
    page.goto(detail)
    expect(page.locator("main")).not_to_contain_text(MINUTES)
    expect(page.locator("main")).not_to_contain_text("Rum 1, Storgatan 1")
    expect(page.locator(f"form[action='{detail}meetings/{first.pk}/book/']")).to_have_count(0)


def test_a_call_off_in_ranking_order_is_offered_and_accepted(page, checker, clock, transactional_db):
    procurer, _lot, ranking = _world()
    calloff = services.calloff_start(actor=procurer, lot=ranking, title="Ny e-tjänst för ansökningar",
                                     need="En e-tjänst för bidragsansökningar.", estimated_value=Decimal(400_000))
    timetable = asdict(rules.suggest_timetable(ranking, local_date(clock.now())))
    services.calloff_update_step(actor=procurer, calloff=calloff, step="timetable", data=timetable)
    detail = f"/call-offs/{calloff.pk}/"

    log_in(page, "maria@mdss.example")
    page.goto(f"{detail}check/")
    expect(page.locator("#id_answer_by")).to_have_value("2027-03-22T12:00")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{detail}offered/$"))
    expect(page.locator(".govuk-panel__body")).to_contain_text(calloff.reference)

    _switch(page, "sara@klartext.example")
    page.goto(detail)
    page.locator(f"a[href='{detail}offer/']").click()
    page.locator("input[name=answer][value=accept]").check()
    checker.check(page, "ranking-offer")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"{detail}$"))
    calloff.refresh_from_db()
    assert calloff.status == CallOffStatus.ACCEPTED
    assert RankingOffer.objects.get(calloff=calloff).status == OfferStatus.ACCEPTED

    _switch(page, "maria@mdss.example")
    page.goto(detail)
    expect(page.locator("#ranking ~ table").first).to_contain_text("Klartext AI AB")
