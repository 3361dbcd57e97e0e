"""Needs: a problem, not a product; the budget for the agency and the purchasing body only (OSL 19:3);
other agencies join a public need, and the totals are volumes only."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.accounts.models import OrganisationKind
from innokop.catalogue.models import Solution, SolutionStatus
from innokop.core.formats import sek
from innokop.core.models import AuditEvent, Notification
from innokop.prestudy import aggregation, services
from innokop.prestudy.models import Need, NeedInterest
from innokop.prestudy.services import NeedError, PreStudyError
from innokop.prestudy.wording import naming_warnings
from innokop.reference.models import NutsRegion

from ..factories import OrganisationFactory, member
from .conftest import need_input

with translation.override("sv"):
    BUDGET_TEXT = sek(1_200_000)


def _form(**changes) -> dict:
    data = {"title": "Färre överfulla kärl", "problem": "Kärlen blir överfulla.", "current_situation": "Fast schema.",
            "desired_effects": "Tömning efter behov.", "effect_measures": "Andel överfulla kärl.",
            "affected": "Invånare.", "volume": "400", "volume_unit": "kärl", "budget": "1200000",
            "needed_year": "2028", "needed_quarter": "2", "needed_by": "", "cpv_codes": "90500000-2",
            "region": "SE110", "urgency": "medium", "is_public": "1"}
    return data | changes


# --- naming a product or a supplier is a warning, not a refusal --------------------------------------------------


@pytest.mark.django_db
def test_a_supplier_or_a_published_solution_named_as_whole_words_is_warned_about(supplier_org, supplier):
    Solution.objects.create(supplier=supplier_org, title="SopSmart Sensor", summary="s", created_by=supplier,
                            status=SolutionStatus.PUBLISHED)
    Solution.objects.create(supplier=supplier_org, title="Hemlig Prototyp", summary="s", created_by=supplier)
    OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Ängsö Åkeri AB")
    found = naming_warnings("Vi vill köpa sopsmart sensor från LEVERANTÖR ETT och ängsö åkeri.")
    assert [(w.name, w.found) for w in found] == [("SopSmart Sensor", "sopsmart sensor"),
                                                  ("Leverantör Ett AB", "LEVERANTÖR ETT"),
                                                  ("Ängsö Åkeri AB", "ängsö åkeri")]
    assert naming_warnings("Hemlig prototyp") == []  # a draft is not known to the catalogue
    assert naming_warnings("Leverantör Ettan, ängsöåkeri, xängsö åkeri") == []  # whole words only
    agency_named = OrganisationFactory(kind=OrganisationKind.AGENCY, name="Kommunen Storby")
    assert naming_warnings(agency_named.name) == []


def test_the_form_warns_then_saves_when_rewritten(login, agency_procurer, supplier_org):
    client = login(agency_procurer)
    url = reverse("prestudy:need_create")
    warned = client.post(url, _form(problem="Vi behöver sensorer från Leverantör Ett AB."))
    assert warned.status_code == 200 and 'id="naming-warnings"' in warned.content.decode()
    assert not Need.objects.exists()
    saved = client.post(url, _form(problem="Vi vet inte när kärlen är fulla."))
    need = Need.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse("prestudy:need_detail", args=[need.pk])


def test_the_agency_may_keep_the_name_after_the_warning(login, agency_procurer, supplier_org):
    client = login(agency_procurer)
    response = client.post(reverse("prestudy:need_create"),
                           _form(problem="Som Leverantör Ett AB gör.", save_anyway="1"))
    assert response.status_code == 302 and Need.objects.get().problem == "Som Leverantör Ett AB gör."


# --- the need and who may read it ----------------------------------------------------------------------------------


def test_creating_a_need_is_audited_without_the_amount(need, agency_procurer):
    event = AuditEvent.objects.get(verb="need.created")
    assert event.payload["budget_given"] is True and "1200000" not in str(event.payload)
    assert need.reference == f"B-{need.pk:05d}" and need.when == "2028 Q2"


def test_only_the_agencys_people_register_its_needs(agency, other_agency_procurer, cpb_manager, clock):
    for outsider in (other_agency_procurer, cpb_manager):
        with pytest.raises(NeedError) as refused:
            services.need_create(actor=outsider, agency=agency, given=need_input())
        assert refused.value.status == 403


def test_a_need_must_be_whole_and_its_date_inside_its_year_and_quarter(agency, agency_procurer, clock):
    from datetime import date

    with pytest.raises(NeedError) as refused:
        services.need_create(actor=agency_procurer, agency=agency, given=need_input(
            problem=" ", volume=0, needed_by=date(2028, 9, 1), cpv_codes=[]))
    assert {p.field for p in refused.value.problems} == {"problem", "volume", "needed_by", "cpv_codes"}


def test_who_reads_a_public_need_and_its_budget(client, login, need, agency_colleague, other_agency_procurer,
                                                cpb_manager, supplier):
    url = reverse("prestudy:need_detail", args=[need.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 200 and 'id="budget"' not in anonymous.content.decode()
    for reader in (other_agency_procurer, supplier):
        page = login(reader).get(url).content.decode()
        assert need.title in page and 'id="budget"' not in page and BUDGET_TEXT not in page
    for reader in (agency_colleague, cpb_manager):
        page = login(reader).get(url).content.decode()
        assert 'id="budget"' in page and BUDGET_TEXT in page


def test_an_internal_need_is_not_found_outside_its_agency_and_the_purchasing_body(
        client, login, internal_need, other_agency_procurer, supplier, cpb_manager, agency_colleague):
    url = reverse("prestudy:need_detail", args=[internal_need.pk])
    assert client.get(url).status_code == 404
    assert internal_need.title not in client.get(reverse("prestudy:need_list")).content.decode()
    assert login(other_agency_procurer).get(url).status_code == 404
    assert login(supplier).get(url).status_code == 404
    assert login(cpb_manager).get(url).status_code == 200
    assert login(agency_colleague).get(url).status_code == 200


def test_the_public_list_totals_leave_internal_needs_and_budgets_out(client, need, internal_need):
    page = client.get(reverse("prestudy:need_list")).content.decode()
    with translation.override("sv"):
        assert need.title in page and BUDGET_TEXT not in page and sek(900_000) not in page
    totals = aggregation.totals(Need.objects.all(), public=True)
    assert totals.needs == 1 and totals.budget is None
    assert [(row.label, row.volume) for row in totals.by_year] == [("2028", 400)]
    with pytest.raises(ValueError):
        aggregation.totals(Need.objects.all(), public=True, with_budget=True)


def test_only_the_agency_changes_its_need(login, need, agency_colleague, other_agency_procurer, cpb_manager):
    url = reverse("prestudy:need_edit", args=[need.pk])
    assert login(agency_colleague).get(url).status_code == 200
    assert login(other_agency_procurer).get(url).status_code == 403
    assert login(cpb_manager).get(url).status_code == 403


# --- joining: demand aggregation -----------------------------------------------------------------------------------


def test_another_agency_joins_and_the_totals_count_both(
        need, other_agency, other_agency_procurer, agency_colleague, django_capture_on_commit_callbacks):
    region = NutsRegion.objects.get(code="SE232")
    with django_capture_on_commit_callbacks(execute=True):
        services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=150, needed_year=2029,
                           region=region, comment="Samma problem hos oss.")
    assert Notification.objects.filter(recipient=agency_colleague, kind="prestudy.need_joined").exists()
    totals = aggregation.totals(aggregation.prefetched(Need.objects.all()), public=True)
    assert totals.agencies == 2
    assert [(row.key, row.volume) for row in totals.by_region] == [("SE110", 400), ("SE232", 150)]
    assert [(row.key, row.volume, row.agency_count) for row in totals.by_division] == [("90", 550, 2)]
    assert [(row.key, row.volume) for row in totals.by_year] == [("2028", 400), ("2029", 150)]
    with pytest.raises(NeedError) as twice:
        services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=1, needed_year=2029)
    assert twice.value.code == "already_joined"


def test_a_withdrawn_agency_leaves_the_totals_and_may_join_again(need, other_agency, other_agency_procurer):
    interest = services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=150,
                                  needed_year=2028)
    services.need_interest_withdraw(actor=other_agency_procurer, interest=interest)
    assert aggregation.totals(aggregation.prefetched(Need.objects.all()), public=True).agencies == 1
    assert AuditEvent.objects.filter(verb="need.interest_withdrawn").exists()
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=90, needed_year=2028)
    assert NeedInterest.objects.active().get().volume == 90


def test_the_own_agency_and_an_internal_need_cannot_be_joined(need, internal_need, agency, agency_procurer,
                                                              other_agency, other_agency_procurer):
    with pytest.raises(NeedError):
        services.need_join(actor=agency_procurer, need=need, agency=agency, volume=1, needed_year=2028)
    with pytest.raises(NeedError) as refused:
        services.need_join(actor=other_agency_procurer, need=internal_need, agency=other_agency, volume=1,
                           needed_year=2028)
    assert refused.value.code == "need_not_public"


def test_a_joined_need_stays_public(need, agency_procurer, other_agency, other_agency_procurer):
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=10, needed_year=2028)
    with pytest.raises(NeedError) as refused:
        services.need_update(actor=agency_procurer, need=need, given=need_input(is_public=False))
    assert refused.value.status == 409


def test_the_join_and_withdraw_pages(login, need, other_agency_procurer, agency_procurer, supplier):
    assert login(supplier).get(reverse("prestudy:need_join", args=[need.pk])).status_code == 403
    assert login(agency_procurer).get(reverse("prestudy:need_join", args=[need.pk])).status_code == 403
    client = login(other_agency_procurer)
    url = reverse("prestudy:need_join", args=[need.pk])
    assert client.post(url, {"volume": "0", "needed_year": "2028"}).status_code == 422
    assert client.post(url, {"volume": "120", "needed_year": "2028", "needed_quarter": "3"}).status_code == 302
    interest = NeedInterest.objects.get()
    assert interest.needed_quarter == 3 and interest.region is None
    with translation.override("en"):
        page = client.get(reverse("prestudy:need_detail", args=[need.pk])).content.decode()
    assert reverse("prestudy:interest_withdraw", args=[interest.pk]) in page
    assert login(agency_procurer).get(reverse("prestudy:interest_withdraw", args=[interest.pk])).status_code == 403
    client = login(other_agency_procurer)
    assert client.post(reverse("prestudy:interest_withdraw", args=[interest.pk])).status_code == 302
    interest.refresh_from_db()
    assert interest.withdrawn_at is not None


# --- the purchasing body takes a need up -------------------------------------------------------------------------


def test_the_purchasing_body_links_a_need_and_the_agency_is_told(
        login, prestudy, need, cpb_manager, agency_procurer, django_capture_on_commit_callbacks):
    assert login(agency_procurer).get(reverse("prestudy:need_link", args=[need.pk])).status_code == 403
    client = login(cpb_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("prestudy:need_link", args=[need.pk]), {"prestudy": prestudy.pk})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.prestudy == prestudy
    assert Notification.objects.filter(recipient=agency_procurer, kind="prestudy.need_linked").exists()
    page = client.get(reverse("prestudy:prestudy_detail", args=[prestudy.pk])).content.decode()
    assert need.title in page and BUDGET_TEXT in page  # the purchasing body sees the budget
    assert client.post(reverse("prestudy:need_unlink", args=[need.pk])).status_code == 302
    need.refresh_from_db()
    assert need.prestudy is None
    assert list(AuditEvent.objects.filter(verb__startswith="need.").values_list("verb", flat=True)) == [
        "need.created", "need.linked", "need.unlinked"]


def test_a_concluded_pre_study_takes_up_no_more_needs(prestudy, need, cpb_manager):
    for status in ("collecting", "analysing", "concluded"):
        services.prestudy_advance(actor=cpb_manager, prestudy=prestudy, to_status=status)
    with pytest.raises(PreStudyError) as refused:
        services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    assert refused.value.status == 409


def test_the_agencys_list_shows_its_needs_and_the_needs_it_joined(login, need, other_agency_procurer, other_agency,
                                                                  agency_procurer, cpb_manager):
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=5, needed_year=2028)
    assert need.title in login(other_agency_procurer).get(reverse("prestudy:my_needs")).content.decode()
    assert need.title in login(agency_procurer).get(reverse("prestudy:my_needs")).content.decode()
    assert login(cpb_manager).get(reverse("prestudy:my_needs")).status_code == 403


def test_a_budget_is_never_negative(agency, agency_procurer, clock):
    with pytest.raises(NeedError):
        services.need_create(actor=agency_procurer, agency=agency, given=need_input(budget=Decimal(-1)))


def test_a_member_of_two_agencies_joins_for_the_other(need, agency, other_agency, clock):
    both = member(agency, "procurer")
    from innokop.accounts.models import Membership

    Membership.objects.create(user=both, organisation=other_agency, role="procurer")
    services.need_join(actor=both, need=need, agency=other_agency, volume=3, needed_year=2028)
    assert NeedInterest.objects.get().agency == other_agency


def test_only_the_agencies_concerned_and_the_purchasing_body_learn_which_pre_study_took_a_need_up(
        client, login, prestudy, need, cpb_manager, agency_colleague, other_agency, other_agency_procurer, supplier):
    services.need_link(actor=cpb_manager, need=need, prestudy=prestudy)
    url = reverse("prestudy:need_detail", args=[need.pk])
    assert prestudy.reference not in client.get(url).content.decode()
    assert client.get(f"/api/needs/{need.pk}").json()["prestudy_id"] is None
    for outsider in (supplier, other_agency_procurer):
        assert prestudy.reference not in login(outsider).get(url).content.decode()
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=5, needed_year=2028)
    for concerned in (other_agency_procurer, agency_colleague, cpb_manager):
        assert prestudy.reference in login(concerned).get(url).content.decode()
    assert login(other_agency_procurer).get(f"/api/needs/{need.pk}").json()["prestudy_id"] == prestudy.pk
