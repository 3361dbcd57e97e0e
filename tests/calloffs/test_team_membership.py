"""Membership decides at the moment of the action (issue 9, point 20).

Someone on a call-off's team who is removed from the agency, or whose account is deactivated,
loses every right of the team at once and is no longer told what happens in the call-off, though
the team still lists them. A representative removed from a supplier likewise loses its rights and
its notifications.
"""

import re
from pathlib import Path

import pytest
from django.http import Http404
from django.urls import reverse

import innokop.calloffs.services
from innokop.accounts.models import Membership, Role
from innokop.accounts.permissions import actor_for
from innokop.accounts.services import membership_remove
from innokop.calloffs import services
from innokop.calloffs.models import CallOff, OpeningRecord
from innokop.calloffs.permissions import current_team, get_calloff_for_agency, is_team_member
from innokop.calloffs.services import opening
from innokop.core.models import Notification

from ..factories import member
from .award_helpers import (  # noqa: F401  (fixtures)
    AFTER_DEADLINE,
    award_lot,
    published_calloff,
    two_tenders,
)

pytestmark = pytest.mark.django_db


def remove_from(organisation, user, *, admin) -> None:
    """The organisation's administrator removes every role the user holds there (accounts' service)."""
    for membership in Membership.objects.filter(organisation=organisation, user=user):
        membership_remove(actor=admin, membership=membership)


def notified(kind: str) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient", flat=True))


@pytest.fixture
def removed_colleague(published_calloff, agency_procurer, agency_colleague):
    """The colleague is on the call-off's team, then removed from the agency."""
    assert is_team_member(actor_for(agency_colleague), published_calloff)
    remove_from(published_calloff.agency, agency_colleague, admin=agency_procurer)
    return agency_colleague


def test_a_member_removed_from_the_agency_cannot_confirm_the_opening(published_calloff, two_tenders, agency_procurer,
                                                                    removed_colleague, clock):
    clock.set(AFTER_DEADLINE)
    opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        opening.opening_confirm(actor=removed_colleague, calloff=published_calloff)
    assert OpeningRecord.objects.get().opened_at is None
    assert published_calloff.team.filter(pk=removed_colleague.pk).exists()  # still listed, no longer a right


def test_a_removed_member_is_not_asked_to_confirm_the_opening(published_calloff, agency_procurer, removed_colleague,
                                                              clock, django_capture_on_commit_callbacks):
    clock.set(AFTER_DEADLINE)
    with django_capture_on_commit_callbacks(execute=True):
        opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    assert removed_colleague.pk not in notified("calloff.opening_started")


def test_a_removed_member_is_not_told_of_a_question_and_cannot_answer_it(
        published_calloff, agency_procurer, removed_colleague, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(actor=supplier, calloff=published_calloff, text="Finns ett API?")
    assert notified("calloff.question_asked") == {agency_procurer.pk}
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        services.question_answer(actor=removed_colleague, question=question, answer="Ja.")


def test_a_removed_member_cannot_cancel(published_calloff, removed_colleague):
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        services.calloff_cancel(actor=removed_colleague, calloff=published_calloff, reason="Behovet har ändrats.")


def test_a_deactivated_member_loses_the_teams_rights(published_calloff, agency_colleague, two_tenders, agency_procurer,
                                                     clock, django_capture_on_commit_callbacks):
    agency_colleague.is_active = False
    agency_colleague.save(update_fields=["is_active"])
    assert not is_team_member(actor_for(agency_colleague), published_calloff)
    assert list(current_team(published_calloff)) == [agency_procurer]
    clock.set(AFTER_DEADLINE)
    opening.opening_start(actor=agency_procurer, calloff=published_calloff)
    with pytest.raises(services.CallOffError, match="Only the call-off's team"):
        opening.opening_confirm(actor=agency_colleague, calloff=published_calloff)


def test_the_team_is_the_current_members_of_the_agency(published_calloff, agency_procurer, agency_colleague):
    assert set(current_team(published_calloff)) == {agency_procurer, agency_colleague}
    # A second role in the agency does not list anyone twice.
    Membership.objects.create(user=agency_colleague, organisation=published_calloff.agency, role=Role.PROCURER)
    assert sorted(u.pk for u in current_team(published_calloff)) == sorted([agency_procurer.pk, agency_colleague.pk])
    remove_from(published_calloff.agency, agency_colleague, admin=agency_procurer)
    assert list(current_team(published_calloff)) == [agency_procurer]
    assert not CallOff.objects.changeable_by(actor_for(agency_colleague)).exists()


def test_rejoining_the_agency_gives_the_rights_back(published_calloff, agency_procurer, removed_colleague):
    """Membership at the moment of the action decides: the team keeps the name, the agency gives the right."""
    Membership.objects.create(user=removed_colleague, organisation=published_calloff.agency,
                              role=Role.BUSINESS_DEVELOPER)
    assert is_team_member(actor_for(removed_colleague), published_calloff)


def test_the_pages_and_the_api_refuse_a_removed_member(login, published_calloff, removed_colleague, clock):
    clock.set(AFTER_DEADLINE)
    client = login(removed_colleague)
    assert client.post(reverse("calloffs:opening_confirm", args=[published_calloff.pk])).status_code == 404
    assert client.get(f"/api/calloffs/{published_calloff.pk}").status_code == 404
    with pytest.raises(Http404):
        get_calloff_for_agency(actor_for(removed_colleague), published_calloff.pk, write=True)


# --- suppliers ----------------------------------------------------------------------------------------


def test_a_representative_removed_from_the_supplier_loses_its_rights_and_notifications(
        published_calloff, supplier_org, supplier, agency_procurer, django_capture_on_commit_callbacks):
    colleague = member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, full_name="Siv Säljare", email="siv@supplier.se")
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_ask(actor=colleague, calloff=published_calloff, text="Finns ett API?")
    remove_from(supplier_org, colleague, admin=supplier)
    with pytest.raises(services.CallOffError, match="Only representatives"):
        services.question_ask(actor=colleague, calloff=published_calloff, text="Och en fråga till?")
    with django_capture_on_commit_callbacks(execute=True):
        services.question_answer(actor=agency_procurer, question=question, answer="Ja.")
    assert colleague.pk not in notified("calloff.answer_published")
    assert supplier.pk in notified("calloff.answer_published")


# --- one way to reach the team ------------------------------------------------------------------------


def test_no_service_notifies_the_team_as_stored():
    """Every notification to a call-off's team goes through `current_team`, never `calloff.team` as stored."""
    services_dir = Path(innokop.calloffs.services.__file__).parent
    raw = re.compile(r"\.team\.(all|exclude|filter)\(")
    offenders = [f"{path.name}:{number}" for path in sorted(services_dir.glob("*.py"))
                 for number, line in enumerate(path.read_text().splitlines(), 1) if raw.search(line)]
    assert offenders == []
