"""The access helpers of calloffs/permissions.py: one answer per question, the same for pages and the API.

DESIGN.md §5: an object a user may not see answers 404, one they may see but not change answers 403.
"""

from datetime import datetime, timedelta

import pytest
from django.http import Http404
from django.urls import reverse

from innokop.accounts.models import Role
from innokop.accounts.permissions import actor_for
from innokop.calloffs.permissions import (
    get_contract_for_actor,
    get_decision_for_actor,
    may_read_decision,
    tenders_sealed,
)
from innokop.calloffs.services import award
from innokop.core.calendar import STOCKHOLM

from ..factories import member
from .award_helpers import (  # noqa: F401  (fixtures)
    DEADLINE,
    award_lot,
    evaluated,
    opened,
    published_calloff,
    qualified,
    scored,
    two_tenders,
)

pytestmark = pytest.mark.django_db

SENT = datetime(2027, 3, 16, 10, 0, tzinfo=STOCKHOLM)
SIGNABLE = datetime(2027, 3, 31, 9, 0, tzinfo=STOCKHOLM)

# The agency's side of an opened call-off: read by every member of the agency, changed by the team.
AGENCY_READS = ["calloffs:record_export", "calloffs:opening", "calloffs:evaluation_overview",
                "calloffs:evaluation_ranking", "calloffs:evaluation_sensitivity"]
TEAM_WRITES = ["calloffs:decision_prepare", "calloffs:evaluation_reopen", "calloffs:conflict_declare"]


@pytest.fixture
def awarded(evaluated, agency_procurer, clock):
    clock.set(SENT)
    award.award_decision_send(actor=agency_procurer, calloff=evaluated, reasons="Bäst.", advantages="Pris.",
                              standstill=True)
    evaluated.refresh_from_db()
    return evaluated


@pytest.fixture
def contracted(awarded, agency_procurer, clock):
    clock.set(SIGNABLE)
    award.contract_sign(actor=agency_procurer, calloff=awarded, **award.contract_defaults(awarded))
    awarded.refresh_from_db()
    return awarded


@pytest.fixture
def outsider(evaluated):
    """A procurer in the call-off's agency who is not on its team."""
    return member(evaluated.agency, Role.PROCURER, full_name="Kalle Utanför Teamet", email="kalle@agency.se")


@pytest.mark.parametrize("name", AGENCY_READS)
def test_the_record_and_the_award_pages_let_an_agency_member_outside_the_team_read(login, evaluated, outsider, name):
    assert login(outsider).get(reverse(name, args=[evaluated.pk])).status_code == 200


@pytest.mark.parametrize("name", TEAM_WRITES)
def test_an_agency_member_outside_the_team_may_not_change_the_award(login, evaluated, outsider, name):
    assert login(outsider).get(reverse(name, args=[evaluated.pk])).status_code == 403


@pytest.mark.parametrize("name", AGENCY_READS + TEAM_WRITES)
def test_the_record_and_the_award_pages_are_not_found_for_an_invited_tenderer(login, evaluated, supplier, name):
    """The record answered 403 and the award pages 404 before: both are the agency's, so both are 404."""
    assert login(supplier).get(reverse(name, args=[evaluated.pk])).status_code == 404


@pytest.mark.parametrize("path", ["opening", "evaluation"])
def test_the_api_answers_as_the_pages_do(login, evaluated, supplier, outsider, path):
    url = f"/api/calloffs/{evaluated.pk}/{path}"
    assert login(outsider).get(url).status_code == 200
    assert login(supplier).get(url).status_code == 404


@pytest.mark.parametrize(("persona", "reads"), [
    ("agency_procurer", True), ("outsider", True), ("supplier", True), ("supplier_b", True), ("cpb_manager", True),
    ("other_agency_procurer", False), ("supplier_off_lot", False)])
def test_the_decision_is_read_by_the_agency_every_tenderer_and_the_purchasing_body(awarded, persona, reads,
                                                                                   request):
    actor = actor_for(request.getfixturevalue(persona))
    assert may_read_decision(actor, awarded) is reads
    if reads:
        assert get_decision_for_actor(actor, awarded.pk).calloff == awarded
    else:
        with pytest.raises(Http404):
            get_decision_for_actor(actor, awarded.pk)


def test_a_decision_not_yet_sent_is_not_found(evaluated, agency_procurer):
    with pytest.raises(Http404):
        get_decision_for_actor(actor_for(agency_procurer), evaluated.pk)


@pytest.mark.parametrize(("persona", "reads"), [
    ("agency_procurer", True), ("outsider", True), ("supplier", False), ("supplier_b", True),
    ("cpb_manager", False), ("other_agency_procurer", False)])
def test_the_contract_is_read_by_its_parties(contracted, persona, reads, request):
    """The lower price wins DESIGN.md's worked example: the contract is with Leverantör Två (supplier_b)."""
    actor = actor_for(request.getfixturevalue(persona))
    if reads:
        assert get_contract_for_actor(actor, contracted.pk).calloff == contracted
    else:
        with pytest.raises(Http404):
            get_contract_for_actor(actor, contracted.pk)


def test_tenders_are_sealed_until_the_deadline_has_passed(published_calloff):
    assert tenders_sealed(published_calloff, DEADLINE) is True  # a tender may still arrive at the deadline
    assert tenders_sealed(published_calloff, DEADLINE + timedelta(microseconds=1)) is False


def test_opened_tenders_are_not_sealed(opened):
    assert tenders_sealed(opened, DEADLINE - timedelta(days=1)) is False


def test_the_framework_manager_is_a_property_of_the_actor(cpb, cpb_manager, agency_procurer):
    clerk = member(cpb, Role.BUSINESS_DEVELOPER, full_name="Inte Förvaltare", email="clerk@cpb.se")
    assert actor_for(cpb_manager).is_framework_manager is True
    assert actor_for(cpb_manager).managed_organisation_ids == {cpb.pk}
    assert actor_for(clerk).is_framework_manager is False
    assert actor_for(agency_procurer).is_framework_manager is False
