from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from innokop.accounts.models import Sector
from innokop.accounts.permissions import actor_for
from innokop.agreements import services
from innokop.agreements.models import AgreementStatus, CallOffMethod, Lot
from innokop.agreements.permissions import entitled_organisations_of, is_entitled
from innokop.core.models import AuditEvent, Notification
from innokop.reference.models import CpvCode

from .factories import LotFactory, LotSupplierFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are matched in English here; the Swedish wording is checked on the pages."""
    with translation.override("en"):
        yield


def _create(actor, owner, **overrides):
    data = dict(reference="IK-2027-001", title="Innovativa tjänster", summary="Sammanfattning",
                description="<p>Bra</p><script>alert(1)</script>", start_date=date(2027, 1, 1),
                end_date=date(2030, 12, 31), special_reasons="", max_value=Decimal(5_000_000),
                entitled_categories=["all_public"], call_off_guidance="", cpv_codes=CpvCode.objects.filter(code="72000000"))
    return services.agreement_create(actor=actor, owner=owner, **(data | overrides))


def test_a_framework_manager_creates_an_agreement_with_sanitised_text_and_an_audit_event(cpb_manager, cpb):
    agreement = _create(cpb_manager, cpb)
    assert agreement.description == "<p>Bra</p>"
    assert list(agreement.cpv_codes.values_list("code", flat=True)) == ["72000000"]
    assert AuditEvent.objects.filter(verb="agreement.created", object_id=str(agreement.pk)).exists()


def test_four_years_is_the_limit_without_special_reasons(cpb_manager, cpb):
    with pytest.raises(ValidationError) as error:
        _create(cpb_manager, cpb, end_date=date(2031, 1, 1))
    assert "special_reasons" in error.value.error_dict
    assert "2030-12-31" in str(error.value)
    agreement = _create(cpb_manager, cpb, end_date=date(2032, 12, 31),
                        special_reasons="Investeringar i infrastruktur kräver längre avskrivningstid.")
    assert agreement.end_date == date(2032, 12, 31)


def test_the_end_must_come_after_the_start(cpb_manager, cpb):
    with pytest.raises(ValidationError):
        _create(cpb_manager, cpb, end_date=date(2026, 12, 31))


def test_only_framework_managers_create_agreements(agency_procurer, cpb):
    with pytest.raises(services.AgreementError):
        _create(agency_procurer, cpb)


def test_a_duplicate_reference_number_is_a_clear_error(cpb_manager, cpb):
    _create(cpb_manager, cpb)
    with pytest.raises(services.AgreementError, match="reference number"):
        _create(cpb_manager, cpb)


@pytest.mark.parametrize(("today", "expected"), [
    (date(2026, 12, 31), AgreementStatus.UPCOMING),
    (date(2027, 1, 1), AgreementStatus.ACTIVE),
    (date(2030, 12, 31), AgreementStatus.ACTIVE),
    (date(2031, 1, 1), AgreementStatus.EXPIRED),
])
def test_status_follows_the_dates(published, today, expected):
    assert published.status(today) == expected


def test_a_draft_stays_draft_and_termination_wins(agreement, published, cpb_manager):
    agreement.published_at = None
    assert agreement.status(date(2028, 1, 1)) == AgreementStatus.DRAFT
    services.agreement_terminate(actor=cpb_manager, agreement=published, reason="Leverantörerna har gått i konkurs.")
    assert published.status(date(2028, 1, 1)) == AgreementStatus.TERMINATED
    with pytest.raises(services.AgreementError):
        services.agreement_update(actor=cpb_manager, agreement=published, title="Nytt namn")


def test_publication_needs_lots_suppliers_ranks_and_buyers(agreement, cpb_manager, supplier_org):
    with pytest.raises(services.AgreementError, match="lot"):
        services.agreement_publish(actor=cpb_manager, agreement=agreement)
    lot = LotFactory(agreement=agreement, number=1, call_off_method=CallOffMethod.RANKING, evaluation_models=[])
    assert any("no admitted suppliers" in p for p in services.publication_problems(agreement))
    LotSupplierFactory(lot=lot, supplier=supplier_org, rank=None)
    assert any("rank" in p for p in services.publication_problems(agreement))
    lot.lot_suppliers.update(rank=1)
    assert services.publication_problems(agreement) == []


def test_publishing_notifies_the_admitted_suppliers(agreement, cpb_manager, supplier, supplier_org,
                                                    supplier_off_lot, django_capture_on_commit_callbacks):
    lot = LotFactory(agreement=agreement, number=1)
    LotSupplierFactory(lot=lot, supplier=supplier_org)
    with django_capture_on_commit_callbacks(execute=True):
        services.agreement_publish(actor=cpb_manager, agreement=agreement)
    assert agreement.published_at is not None
    assert Notification.objects.filter(recipient=supplier, kind="agreement.published").exists()
    assert not Notification.objects.filter(recipient=supplier_off_lot).exists()
    assert AuditEvent.objects.filter(verb="agreement.published").exists()


def test_lot_rules(agreement, cpb_manager):
    base = dict(number=1, title="Möbler", description="", evaluation_models=["lowest_price"], min_tender_days=10)
    with pytest.raises(ValidationError, match="combination"):
        services.lot_save(actor=cpb_manager, agreement=agreement, call_off_method=CallOffMethod.COMBINATION,
                          value_threshold=None, **base)
    with pytest.raises(ValidationError, match="evaluation model"):
        services.lot_save(actor=cpb_manager, agreement=agreement, call_off_method=CallOffMethod.RENEWED_COMPETITION,
                          value_threshold=None, **(base | {"evaluation_models": []}))
    lot = services.lot_save(actor=cpb_manager, agreement=agreement, call_off_method=CallOffMethod.COMBINATION,
                            value_threshold=Decimal(2_000_000), **base)
    assert lot.ranks_suppliers
    with pytest.raises(services.AgreementError, match="number 1"):
        services.lot_save(actor=cpb_manager, agreement=agreement, call_off_method=CallOffMethod.RANKING,
                          value_threshold=None, **base)


def test_weights_and_ceiling_prices_are_validated(agreement, cpb_manager):
    lot = LotFactory(agreement=agreement)
    with pytest.raises(ValidationError):
        services.criterion_add(actor=cpb_manager, lot=lot, name="Pris", description="", min_weight=70, max_weight=30)
    with pytest.raises(ValidationError):
        services.criterion_add(actor=cpb_manager, lot=lot, name="Pris", description="", min_weight=10, max_weight=110)
    with pytest.raises(ValidationError):
        services.price_row_add(actor=cpb_manager, lot=lot, label="Timme", unit="h", ceiling_price=Decimal(0))
    services.criterion_add(actor=cpb_manager, lot=lot, name="Pris", description="", min_weight=30, max_weight=70)
    assert lot.criteria.count() == 1


def test_ranking_lots_need_unique_ranks(agreement, cpb_manager, supplier_org, supplier_org_b):
    lot = LotFactory(agreement=agreement, call_off_method=CallOffMethod.RANKING, evaluation_models=[])
    add = dict(actor=cpb_manager, lot=lot, agreement_number="A1", contact_name="K", contact_email="k@x.se")
    with pytest.raises(ValidationError):
        services.lot_supplier_add(supplier=supplier_org, rank=None, **add)
    services.lot_supplier_add(supplier=supplier_org, rank=1, **add)
    with pytest.raises(services.AgreementError, match="rank 1"):
        services.lot_supplier_add(supplier=supplier_org_b, rank=1, **add)


def test_only_suppliers_can_be_admitted(agreement, cpb_manager, agency):
    lot = LotFactory(agreement=agreement)
    with pytest.raises(services.AgreementError):
        services.lot_supplier_add(actor=cpb_manager, lot=lot, supplier=agency, rank=None, agreement_number="A",
                                  contact_name="K", contact_email="k@x.se")


def test_entitlement_by_category_and_by_name(published, agency, other_agency, supplier_org, agency_procurer):
    published.entitled_categories = ["municipality"]
    published.save()
    agency.sector = Sector.CENTRAL_GOVERNMENT
    agency.save()
    other_agency.sector = Sector.MUNICIPALITY
    other_agency.save()
    assert not is_entitled(published, agency)
    assert is_entitled(published, other_agency)
    assert not is_entitled(published, supplier_org)
    published.entitled_organisations.add(agency)
    assert is_entitled(published, agency)
    assert entitled_organisations_of(actor_for(agency_procurer), published, date(2027, 6, 1)) == [agency]
    assert entitled_organisations_of(actor_for(agency_procurer), published, date(2031, 6, 1)) == []


def test_requirements_have_unique_ids_and_stay_once_published(published, cpb_manager):
    data = dict(identifier="K1", text="ISO 27001", kind="mandatory", category="information_security",
                followup_method="documentation", followup_frequency="annually")
    requirement = services.requirement_add(actor=cpb_manager, agreement=published, lot=None, **data)
    with pytest.raises(services.AgreementError, match="K1"):
        services.requirement_add(actor=cpb_manager, agreement=published, lot=None, **data)
    with pytest.raises(services.AgreementError):
        services.requirement_remove(actor=cpb_manager, requirement=requirement)


def test_questions_are_asked_by_entitled_agencies_and_answers_notify(
    published, agency_procurer, agency, cpb_manager, supplier, supplier_org, django_capture_on_commit_callbacks
):
    with pytest.raises(services.AgreementError):
        services.question_ask(actor=supplier, agreement=published, organisation=supplier_org, question="Får vi?")
    with django_capture_on_commit_callbacks(execute=True):
        item = services.question_ask(actor=agency_procurer, agreement=published, organisation=agency,
                                     question="Kan vi avropa utan dialog?")
    assert Notification.objects.filter(recipient=cpb_manager, kind="agreement.question").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(actor=cpb_manager, item=item, answer="Ja, dialog är frivillig.")
    assert Notification.objects.filter(recipient=agency_procurer, kind="agreement.answer").exists()
    assert item.answered_at == datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc)


def test_another_purchasing_body_cannot_change_the_agreement(published, cpb_manager):
    from innokop.accounts.models import OrganisationKind, Role

    from ..factories import OrganisationFactory, member

    rival = member(OrganisationFactory(kind=OrganisationKind.CPB), Role.FRAMEWORK_MANAGER)
    with pytest.raises(services.AgreementError):
        services.agreement_update(actor=rival, agreement=published, title="Kapat")
    assert Lot.objects.filter(agreement=published).count() == 2


def test_removing_a_supplier_from_a_lot_unlinks_its_solutions(published, cpb_manager, supplier_org):
    from ..catalogue.factories import SolutionFactory

    lot = published.lots.get(number=1)
    solution = SolutionFactory(supplier=supplier_org)
    solution.lots.add(lot)
    services.lot_supplier_remove(actor=cpb_manager, admission=lot.lot_suppliers.get(supplier=supplier_org))
    assert not solution.lots.exists()
    assert AuditEvent.objects.filter(verb="solution.lot_unlinked", object_id=str(solution.pk)).exists()


def test_a_terminated_agreements_lots_cannot_change(published, cpb_manager):
    services.agreement_terminate(actor=cpb_manager, agreement=published, reason="Upphört.")
    with pytest.raises(services.AgreementError):
        services.criterion_add(actor=cpb_manager, lot=published.lots.first(), name="X", description="",
                               min_weight=10, max_weight=20)
