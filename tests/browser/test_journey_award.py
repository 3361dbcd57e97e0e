"""Two people of the agency open the tenders, the team evaluates and sends the award decision; a supplier reads it."""

import re
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.agreements.models import Commitment
from innokop.calloffs import services
from innokop.calloffs.models import CallOffStatus, Contract
from innokop.core.calendar import STOCKHOLM

from ..agreements.factories import AgreementFactory, LotFactory, LotSupplierFactory
from ..calloffs.award_helpers import AFTER_DEADLINE, PUBLISHED_AT, content_for, submit
from ..calloffs.conftest import prepare, start
from ..factories import OrganisationFactory, member
from .helpers import log_in

pytestmark = pytest.mark.browser


def _world():
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    agency = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för digital samhällsservice")
    maria = member(agency, Role.PROCURER, email="maria@mdss.example", full_name="Maria Upphandlare")
    johan = member(agency, Role.BUSINESS_DEVELOPER, email="johan@mdss.example", full_name="Johan Verksamhetsutvecklare")
    agreement = AgreementFactory(owner=cpb, reference="IK-2026-001", title="Innovativa digitala tjänster",
                                 start_date=date(2027, 1, 1), end_date=date(2030, 12, 31),
                                 published_at=timezone.now())
    lot = LotFactory(agreement=agreement, number=1, title="AI och automatisering", min_tender_days=10)
    lot.criteria.create(name="Kvalitet och innovationshöjd", min_weight=20, max_weight=60)
    agreement.requirements.create(identifier="B1", text="Tillgänglighet enligt WCAG 2.1 AA", kind="mandatory",
                                  category="accessibility", followup_method="audit", followup_frequency="once")
    suppliers = []
    for name, email in (("Klartext AI AB", "klara@klartext.example"), ("Fjällvind Analys AB", "fia@fjallvind.example")):
        supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name)
        suppliers.append((supplier, member(supplier, Role.SUPPLIER_REPRESENTATIVE, email=email, full_name=name)))
        LotSupplierFactory(lot=lot, supplier=supplier)
    return lot, maria, johan, suppliers


def _published(lot, maria, johan, clock):
    clock.set(PUBLISHED_AT)
    calloff = prepare(maria, start(maria, lot, title="AI-stöd för handläggning"))
    calloff = services.calloff_publish(actor=maria, calloff=calloff)
    services.calloff_team_add(actor=maria, calloff=calloff, user=johan)
    return calloff


def _as(page, email: str) -> None:
    page.context.clear_cookies()
    log_in(page, email)


def _score(page, criterion_pk: int, score: int, reason: str) -> None:
    page.locator(f"label[for=id_score_{criterion_pk}_{score}]").click()
    page.fill(f"#id_reason_{criterion_pk}", reason)


def test_the_agency_opens_evaluates_and_sends_the_decision_and_a_supplier_reads_it(page, checker, clock,
                                                                                  transactional_db):
    lot, maria, johan, [(klartext, klara), (fjallvind, fia)] = _world()
    calloff = _published(lot, maria, johan, clock)
    a = submit(calloff, klartext, klara, content_for(calloff, price=1_000_000, answers={
        "Kvalitet och innovationshöjd": "Vår lösning föreslår beslutsunderlag med förklaringar."}))
    b = submit(calloff, fjallvind, fia, content_for(calloff, price=800_000, answers={
        "Kvalitet och innovationshöjd": "Ett beprövat verktyg för sortering."}))
    criterion = calloff.criteria.get()
    clock.set(AFTER_DEADLINE)

    # Maria starts the opening; Johan confirms it.
    _as(page, "maria@mdss.example")
    page.goto(f"/call-offs/{calloff.pk}/")
    page.locator("#award a[href$='/opening/'], a[href$='/opening/']").first.click()
    page.locator("main form[action$='/opening/start/'] button").click()
    expect(page.locator("main")).to_contain_text("Maria Upphandlare")
    _as(page, "johan@mdss.example")
    page.goto(f"/call-offs/{calloff.pk}/opening/")
    page.locator("main form[action$='/opening/confirm/'] button").click()
    expect(page.locator("main table")).to_contain_text("Klartext AI AB")
    expect(page.locator("main table")).to_contain_text(b.submissions.get().sha256)
    checker.check(page, "opening-record")

    # Qualify both tenders.
    for tender in (a, b):
        page.goto(f"/call-offs/{calloff.pk}/opened/{tender.pk}/")
        if tender == a:
            expect(page.locator("main")).to_contain_text("Vår lösning föreslår beslutsunderlag")
            checker.check(page, "opened-tender")
        page.locator(f"main form[action$='/opened/{tender.pk}/qualify/'] button").click()
        expect(page).to_have_url(re.compile(r"/evaluate/$"))

    # Johan declares no conflict of interest and scores; Maria declares and scores too.
    for email, scores in (("johan@mdss.example", (3, 2)), ("maria@mdss.example", (4, 2))):
        _as(page, email)
        page.goto(f"/call-offs/{calloff.pk}/evaluate/scores/{a.pk}/")
        expect(page).to_have_url(re.compile(r"/evaluate/declaration/$"))
        if email.startswith("johan"):
            checker.check(page, "evaluation-declaration")
        page.locator("label[for=id_confirm]").click()
        page.locator("main form button[type=submit]").click()
        for tender, score in zip((a, b), scores, strict=True):
            page.goto(f"/call-offs/{calloff.pk}/evaluate/scores/{tender.pk}/")
            _score(page, criterion.pk, score, "Bedömt mot kriteriets beskrivning.")
            if tender == a and email.startswith("maria"):
                checker.check(page, "evaluation-scoring")
            page.locator("main form button[type=submit]").click()
            expect(page).to_have_url(re.compile(r"/evaluate/$"))

    # The consensus, with both evaluators' scores side by side.
    for tender, score in ((a, 3), (b, 2)):
        page.goto(f"/call-offs/{calloff.pk}/evaluate/consensus/{tender.pk}/")
        expect(page.locator("main")).to_contain_text("Johan Verksamhetsutvecklare")
        _score(page, criterion.pk, score, "Vi enades efter genomgång.")
        if tender == a:
            checker.check(page, "evaluation-consensus")
        page.locator("main form button[type=submit]").click()
        expect(page).to_have_url(re.compile(r"/evaluate/$"))

    # The ranking (price 60 %, quality 40 %): Fjällvind 60 + 16 = 76, Klartext 48 + 24 = 72.
    page.goto(f"/call-offs/{calloff.pk}/evaluate/ranking/")
    expect(page.locator("main table")).to_contain_text("76")
    expect(page.locator("main table tbody tr").first).to_contain_text("Fjällvind Analys AB")
    checker.check(page, "evaluation-ranking")
    page.goto(f"/call-offs/{calloff.pk}/evaluate/sensitivity/")
    expect(page.locator("#sensitivity-sentence")).to_be_visible()
    checker.check(page, "evaluation-sensitivity")
    page.goto(f"/call-offs/{calloff.pk}/evaluate/ranking/")
    page.locator("main form button[type=submit]").click()

    # The decision: prefilled, checked, sent.
    expect(page).to_have_url(re.compile(r"/decision/prepare/$"))
    expect(page.locator("#id_reasons")).to_contain_text("Fjällvind Analys AB")
    page.locator("main form button[value=preview]").click()
    expect(page.locator("main form button[value=send]")).to_be_visible()
    checker.check(page, "award-decision-check")
    page.locator("main form button[value=send]").click()
    expect(page).to_have_url(re.compile(rf"/call-offs/{calloff.pk}/decision/$"))
    expect(page.locator("main")).to_contain_text("Fjällvind Analys AB")
    checker.check(page, "award-decision")
    calloff.refresh_from_db()
    assert calloff.status == CallOffStatus.AWARDED
    assert calloff.decision.standstill_ends == date(2027, 3, 19)  # sent Tuesday 9 March; day 10 is Friday 19 March

    # A supplier that lost reads the decision from its call-off page.
    _as(page, "klara@klartext.example")
    page.goto(f"/call-offs/{calloff.pk}/")
    page.locator(f"a[href='/call-offs/{calloff.pk}/decision/']").click()
    expect(page.locator("main")).to_contain_text("Fjällvind Analys AB")
    expect(page.locator("main")).to_contain_text("72")
    checker.check(page, "supplier-decision")

    # During the standstill the sign button is disabled; after it Maria signs the contract. Earlier call-offs
    # have used 82 % of the agreement's maximum value, so the page warns and says what remains.
    Commitment.objects.create(agreement=calloff.lot.agreement, amount=8_200_000, source="earlier-calloffs",
                              label="Tidigare avrop", buyer=calloff.agency, created_at=PUBLISHED_AT)
    _as(page, "maria@mdss.example")
    page.goto(f"/call-offs/{calloff.pk}/contract/sign/")
    expect(page.locator(".ik-consumption")).to_contain_text("82 % av det högsta värdet är använt")
    expect(page.locator("main form button[type=submit]")).to_be_disabled()
    expect(page.locator("#signing-locked")).to_contain_text("20")
    checker.check(page, "contract-locked")
    clock.set(datetime(2027, 3, 20, 0, 0, tzinfo=STOCKHOLM) + timedelta(hours=9))
    page.goto(f"/call-offs/{calloff.pk}/contract/sign/")
    expect(page.locator("main form button[type=submit]")).to_be_enabled()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/contract/$"))
    expect(page.locator("main")).to_contain_text("Tillgänglighet enligt WCAG 2.1 AA")
    checker.check(page, "contract")
    contract = Contract.objects.get()
    assert contract.supplier == fjallvind and list(contract.requirements.values_list("identifier", flat=True)) == ["B1"]
