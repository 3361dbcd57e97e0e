"""The purchasing body reads a need's matches and the pre-study dashboard, fills in the checklist, concludes,
writes and downloads the report (the DOCX is opened and its headings checked) and starts the procurement: the
draft framework agreement is prefilled from the pre-study."""

import io
import re
from datetime import date, datetime, timezone
from decimal import Decimal

from django.utils import translation
from docx import Document as Docx
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.catalogue import services as catalogue
from innokop.prestudy import report, services
from innokop.prestudy.models import PreStudy, PreStudyStatus
from innokop.reference.models import CpvCode, NutsRegion

from ..factories import OrganisationFactory, member
from .helpers import log_in


def _solution(manager, name, title, summary, cpv, trl, sme, regions=()):
    org = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name, is_sme=sme)
    user = member(org, Role.SUPPLIER_REPRESENTATIVE)
    solution = catalogue.solution_create(
        actor=user, supplier=org, title=title, summary=summary, problem="<p>Problem.</p>",
        how_it_works="<p>Så här.</p>", effects="<p>Effekt.</p>", pricing_model="subscription",
        data_location="sweden", cpv_codes=list(cpv), trl=trl, regions=list(regions), nationwide=not regions)
    catalogue.solution_submit(actor=user, solution=solution)
    return catalogue.solution_publish(actor=manager, solution=solution)


def _world():
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    sjostad = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Sjöstads kommun")
    bergvik = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Bergviks kommun")
    lina = member(sjostad, Role.BUSINESS_DEVELOPER, email="lina@sjostad.example", full_name="Lina Verksamhet")
    amira = member(bergvik, Role.PROCURER, email="amira@bergvik.example", full_name="Amira Inköpare")
    _solution(manager, "Norrsken Sensorteknik AB", "Fyllnadssensorer",
              "Sensorer mäter fyllnadsgrad så att tömning sker efter behov.", ["90500000"], 8, True, ["SE232"])
    _solution(manager, "Ruttia AB", "Ruttplanering för sophämtning", "Planerar hämtningen av avfall.",
              ["90511000"], 6, False)
    prestudy = services.prestudy_create(actor=manager, owner=cpb, given=services.PreStudyInput(
        title="Smart avfallshantering", area="Tömning efter behov och mindre avfall i kommunerna.",
        questions="Vilka behov finns?\nVilka lösningar finns?", starts_on=date(2027, 3, 1),
        needs_until=date(2027, 5, 31), concludes_on=date(2027, 9, 30),
        cpv_codes=list(CpvCode.objects.filter(code="90500000")), team=[manager]))
    need = services.need_create(actor=lina, agency=sjostad, given=services.NeedInput(
        title="Färre överfulla återvinningsstationer",
        problem="Kärlen blir överfulla under helger och skräp hamnar utanför.",
        current_situation="Tömning varannan vecka oavsett fyllnadsgrad.",
        desired_effects="Inga överfulla kärl.\nFärre onödiga tömningar.",
        effect_measures="Andel överfulla kärl vid stickprov; tömningar per månad.",
        affected="Invånare och renhållningsarbetare.", volume=420, volume_unit="kärl", budget=Decimal(1_400_000),
        needed_year=2028, needed_quarter=2, cpv_codes=list(CpvCode.objects.filter(code="90500000")),
        region=NutsRegion.objects.get(code="SE232"), urgency="medium", is_public=True))
    services.need_join(actor=amira, need=need, agency=bergvik, volume=180, needed_year=2028)
    services.need_link(actor=manager, need=need, prestudy=prestudy)
    for status in (PreStudyStatus.COLLECTING, PreStudyStatus.ANALYSING):
        services.prestudy_advance(actor=manager, prestudy=prestudy, to_status=status)
    return prestudy, need


def test_the_purchasing_body_reads_the_matches_concludes_writes_the_report_and_starts_the_procurement(
        page, checker, clock, transactional_db):
    clock.set(datetime(2027, 9, 1, 9, 0, tzinfo=timezone.utc))
    prestudy, need = _world()

    log_in(page, "anna@cpb.example")
    page.goto(f"/needs/{need.pk}/")
    expect(page.locator("#matching-solutions tbody tr").first).to_contain_text("Fyllnadssensorer")
    expect(page.locator("#matching-solutions")).to_contain_text("90500000")
    checker.check(page, "prestudy-need-matches")

    page.goto(f"/prestudies/{prestudy.pk}/")
    page.locator(f"a[href='/prestudies/{prestudy.pk}/dashboard/']").click()
    expect(page.locator("figure svg")).to_have_count(6)
    expect(page.locator("#facts")).to_contain_text("2")
    checker.check(page, "prestudy-dashboard")

    page.goto(f"/prestudies/{prestudy.pk}/checklist/")
    expect(page.locator("#computed")).to_contain_text("2024-01-01")
    page.check("#id_route_0")
    page.fill("#id_route_reasons", "Behoven skiljer sig; dialog vid avrop behövs.")
    page.fill("#id_competition", "Två leverantörer, varav ett litet företag.")
    page.fill("#id_risks", "Ny teknik; beroende av mobilnät.")
    page.check("#id_recommendation_0")
    page.fill("#id_recommendation_text", "Upphandla ett ramavtal för sensorer och ruttplanering.")
    checker.check(page, "prestudy-checklist")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/prestudies/{prestudy.pk}/$"))
    expect(page.locator("#checklist")).to_contain_text("Upphandla ett ramavtal")

    page.locator(f"a[href='/prestudies/{prestudy.pk}/move/concluded/']").click()
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/prestudies/{prestudy.pk}/$"))
    page.locator(f"form[action='/prestudies/{prestudy.pk}/report/'] button").click()
    expect(page.locator("#report-documents a")).to_have_count(2)
    checker.check(page, "prestudy-concluded-report")
    with page.expect_download() as download:
        page.locator("#report-documents a[href$='/v1/download/']").first.click()
    docx = Docx(io.BytesIO(open(download.value.path(), "rb").read()))
    with translation.override("sv"):
        expected = report.headings()
    assert [p.text for p in docx.paragraphs if p.style.name == "Heading 1"] == expected
    assert len(docx.inline_shapes) == report.KEY_CHARTS

    page.locator(f"a[href='/prestudies/{prestudy.pk}/start-procurement/']").click()
    expect(page.locator("#lots")).to_contain_text("90")
    expect(page.locator("#requirements")).to_contain_text("Inga överfulla kärl")
    page.fill("#id_reasons", "Underlaget visar tillräcklig efterfrågan och konkurrens.")
    checker.check(page, "prestudy-start-procurement")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/agreements/\d+/$"))
    expect(page.locator("h1")).to_contain_text("Smart avfallshantering")
    expect(page.locator("#prestudy-origin")).to_contain_text(prestudy.reference)
    expect(page.locator("#prestudy-origin")).to_contain_text("Färre överfulla återvinningsstationer")
    checker.check(page, "prestudy-draft-agreement")
    prestudy = PreStudy.objects.get(pk=prestudy.pk)
    assert prestudy.status == PreStudyStatus.PROCUREMENT_STARTED
    agreement = prestudy.agreement
    assert agreement.published_at is None and agreement.lots.count() == 1 and agreement.requirements.count() == 2
    assert set(agreement.entitled_organisations.values_list("name", flat=True)) == {"Sjöstads kommun",
                                                                                     "Bergviks kommun"}
