"""A supplier describes and submits a solution, the purchasing body publishes and verifies it, and a
visitor finds it with a Swedish word and a facet. Every page passes axe-core."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.catalogue import services

from ..conftest import PASSWORD
from ..factories import OrganisationFactory, member


def log_in(page, email: str) -> None:
    page.context.clear_cookies()
    page.goto(reverse("accounts:login"))
    page.get_by_label("E-postadress").fill(email)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))


def submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").last.click()


def supplier_describes_and_submits(page, checker) -> int:
    log_in(page, "sara@norrsken.example")
    page.goto(reverse("catalogue:my_solutions"))
    checker.check(page, "catalogue-my-solutions")
    page.locator(f"main a[href='{reverse('catalogue:solution_create')}']").click()
    submit(page)  # empty: the error summary, focused, names each field; the title says so first
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    expect(page.locator(".govuk-error-summary__list")).to_contain_text("Lösningens namn")
    expect(page).to_have_title(re.compile(r"^Fel: "))
    checker.check(page, "catalogue-create-error")
    page.locator("#id_title").fill("Fyllnadssensorer för sopkärl")
    page.locator("#id_summary").fill("Sensorer visar när kärlen behöver tömmas.")
    submit(page)
    expect(page.locator("h1")).to_have_text("Fyllnadssensorer för sopkärl")
    pk = int(re.search(r"/my/solutions/(\d+)/", page.url).group(1))
    checker.check(page, "catalogue-task-list")
    fill_in_the_sections(page, checker, pk)
    page.goto(reverse("catalogue:solution_check", args=[pk]))
    checker.check(page, "catalogue-check-answers")
    page.locator("#submit").click()
    expect(page.locator(".govuk-panel--confirmation")).to_be_visible()
    checker.check(page, "catalogue-submitted")
    return pk


def fill_in_the_sections(page, checker, pk: int) -> None:
    page.goto(reverse("catalogue:solution_section", args=[pk, "description"]))
    page.locator("#id_problem").fill("Sopbilar kör till halvtomma kärl.")
    page.locator("#id_how_it_works").fill("En sensor mäter fyllnadsgraden och planerar avfallshanteringen.")
    checker.check(page, "catalogue-section-description")
    submit(page)
    page.goto(reverse("catalogue:solution_section", args=[pk, "effects"]))
    page.locator("#id_effects").fill("31 procent färre tömningar i en pilot.")
    submit(page)
    page.goto(reverse("catalogue:solution_section", args=[pk, "classification"]))
    page.locator("label[for=id_trl_8]").click()
    page.locator("#id_cpv_codes").fill("90511000")
    page.locator("label[for=id_nationwide]").click()
    checker.check(page, "catalogue-section-classification")
    submit(page)
    page.goto(reverse("catalogue:solution_section", args=[pk, "commercial"]))
    page.locator("label[for=id_pricing_model_1]").click()
    page.locator("label[for=id_data_location_0]").click()
    checker.check(page, "catalogue-section-commercial")
    submit(page)

    page.goto(reverse("catalogue:evidence_add", args=[pk]))
    page.locator("label[for=id_kind_0]").click()
    page.locator("#id_provided_by").fill("Sjöstads kommun")
    page.locator("#id_date").fill("2026-11-30")
    page.locator("#id_description").fill("Pilot med 400 kärl under ett år.")
    checker.check(page, "catalogue-evidence")
    submit(page)
    expect(page).to_have_url(re.compile(rf"/my/solutions/{pk}/$"))
    checker.check(page, "catalogue-task-list-complete")


def manager_publishes_and_verifies(page, checker, pk: int) -> None:
    log_in(page, "anna@inkopscentralen.example")
    page.goto(reverse("catalogue:review_queue"))
    checker.check(page, "catalogue-review-queue")
    page.locator(f"a[href='{reverse('catalogue:review_solution', args=[pk])}']").first.click()
    checker.check(page, "catalogue-review")
    page.locator("form[action*='/review/evidence/'] button[value=accepted]").click()
    page.locator("form:has(input[value=publish]) button").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    page.locator("#reason-verify").fill("Piloten i Sjöstad visar effekten.")
    page.locator("form:has(input[value=verify]) button").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    checker.check(page, "catalogue-review-verified")
    page.goto(reverse("catalogue:collection_create"))
    page.locator("#id_title").fill("Smart avfallshantering")
    page.locator("#id_slug").fill("smart-avfall")
    page.locator("#id_introduction").fill("Sensorer och ruttplanering som minskar körningarna.")
    page.locator("label[for=id_published]").click()
    checker.check(page, "catalogue-collection-new")
    submit(page)
    page.locator("form:has(input[value=add]) button").click()
    expect(page.locator("main table")).to_contain_text("Fyllnadssensorer för sopkärl")
    checker.check(page, "catalogue-collection-edit")


def visitor_finds_it(page, checker, pk: int) -> None:
    page.context.clear_cookies()
    page.goto(reverse("catalogue:solution_list"))
    checker.check(page, "catalogue-search")
    page.locator("#id_q").fill("avfall")
    page.locator(".ik-search__row button").click()
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^2 "))
    # A filter applies as it is ticked, with the keyboard here: no button, and focus stays on the checkbox.
    page.locator("#facet-trl-9").focus()
    page.keyboard.press("Space")
    expect(page.locator("#results-heading")).to_have_text(re.compile(r"^1 "))
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^1 "))
    expect(page.locator("#search-results .ik-solution-list")).not_to_contain_text("Ruttplanering för avfallshämtning")
    expect(page).to_have_url(re.compile(r"q=avfall.*trl=9"))
    expect(page.locator("#facet-trl-9")).to_be_focused()
    expect(page.locator(".ik-snippet mark").first).to_be_visible()
    checker.check(page, "catalogue-search-results")
    visitor_filters_without_javascript(page)
    page.locator(f"main a[href='{reverse('catalogue:solution_detail', args=[pk])}']").first.click()
    expect(page.locator("h1")).to_have_text("Fyllnadssensorer för sopkärl")
    expect(page.locator(".ik-verified")).to_be_visible()
    checker.check(page, "catalogue-solution")
    page.locator(f"a[href='{reverse('catalogue:supplier_detail', args=[page_supplier_id(page)])}']").first.click()
    checker.check(page, "catalogue-supplier")
    page.goto(reverse("catalogue:collection_list"))
    checker.check(page, "catalogue-collections")
    page.locator("a[href='/collections/smart-avfall/']").click()
    expect(page.locator("main")).to_contain_text("Fyllnadssensorer för sopkärl")
    checker.check(page, "catalogue-collection")


def visitor_filters_without_javascript(page) -> None:
    """Without JavaScript the filters wait for the button, which sends the form."""
    context = page.context.browser.new_context(java_script_enabled=False, locale="sv-SE", base_url=page.url)
    plain = context.new_page()
    plain.goto(reverse("catalogue:solution_list") + "?q=avfall")
    plain.locator("input[name=trl][value='9'] + label").click()
    expect(plain.locator("#results-heading")).to_have_text(re.compile(r"^2 "))
    plain.locator("#apply-filters").click()
    expect(plain).to_have_url(re.compile(r"q=avfall.*trl=9"))
    expect(plain.locator("#results-heading")).to_have_text(re.compile(r"^1 "))
    context.close()


def another_solution_about_waste(supplier_org, manager) -> None:
    """A second published solution the word “avfall” finds, at another readiness level: a filter then tells them apart."""
    representative = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, email="rutt@norrsken.example")
    solution = services.solution_create(
        actor=representative, supplier=supplier_org, title="Ruttplanering för avfallshämtning",
        summary="Planerar rutter för avfallshämtning.", problem="<p>Långa rutter.</p>", how_it_works="<p>Algoritmer.</p>",
        effects="<p>Kortare rutter.</p>", trl=6, cpv_codes=["90511000"], nationwide=True, pricing_model="subscription",
        data_location="sweden")
    services.solution_submit(actor=representative, solution=solution)
    services.solution_publish(actor=manager, solution=solution)


def page_supplier_id(page) -> int:
    href = page.locator("a[href^='/suppliers/']").first.get_attribute("href")
    return int(re.search(r"/suppliers/(\d+)/", href).group(1))


def test_a_solution_from_draft_to_found(page, checker, migration_data):
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    manager = member(cpb, Role.FRAMEWORK_MANAGER, email="anna@inkopscentralen.example", full_name="Anna Ramström")
    supplier = OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Norrsken Sensorteknik AB", is_sme=True)
    member(supplier, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN, email="sara@norrsken.example",
           full_name="Sara Sensor")
    another_solution_about_waste(supplier, manager)
    pk = supplier_describes_and_submits(page, checker)
    manager_publishes_and_verifies(page, checker, pk)
    visitor_finds_it(page, checker, pk)
