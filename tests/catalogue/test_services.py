"""The solution's state machine, who may move it, and what each step leaves behind."""

import pytest

from innokop.catalogue import services
from innokop.catalogue.models import (
    Evidence,
    ReviewDecision,
    ReviewStatus,
    Solution,
    SolutionReview,
    SolutionStatus,
)
from innokop.core.models import AuditEvent, Notification

from .conftest import VALUES

pytestmark = pytest.mark.django_db


def verbs(solution: Solution) -> list[str]:
    return list(AuditEvent.objects.filter(object_type="catalogue.solution", object_id=str(solution.pk))
                .values_list("verb", flat=True))


def test_a_supplier_creates_a_draft_of_its_own(draft, supplier_org):
    assert draft.status == SolutionStatus.DRAFT
    assert draft.supplier == supplier_org
    assert verbs(draft) == ["solution.created"]


def test_only_the_suppliers_own_representatives_create_and_edit(draft, supplier_org, supplier_b, cpb_manager,
                                                                 agency_procurer):
    for outsider in (supplier_b, cpb_manager, agency_procurer):
        with pytest.raises(services.CatalogueError):
            services.solution_create(actor=outsider, supplier=supplier_org, title="X", summary="Y")
        with pytest.raises(services.CatalogueError):
            services.solution_update(actor=outsider, solution=draft, title="Kapad")
    draft.refresh_from_db()
    assert draft.title == "Smart avfallshantering"


def test_submit_needs_every_section(supplier, supplier_org, clock):
    solution = services.solution_create(actor=supplier, supplier=supplier_org, title="Tom", summary="Kort")
    with pytest.raises(services.CatalogueError):
        services.solution_submit(actor=supplier, solution=solution)
    assert Solution.objects.get(pk=solution.pk).status == SolutionStatus.DRAFT


def test_submitting_tells_the_framework_managers(draft, supplier, cpb_manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_submit(actor=supplier, solution=draft)
    draft.refresh_from_db()
    assert draft.status == SolutionStatus.SUBMITTED
    assert "solution.submitted" in verbs(draft)
    assert Notification.objects.filter(recipient=cpb_manager, kind="catalogue.submitted").exists()


def test_only_framework_managers_publish(submitted, supplier, agency_procurer, staff_user):
    for someone in (supplier, agency_procurer, staff_user):
        with pytest.raises(services.CatalogueError):
            services.solution_publish(actor=someone, solution=submitted)
    assert Solution.objects.get(pk=submitted.pk).status == SolutionStatus.SUBMITTED


def test_publishing_records_the_decision_and_tells_the_supplier(submitted, cpb_manager, supplier,
                                                                django_capture_on_commit_callbacks, clock):
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_publish(actor=cpb_manager, solution=submitted, reason="Välbeskriven.")
    submitted.refresh_from_db()
    assert submitted.status == SolutionStatus.PUBLISHED
    assert submitted.published_at == clock.now()
    assert SolutionReview.objects.get(solution=submitted).decision == ReviewDecision.PUBLISHED
    assert "solution.published" in verbs(submitted)
    assert Notification.objects.filter(recipient=supplier, kind="catalogue.published").exists()


def test_a_draft_cannot_be_published(draft, cpb_manager):
    with pytest.raises(services.CatalogueError):
        services.solution_publish(actor=cpb_manager, solution=draft)


def test_returning_needs_a_reason_that_the_supplier_sees(submitted, cpb_manager, supplier,
                                                         django_capture_on_commit_callbacks):
    with pytest.raises(services.CatalogueError):
        services.solution_return(actor=cpb_manager, solution=submitted, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.solution_return(actor=cpb_manager, solution=submitted, reason="Beskriv effekterna med siffror.")
    submitted.refresh_from_db()
    assert submitted.status == SolutionStatus.DRAFT
    assert submitted.reviews.get().reason == "Beskriv effekterna med siffror."
    message = Notification.objects.get(recipient=supplier, kind="catalogue.returned")
    assert "Beskriv effekterna med siffror." in message.body


def test_verification_needs_accepted_evidence(published, supplier, cpb_manager, clock):
    with pytest.raises(services.CatalogueError, match="evidence|belägg"):
        services.solution_verify(actor=cpb_manager, solution=published, reason="Bra.")
    evidence = services.evidence_add(actor=supplier, solution=published, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot")
    with pytest.raises(services.CatalogueError):
        services.solution_verify(actor=cpb_manager, solution=published, reason="Bra.")
    services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.REJECTED, note="Ingen rapport.")
    with pytest.raises(services.CatalogueError):
        services.solution_verify(actor=cpb_manager, solution=published, reason="Bra.")
    services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.ACCEPTED)
    services.solution_verify(actor=cpb_manager, solution=published, reason="Piloten visar effekten.")
    published.refresh_from_db()
    assert published.verified_at == clock.now()
    assert published.verified_by == cpb_manager
    assert "solution.verified" in verbs(published)


def test_only_framework_managers_verify_and_review_evidence(published, accepted_evidence, supplier, agency_procurer):
    for someone in (supplier, agency_procurer):
        with pytest.raises(services.CatalogueError):
            services.solution_verify(actor=someone, solution=published, reason="Jag tycker det.")
        with pytest.raises(services.CatalogueError):
            services.evidence_review(actor=someone, evidence=accepted_evidence, status=ReviewStatus.ACCEPTED)


def test_rejecting_evidence_needs_a_note(published, supplier, cpb_manager, clock):
    evidence = services.evidence_add(actor=supplier, solution=published, kind="certification", provided_by="RISE",
                                     date=clock.now().date(), description="Certifikat")
    with pytest.raises(services.CatalogueError):
        services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.REJECTED)
    assert Evidence.objects.get(pk=evidence.pk).status == ReviewStatus.PENDING


def test_verification_can_be_withdrawn_with_a_reason(published, accepted_evidence, cpb_manager):
    services.solution_verify(actor=cpb_manager, solution=published, reason="Bra pilot.")
    with pytest.raises(services.CatalogueError):
        services.solution_unverify(actor=cpb_manager, solution=published, reason="")
    services.solution_unverify(actor=cpb_manager, solution=published, reason="Piloten avbröts.")
    published.refresh_from_db()
    assert not published.is_verified
    assert [r.decision for r in published.reviews.all()][:2] == [ReviewDecision.UNVERIFIED, ReviewDecision.VERIFIED]


def test_an_archived_solution_cannot_come_back(published, supplier, cpb_manager):
    services.solution_archive(actor=supplier, solution=published)
    published.refresh_from_db()
    assert published.status == SolutionStatus.ARCHIVED
    with pytest.raises(services.CatalogueError):
        services.solution_update(actor=supplier, solution=published, title="Ny")
    with pytest.raises(services.CatalogueError):
        services.solution_archive(actor=cpb_manager, solution=published)


def test_another_supplier_cannot_archive(published, supplier_b):
    with pytest.raises(services.CatalogueError):
        services.solution_archive(actor=supplier_b, solution=published)


def test_lots_are_limited_to_those_the_supplier_is_admitted_to(draft, supplier, supplier_b, supplier_org_b, lot):
    services.solution_update(actor=supplier, solution=draft, lots=[lot])
    assert list(draft.lots.all()) == [lot]
    other = services.solution_create(actor=supplier_b, supplier=supplier_org_b, title="B", summary="B")
    with pytest.raises(services.CatalogueError, match="admitted|antagen"):
        services.solution_update(actor=supplier_b, solution=other, lots=[lot])
    with pytest.raises(services.CatalogueError):
        services.solution_create(actor=supplier_b, supplier=supplier_org_b, title="C", summary="C", lots=[lot.pk])


def test_rich_text_is_sanitised_when_saved(draft, supplier):
    services.solution_update(
        actor=supplier, solution=draft,
        problem='<p>Bra <strong>lösning</strong><script>alert("x")</script></p><img src=x onerror=alert(1)>'
                '<a href="javascript:alert(1)">länk</a>',
    )
    draft.refresh_from_db()
    assert "<script" not in draft.problem and "alert" not in draft.problem
    assert "onerror" not in draft.problem and "javascript:" not in draft.problem
    assert "<strong>lösning</strong>" in draft.problem


def test_plain_text_gets_paragraphs(draft, supplier):
    services.solution_update(actor=supplier, solution=draft, effects="Första stycket.\n\nAndra < tredje & fjärde.")
    draft.refresh_from_db()
    assert draft.effects == "<p>Första stycket.</p>\n\n<p>Andra &lt; tredje &amp; fjärde.</p>"


def test_trl_must_be_one_to_nine(draft, supplier):
    with pytest.raises(services.CatalogueError):
        services.solution_update(actor=supplier, solution=draft, trl=10)


def test_the_whole_path_leaves_an_audit_trail(published, accepted_evidence, cpb_manager):
    services.solution_verify(actor=cpb_manager, solution=published, reason="Ok")
    assert verbs(published) == ["solution.created", "solution.submitted", "solution.published", "solution.verified"]
    assert VALUES["summary"] == published.summary
