"""Access-matrix rows for this app's URLs (see tests/test_access_matrix.py).

The supplier persona owns `own_draft`, `own_submitted` and `own_published`; `other_published` belongs to
another supplier (not the other-lot supplier persona, who owns no solution). The cpb persona is a framework
manager; platform staff are not, and see what the public sees.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from innokop.accounts.models import OrganisationKind, Role
from innokop.catalogue import services
from innokop.core.calendar import local_date

from ..access import OPEN, Row, static
from ..factories import OrganisationFactory, member

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
VALUES = {"summary": "S", "problem": "P", "how_it_works": "H", "effects": "E", "trl": 6, "cpv_codes": ["72000000"],
          "nationwide": True, "pricing_model": "licence", "data_location": "sweden"}

OWN_DRAFT = {"anonymous": 302, "supplier": 200, "*": 404}
SUPPLIERS_ONLY = {"anonymous": 302, "supplier": 200, "other_lot_supplier": 200, "*": 403}
MANAGERS_ONLY = {"anonymous": 302, "cpb": 200, "*": 403}
MANAGERS_POST = {"anonymous": 302, "cpb": 302, "*": 403}
# A submitted solution: its supplier and the framework managers see it; only the managers review it.
REVIEW_SUBMITTED = {"anonymous": 302, "supplier": 403, "cpb": 200, "*": 404}
REVIEW_SUBMITTED_POST = REVIEW_SUBMITTED | {"cpb": 302}


def _url(name: str, key: str, *more):
    return lambda world: reverse(name, args=[world.extra[key].pk, *more])


ROWS: dict = {
    "catalogue:solution_list": Row(static("catalogue:solution_list"), OPEN),
    "catalogue:solution_feed": Row(static("catalogue:solution_feed"), OPEN),
    "catalogue:solution_detail": Row(_url("catalogue:solution_detail", "own_draft"), OWN_DRAFT | {"anonymous": 404}),
    "catalogue:solution_file": Row(
        lambda w: reverse("catalogue:solution_file", args=[w.extra["own_published"].pk, w.extra["image"].document_id]),
        OPEN),
    "catalogue:supplier_detail": Row(lambda w: reverse("catalogue:supplier_detail", args=[w.extra["supplier_org"].pk]),
                                     OPEN),
    "catalogue:collection_list": Row(static("catalogue:collection_list"), OPEN),
    "catalogue:collection_detail": Row(lambda w: reverse("catalogue:collection_detail", args=["tema"]), OPEN),
    "catalogue:my_solutions": Row(static("catalogue:my_solutions"), SUPPLIERS_ONLY),
    "catalogue:solution_create": Row(static("catalogue:solution_create"), SUPPLIERS_ONLY),
    "catalogue:solution_tasks": Row(_url("catalogue:solution_tasks", "own_draft"), OWN_DRAFT),
    "catalogue:solution_section": Row(_url("catalogue:solution_section", "own_draft", "classification"), OWN_DRAFT),
    "catalogue:evidence_add": Row(_url("catalogue:evidence_add", "own_draft"), OWN_DRAFT),
    "catalogue:reference_case_add": Row(_url("catalogue:reference_case_add", "own_draft"), OWN_DRAFT),
    "catalogue:attachment_add": Row(_url("catalogue:attachment_add", "own_draft"), OWN_DRAFT),
    "catalogue:solution_check": Row(_url("catalogue:solution_check", "own_draft"), OWN_DRAFT),
    "catalogue:solution_submitted": Row(_url("catalogue:solution_submitted", "own_submitted"),
                                        {"anonymous": 302, "supplier": 200, "cpb": 403, "*": 404}),
    # Visible (published) but someone else's: refused.
    "catalogue:solution_archive": Row(_url("catalogue:solution_archive", "other_published"),
                                      {"anonymous": 302, "*": 403}, "post"),
    "catalogue:review_queue": Row(static("catalogue:review_queue"), MANAGERS_ONLY),
    "catalogue:review_solution": Row(_url("catalogue:review_solution", "own_submitted"), REVIEW_SUBMITTED),
    "catalogue:review_action": Row(_url("catalogue:review_action", "own_submitted"), REVIEW_SUBMITTED_POST, "post"),
    "catalogue:evidence_review": Row(_url("catalogue:evidence_review", "evidence"), REVIEW_SUBMITTED_POST, "post"),
    "catalogue:collection_manage": Row(static("catalogue:collection_manage"), MANAGERS_ONLY),
    "catalogue:collection_create": Row(static("catalogue:collection_create"), MANAGERS_ONLY),
    "catalogue:collection_edit": Row(_url("catalogue:collection_edit", "collection"), MANAGERS_ONLY),
    "catalogue:collection_items": Row(_url("catalogue:collection_items", "collection"), MANAGERS_POST, "post"),
    # The API
    "api:solution_search": Row(static("api:solution_search"), OPEN),
    "api:solution_get": Row(_url("api:solution_get", "own_draft"), OWN_DRAFT | {"anonymous": 404}),
    "api:supplier_get": Row(lambda w: reverse("api:supplier_get", args=[w.extra["supplier_org"].pk]), OPEN),
    "api:solution_create": Row(static("api:solution_create"), {"anonymous": 401, "*": 422}, "post", json=True),
    "api:solution_update": Row(_url("api:solution_update", "own_draft"), OWN_DRAFT | {"anonymous": 401},
                               "put", json=True),
    "api:solution_submit": Row(_url("api:solution_submit", "other_published"),
                               {"anonymous": 401, "*": 403}, "post", json=True),
}


def build(world) -> None:
    """A supplier's solutions in every state, another supplier's published one, evidence, an image, a collection."""
    supplier, manager = world.users["supplier"], world.users["cpb"]
    own = world.extra["supplier_org"]

    def solution(title: str, *, actor=supplier, org=own):
        return services.solution_create(actor=actor, supplier=org, title=title, **VALUES)

    def publish(item):
        services.solution_submit(actor=item.created_by, solution=item)
        return services.solution_publish(actor=manager, solution=item)

    world.extra["own_draft"] = solution("Utkast")
    world.extra["own_submitted"] = services.solution_submit(actor=supplier, solution=solution("Inskickad"))
    image_owner = solution("Publicerad")
    world.extra["image"] = services.attachment_add(actor=supplier, solution=image_owner, kind="image", title="Bild",
                                                   alt_text="Bild", uploaded=SimpleUploadedFile("b.png", PNG))
    world.extra["own_published"] = publish(image_owner)
    other_org = OrganisationFactory(kind=OrganisationKind.SUPPLIER)
    other_user = member(other_org, Role.SUPPLIER_REPRESENTATIVE)
    world.extra["other_published"] = publish(solution("Annans", actor=other_user, org=other_org))
    world.extra["evidence"] = services.evidence_add(
        actor=supplier, solution=world.extra["own_submitted"], kind="pilot", provided_by="Kommun",
        date=local_date(world.now), description="Pilot")
    world.extra["collection"] = services.collection_save(actor=manager, slug="tema", title="Tema", introduction="Intro",
                                                         published=True)
