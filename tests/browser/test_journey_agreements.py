"""A framework manager creates an agreement with two lots and their suppliers, and publishes it."""


from playwright.sync_api import expect

from innokop.accounts.models import OrganisationKind, Role
from innokop.reference.indexing import cpv_index
from innokop.reference.models import CpvCode

from ..factories import OrganisationFactory, member
from .helpers import log_in


def _submit(page, form_action: str | None = None) -> None:
    # Not the CPV lookup's Search button: it sits in the form but submits the lookup (form="cpv-lookup").
    button = "button[type=submit]:not([form])"
    selector = f"main form[action='{form_action}'] {button}" if form_action else f"main form {button}"
    page.locator(selector).first.click()


def _admit(page, supplier_name: str, number: str, rank: str | None = None) -> None:
    page.get_by_text("Anta en leverantör").click()
    page.select_option("#id_supplier-supplier", label=supplier_name)
    if rank:
        page.fill("#id_supplier-rank", rank)
    page.fill("#id_supplier-agreement_number", number)
    page.fill("#id_supplier-contact_name", "Kim Kontakt")
    page.fill("#id_supplier-contact_email", "kim@example.se")
    page.locator("form[action$='/suppliers/'] button[type=submit]").click()
    expect(page.locator("main table")).to_contain_text(supplier_name)


def test_a_framework_manager_creates_and_publishes_an_agreement_with_two_lots(page, checker, transactional_db):
    cpb = OrganisationFactory(kind=OrganisationKind.CPB, name="Innoköpscentralen")
    member(cpb, Role.FRAMEWORK_MANAGER, email="anna@cpb.example", full_name="Anna Ramström")
    for name in ("Norrsken Sensorteknik AB", "Grönt Avfall Logistik AB"):
        OrganisationFactory(kind=OrganisationKind.SUPPLIER, name=name, is_sme=True)

    log_in(page, "anna@cpb.example")
    page.goto("/agreements/")
    page.get_by_role("link", name="Skapa ett ramavtal").click()
    page.fill("#id_reference", "IK-2027-042")
    page.fill("#id_title", "Smart avfallshantering")
    page.fill("#id_summary", "Sensorer och tjänster för effektivare avfallshantering i kommuner.")
    cpv_index(CpvCode.objects.filter(code__startswith="905"))  # the lookup searches the index; all codes take long
    page.fill("#cpv-q", "avfallstjänster")
    page.locator(".ik-cpv-add").first.click()  # HTMX search and the picker's Add button
    page.fill("#cpv-q", "sophämtningen")
    page.locator("#cpv-q").press("Enter")  # searches in place: no new tab with JavaScript on
    expect(page.locator("#cpv-results")).to_contain_text("90511000-2")
    assert len(page.context.pages) == 1
    expect(page.locator("#id_cpv_codes")).not_to_have_value("")
    page.fill("#id_start_date", "2027-04-01")
    page.fill("#id_end_date", "2031-03-31")
    page.fill("#id_max_value", "40000000")
    page.fill("#id_latest_contract_end", "2033-03-31")
    page.check("#id_entitled_categories_3")  # municipalities
    checker.check(page, "agreement-create")
    _submit(page)
    expect(page.locator("h1")).to_have_text("Smart avfallshantering")
    checker.check(page, "agreement-task-list")

    for number, title, method, rank in (("1", "Sensorer för avfall", "renewed_competition_dialogue", None),
                                         ("2", "Tömningsplanering", "ranking", "1")):
        page.get_by_role("link", name="Lägg till ett anbudsområde").click()
        page.fill("#id_number", number)
        page.fill("#id_title", title)
        page.check(f"input[name=call_off_method][value={method}]")
        if method != "ranking":
            page.check("input[name=evaluation_models][value=price_quality]")
        page.fill("#id_min_tender_days", "15")
        _submit(page)
        expect(page.locator("h1")).to_contain_text(title)
        _admit(page, "Norrsken Sensorteknik AB", f"IK-42-{number}1", rank)
        if number == "1":
            _admit(page, "Grönt Avfall Logistik AB", "IK-42-12")
            checker.check(page, "agreement-lot")
        page.get_by_role("link", name="Smart avfallshantering").first.click()

    page.get_by_role("link", name="Kontrollera och publicera").click()
    checker.check(page, "agreement-publish")
    page.get_by_role("button", name="Publicera ramavtalet").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("IK-2027-042")
    expect(page.locator("main")).to_contain_text("Grönt Avfall Logistik AB")
    checker.check(page, "agreement-published")

    page.goto("/agreements/")
    expect(page.locator("main")).to_contain_text("Smart avfallshantering")
