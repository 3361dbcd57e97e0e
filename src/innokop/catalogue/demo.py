"""The demo catalogue: over 40 solutions in every state, evidence, reference cases and curated collections.

Made through the services, so the audit trail and notifications look as they would in real use.
Idempotent: a solution is known by its supplier and title, a collection by its slug.
"""

from datetime import date

from innokop.accounts.models import Role, User
from innokop.agreements.models import LotSupplier
from innokop.core.demo import Scenario

from . import services
from .demo_data import COLLECTIONS, EVIDENCE, REFERENCE_CASES, SOLUTIONS
from .models import Collection, ReviewStatus, Solution


def _representative(supplier) -> User:
    return User.objects.filter(memberships__organisation=supplier,
                               memberships__role=Role.SUPPLIER_REPRESENTATIVE).order_by("pk").first()


def _lots_for(supplier, scenario: Scenario, index: int) -> list:
    """Some of the lots the supplier is admitted to, when the agreements demo made any."""
    lots = scenario.objects.get("lots", [])
    admitted = set(LotSupplier.objects.filter(supplier=supplier, lot__in=lots).values_list("lot_id", flat=True))
    return [lot for lot in lots if lot.pk in admitted][: 1 + index % 2]


def _create(scenario: Scenario, spec: tuple, index: int) -> Solution | None:
    key, title, summary, problem, how, effects, cpv, trl, pricing, data, regions, state = spec
    supplier = scenario.objects[f"org:{key}"]
    existing = Solution.objects.filter(supplier=supplier, title=title).first()
    scenario.count(existing is None)
    if existing is not None:
        return None
    actor = _representative(supplier)
    nationwide = regions == "SE"
    return services.solution_create(
        actor=actor, supplier=supplier, title=title, summary=summary, problem=problem, how_it_works=how,
        effects=effects, cpv_codes=cpv, trl=trl, pricing_model=pricing, data_location=data, nationwide=nationwide,
        regions=[] if nationwide else regions, lots=_lots_for(supplier, scenario, index),
        pricing_details="Pris enligt ramavtalets prislista. Volymrabatt från 100 enheter.",
        accessibility="<p>Gränssnittet uppfyller WCAG 2.1 nivå AA enligt extern granskning.</p>",
    )


def _evidence(solution: Solution, manager: User) -> None:
    actor = _representative(solution.supplier)
    for kind, by, when, description, accepted in EVIDENCE.get(solution.title, []):
        item = services.evidence_add(actor=actor, solution=solution, kind=kind, provided_by=by,
                                     date=date.fromisoformat(when), description=description)
        if accepted is True and solution.status != "draft":
            services.evidence_review(actor=manager, evidence=item, status=ReviewStatus.ACCEPTED,
                                     note="Rapporten är granskad.")
        elif accepted is False and solution.status != "draft":
            services.evidence_review(actor=manager, evidence=item, status=ReviewStatus.REJECTED,
                                     note="Rapporten saknar mätdata. Skicka gärna in den fullständiga rapporten.")


def _move(solution: Solution, state: str, manager: User) -> None:
    """Take a new solution to the state the demo wants."""
    actor = _representative(solution.supplier)
    if state == "draft":
        return
    services.solution_submit(actor=actor, solution=solution)
    if state == "submitted":
        return
    solution = services.solution_publish(actor=manager, solution=solution, reason="Tydligt beskriven. Välkommen!")
    _evidence(solution, manager)
    if state in {"verified", "featured"} and solution.evidence.filter(status=ReviewStatus.ACCEPTED).exists():
        services.solution_verify(actor=manager, solution=solution,
                                 reason="Effekterna styrks av granskade piloter och tester.")
    if state == "featured":
        services.solution_feature(actor=manager, solution=solution, featured=True)
    if state == "changes":
        services.solution_update(actor=actor, solution=solution,
                                 summary=solution.summary + " Nu även med teckenspråkstolk.")


def _reference_cases(scenario: Scenario) -> None:
    for title, customer, case_title, story, year in REFERENCE_CASES:
        solution = Solution.objects.filter(title=title).first()
        if solution is None or solution.reference_cases.filter(title=case_title).exists():
            continue
        services.reference_case_add(actor=_representative(solution.supplier), solution=solution, customer=customer,
                                    title=case_title, story=story, year=year)
        solution.refresh_from_db()
        if solution.is_published and solution.has_pending_changes and not solution.pending_changes:
            services.solution_changes_approve(actor=scenario.objects["user:anna.ramstrom"], solution=solution)
        scenario.count(True)


def _collections(scenario: Scenario, manager: User) -> None:
    for slug, title, introduction, featured, titles in COLLECTIONS:
        exists = Collection.objects.filter(slug=slug).exists()
        scenario.count(not exists)
        if exists:
            continue
        collection = services.collection_save(actor=manager, slug=slug, title=title, introduction=introduction,
                                              published=True, featured=featured)
        for solution in Solution.objects.published().filter(title__in=titles):
            services.collection_add_solution(actor=manager, collection=collection, solution=solution)


def load(scenario: Scenario) -> None:
    manager = scenario.objects["user:anna.ramstrom"]
    for index, spec in enumerate(SOLUTIONS):
        solution = _create(scenario, spec, index)
        if solution is not None:
            _move(solution, spec[-1], manager)
    _reference_cases(scenario)
    _collections(scenario, manager)
