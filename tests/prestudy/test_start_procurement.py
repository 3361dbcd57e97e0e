"""Start the procurement: a draft framework agreement prefilled from the concluded pre-study (title, CPV, values
from the aggregated volumes, lots by CPV division and region, requirements from the desired effects with their
follow-up, entitled buyers), the go decision with the link, the agencies told, the link back on the agreement."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from innokop.agreements.models import FollowUpMethod
from innokop.core.models import AuditEvent, Notification
from innokop.prestudy import services
from innokop.prestudy.models import PreStudyStatus
from innokop.prestudy.services import procurement

from .test_analysis import analysed, checklist  # noqa: F401 (fixtures)
from .test_matching import market, publish  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db
PERIOD = {"start_date": date(2028, 1, 1), "end_date": date(2031, 12, 31)}


@pytest.fixture
def concluded(analysed, cpb_manager):  # noqa: F811
    procurement.assessment_save(actor=cpb_manager, prestudy=analysed, given=checklist())
    services.prestudy_advance(actor=cpb_manager, prestudy=analysed, to_status="concluded")
    analysed.refresh_from_db()
    return analysed


def test_the_draft_agreement_is_prefilled_and_the_pre_study_moves_on(concluded, need, cpb_manager, agency,
                                                                     other_agency, agency_procurer,
                                                                     other_agency_procurer,
                                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        agreement = procurement.procurement_start(actor=cpb_manager, prestudy=concluded,
                                                  reasons="Underlaget räcker.", **PERIOD)
    concluded.refresh_from_db()
    assert concluded.status == PreStudyStatus.PROCUREMENT_STARTED and concluded.agreement == agreement
    assert agreement.title == concluded.title and agreement.published_at is None
    assert sorted(code.code for code in agreement.cpv_codes.all()) == ["90500000"]
    # 1 800 000 a year over four years, with room for more buyers.
    assert agreement.max_value == Decimal(10_800_000) and "7200000" in agreement.call_off_guidance
    assert agreement.entitled_categories == ["central_government"]
    assert set(agreement.entitled_organisations.all()) == {agency, other_agency}
    lot = agreement.lots.get()
    assert lot.number == 1 and "90" in [code.division for code in lot.cpv_codes.all()]
    requirement = agreement.requirements.get()
    assert requirement.lot == lot and requirement.identifier == f"{need.reference}-1"
    assert "Inga överfulla kärl" in requirement.text and "Andel överfulla kärl" in requirement.text
    assert requirement.followup_method == FollowUpMethod.DOCUMENTATION
    for user in (agency_procurer, other_agency_procurer):
        assert Notification.objects.filter(recipient=user, kind="prestudy.procurement_started").exists()
    assert AuditEvent.objects.filter(verb="prestudy.procurement_prefilled").exists()


def test_only_a_concluded_pre_study_starts_a_procurement_once(analysed, concluded, cpb_manager,  # noqa: F811
                                                              agency_procurer):
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.procurement_start(actor=agency_procurer, prestudy=concluded, reasons="R", **PERIOD)
    assert refused.value.status == 403
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.procurement_start(actor=cpb_manager, prestudy=concluded, reasons=" ", **PERIOD)
    assert refused.value.code == "reasons_needed"
    procurement.procurement_start(actor=cpb_manager, prestudy=concluded, reasons="R", **PERIOD)
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.procurement_start(actor=cpb_manager, prestudy=concluded, reasons="R", **PERIOD)
    assert refused.value.code == "not_concluded"


def test_the_page_starts_it_and_the_agreement_links_back_to_the_pre_study(concluded, client, login, cpb_manager,
                                                                          need):
    login(cpb_manager)
    url = reverse("prestudy:procurement_start", args=[concluded.pk])
    page = client.get(url).content.decode()
    assert 'id="lots"' in page and need.reference in page
    done = client.post(url, {"reasons": "Gå vidare.", "start_date": "2028-01-01", "end_date": "2031-12-31"})
    assert done.status_code == 302
    concluded.refresh_from_db()
    assert done["Location"] == reverse("agreements:agreement_detail", args=[concluded.agreement_id])
    agreement_page = client.get(done["Location"]).content.decode()
    assert reverse("prestudy:prestudy_detail", args=[concluded.pk]) in agreement_page
    assert reverse("prestudy:need_detail", args=[need.pk]) in agreement_page


def _calloff(agreement, agency, user, reference):
    from innokop.calloffs.models import CallOff, CallOffKind

    return CallOff.objects.create(agency=agency, lot=agreement.lots.get(number=1), reference=reference,
                                  created_by=user, method=CallOffKind.RENEWED_COMPETITION, title="Sensorer i kärl")


def test_a_need_shows_it_was_met_when_its_named_call_off_is_contracted(concluded, need, cpb_manager, client, login,
                                                                       agency, agency_procurer, other_agency,
                                                                       other_agency_procurer, supplier):
    from innokop.calloffs.models import CallOff

    agreement = procurement.procurement_start(actor=cpb_manager, prestudy=concluded, reasons="R", **PERIOD)
    need.refresh_from_db()
    own = _calloff(agreement, agency, agency_procurer, "AV-1")
    others = _calloff(agreement, other_agency, other_agency_procurer, "AV-2")
    # Only an agency whose need it is names its own call-offs from that agreement.
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.need_calloff_name(actor=agency_procurer, need=need, calloff=others)
    assert refused.value.status == 403
    login(agency_procurer)
    url = reverse("prestudy:need_calloffs", args=[need.pk])
    assert client.post(url, {"calloff": others.pk}).status_code == 422
    assert client.post(url, {"calloff": own.pk}).status_code == 302
    with pytest.raises(procurement.PreStudyError) as refused:
        procurement.need_calloff_name(actor=agency_procurer, need=need, calloff=own)
    assert refused.value.code == "already_named"
    assert AuditEvent.objects.filter(verb="need.calloff_named").count() == 1
    page = client.get(reverse("prestudy:need_detail", args=[need.pk])).content.decode()
    assert 'id="met"' in page and "AV-1" in page and "govuk-tag--green" not in page
    CallOff.objects.filter(pk=own.pk).update(status="contracted")  # as the call-off's own flow leaves it
    page = client.get(reverse("prestudy:need_detail", args=[need.pk])).content.decode()
    assert "govuk-tag--green" in page and reverse("calloffs:calloff_detail", args=[own.pk]) in page
    # The joining agency names its own call-off too; a supplier does not see the link to the agency's call-off.
    procurement.need_calloff_name(actor=other_agency_procurer, need=need, calloff=others)
    login(supplier)
    page = client.get(reverse("prestudy:need_detail", args=[need.pk])).content.decode()
    assert "AV-1" in page and reverse("calloffs:calloff_detail", args=[own.pk]) not in page
    assert client.get(url).status_code == 403
