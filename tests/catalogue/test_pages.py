"""The catalogue's pages: what each persona sees and may do, through the real views."""

import html
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.accounts.models import Organisation
from innokop.catalogue import services
from innokop.catalogue.models import Collection, Evidence, ReviewStatus, Solution, SolutionStatus

from .conftest import VALUES

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_another_suppliers_draft_is_not_found(login, draft, supplier_b, agency_procurer, cpb_manager):
    for someone in (supplier_b, agency_procurer, cpb_manager):
        client = login(someone)
        assert client.get(reverse("catalogue:solution_detail", args=[draft.pk])).status_code == 404
        assert client.get(reverse("catalogue:solution_tasks", args=[draft.pk])).status_code == 404


def test_a_supplier_may_not_change_someone_elses_published_solution(login, published, supplier_b):
    client = login(supplier_b)
    assert client.get(reverse("catalogue:solution_detail", args=[published.pk])).status_code == 200
    url = reverse("catalogue:solution_section", args=[published.pk, "description"])
    assert client.post(url, {"title": "Kapad", "summary": "x", "problem": "x", "how_it_works": "x"}).status_code == 403
    assert Solution.objects.get(pk=published.pk).title == "Smart avfallshantering"


def test_only_framework_managers_post_review_actions(login, submitted, supplier, agency_procurer, staff_user):
    url = reverse("catalogue:review_action", args=[submitted.pk])
    assert login(supplier).post(url, {"action": "publish"}).status_code == 403
    assert login(agency_procurer).post(url, {"action": "publish"}).status_code == 404
    assert login(staff_user).post(url, {"action": "publish"}).status_code == 404
    assert Solution.objects.get(pk=submitted.pk).status == SolutionStatus.SUBMITTED


def test_the_solution_page_has_open_graph_tags(client, published, supplier):
    image = services.attachment_add(actor=supplier, solution=published, kind="image", title="Bild", alt_text="Sensor",
                                    uploaded=SimpleUploadedFile("bild.png", PNG))
    page = client.get(reverse("catalogue:solution_detail", args=[published.pk])).content.decode()
    assert '<meta property="og:title" content="Smart avfallshantering">' in page
    assert f'<meta property="og:description" content="{VALUES["summary"]}">' in page
    assert '<meta property="og:type" content="article">' in page
    assert f'<meta property="og:url" content="http://testserver/solutions/{published.pk}/">' in page
    assert "og:image" not in page  # the image waits for approval
    assert image.pending


def test_og_image_when_the_solution_has_a_public_image(client, draft, supplier, cpb_manager):
    image = services.attachment_add(actor=supplier, solution=draft, kind="image", title="Bild", alt_text="Sensor",
                                    uploaded=SimpleUploadedFile("bild.png", PNG))
    services.solution_submit(actor=supplier, solution=draft)
    services.solution_publish(actor=cpb_manager, solution=draft)
    page = client.get(reverse("catalogue:solution_detail", args=[draft.pk])).content.decode()
    url = f"http://testserver/solutions/{draft.pk}/files/{image.document_id}/"
    assert f'<meta property="og:image" content="{url}">' in page
    assert 'alt="Sensor"' in page


def test_the_public_page_shows_the_verified_badge_and_accepted_evidence_only(client, published, accepted_evidence,
                                                                              supplier, cpb_manager, clock):
    services.evidence_add(actor=supplier, solution=published, kind="certification", provided_by="Okänt institut",
                          date=clock.now().date(), description="Ej granskad")
    services.solution_verify(actor=cpb_manager, solution=published, reason="Piloten visar effekten.")
    page = client.get(reverse("catalogue:solution_detail", args=[published.pk])).content.decode()
    assert "Verifierad" in page and "15 mars 2027" in page
    assert "Sjöstads kommun" in page and "Okänt institut" not in page


def test_rich_text_is_shown_sanitised(client, draft, supplier, cpb_manager):
    Solution.objects.filter(pk=draft.pk).update(problem="<p>Ok</p><script>alert(1)</script>")  # bypassing the service
    services.solution_submit(actor=supplier, solution=draft)
    services.solution_publish(actor=cpb_manager, solution=draft)
    page = client.get(reverse("catalogue:solution_detail", args=[draft.pk])).content.decode()
    assert "<p>Ok</p>" in page and "alert(1)" not in page


def test_the_supplier_sees_the_reasons_on_its_solution_page(login, submitted, supplier, cpb_manager):
    services.solution_return(actor=cpb_manager, solution=submitted, reason="Lägg till effekter i siffror.")
    page = login(supplier).get(reverse("catalogue:solution_tasks", args=[submitted.pk])).content.decode()
    assert "Lägg till effekter i siffror." in page


def test_a_supplier_creates_fills_in_and_submits_through_the_pages(login, supplier, cpb_manager,
                                                                   django_capture_on_commit_callbacks):
    client = login(supplier)
    response = client.post(reverse("catalogue:solution_create"), {"title": "Tolk på distans", "summary": "Video."})
    solution = Solution.objects.get(title="Tolk på distans")
    assert response.url == reverse("catalogue:solution_tasks", args=[solution.pk])
    check = reverse("catalogue:solution_check", args=[solution.pk])
    assert client.post(check).status_code == 400
    sections = {
        "description": {"title": "Tolk på distans", "summary": "Video.", "problem": "Långa resor.",
                        "how_it_works": "Videotolkning."},
        "effects": {"effects": "Halverade kostnader."},
        "classification": {"trl": "9", "cpv_codes": "79530000", "nationwide": "on"},
        "commercial": {"pricing_model": "per_unit", "data_location": "sweden", "accessibility": "WCAG 2.1 AA"},
    }
    for section, data in sections.items():
        response = client.post(reverse("catalogue:solution_section", args=[solution.pk, section]), data)
        assert response.status_code == 302, response.content.decode()
    assert client.get(check).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(check)
    assert response.url == reverse("catalogue:solution_submitted", args=[solution.pk])
    assert Solution.objects.get(pk=solution.pk).status == SolutionStatus.SUBMITTED
    assert cpb_manager.notifications.filter(kind="catalogue.submitted").exists()


def test_unknown_cpv_codes_are_an_error_on_the_form(login, draft, supplier):
    url = reverse("catalogue:solution_section", args=[draft.pk, "classification"])
    response = login(supplier).post(url, {"trl": "5", "cpv_codes": "12345678", "nationwide": "on"})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode() and "12345678" in response.content.decode()


def test_an_image_upload_of_a_pdf_is_refused_on_the_page(login, draft, supplier):
    url = reverse("catalogue:attachment_add", args=[draft.pk])
    response = login(supplier).post(url, {"kind": "image", "title": "Bild", "alt_text": "Bild",
                                          "file": SimpleUploadedFile("bild.png", b"%PDF-1.7\n")})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert not draft.attachments.exists()


def test_evidence_and_reference_cases_through_the_pages(login, draft, supplier):
    client = login(supplier)
    response = client.post(reverse("catalogue:evidence_add", args=[draft.pk]), {
        "kind": "test_bed", "provided_by": "Testbädd Norr", "date": "2026-09-01", "description": "Vintertest.",
        "file": SimpleUploadedFile("rapport.pdf", b"%PDF-1.7\nrapport"),
    })
    assert response.status_code == 302
    evidence = Evidence.objects.get(solution=draft)
    assert evidence.document.attached_to == draft.document_key
    response = client.post(reverse("catalogue:reference_case_add", args=[draft.pk]), {
        "customer": "Älvdala kommun", "title": "Färre tömningar", "story": "Det gick bra.", "year": "2026"})
    assert response.status_code == 302 and draft.reference_cases.count() == 1


def test_a_framework_manager_reviews_through_the_pages(login, submitted, supplier, cpb_manager, clock):
    evidence = services.evidence_add(actor=supplier, solution=submitted, kind="pilot", provided_by="Kommunen",
                                     date=clock.now().date(), description="Pilot")
    client = login(cpb_manager)
    queue = client.get(reverse("catalogue:review_queue")).content.decode()
    assert "Smart avfallshantering" in queue
    assert client.get(reverse("catalogue:review_solution", args=[submitted.pk])).status_code == 200
    client.post(reverse("catalogue:evidence_review", args=[evidence.pk]), {"status": "accepted", "note": ""})
    assert Evidence.objects.get(pk=evidence.pk).status == ReviewStatus.ACCEPTED
    url = reverse("catalogue:review_action", args=[submitted.pk])
    client.post(url, {"action": "publish", "reason": ""})
    client.post(url, {"action": "verify", "reason": "Piloten räcker."})
    client.post(url, {"action": "feature"})
    solution = Solution.objects.get(pk=submitted.pk)
    assert solution.status == SolutionStatus.PUBLISHED and solution.is_verified and solution.featured


def test_a_review_action_without_a_reason_is_refused_with_a_message(login, submitted, cpb_manager):
    response = login(cpb_manager).post(reverse("catalogue:review_action", args=[submitted.pk]),
                                       {"action": "return", "reason": ""}, follow=True)
    assert Solution.objects.get(pk=submitted.pk).status == SolutionStatus.SUBMITTED
    assert "Leverantören kommer att se den" in response.content.decode() or "Give a reason" in response.content.decode()


def test_the_atom_feed_lists_new_and_verified_solutions(client, published, accepted_evidence, cpb_manager):
    services.solution_verify(actor=cpb_manager, solution=published, reason="Ok")
    response = client.get(reverse("catalogue:solution_feed"))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    root = ElementTree.fromstring(response.content)
    atom = "{http://www.w3.org/2005/Atom}"
    entries = root.findall(f"{atom}entry")
    assert len(entries) == 2
    titles = [entry.find(f"{atom}title").text for entry in entries]
    assert any("Smart avfallshantering" in title for title in titles)
    assert len({entry.find(f"{atom}id").text for entry in entries}) == 2


def test_the_feed_gives_summaries_and_company_names_as_text_not_markup(client, published, supplier_org):
    markup = '<img src=x onerror="alert(1)">'
    Solution.objects.filter(pk=published.pk).update(summary=f"Sorterar {markup} & mer")
    Organisation.objects.filter(pk=supplier_org.pk).update(name="<b>Leverantör</b> AB")
    root = ElementTree.fromstring(client.get(reverse("catalogue:solution_feed")).content)
    atom = "{http://www.w3.org/2005/Atom}"
    summary = root.find(f"{atom}entry/{atom}summary")
    # What a feed reader gets after reading the XML: text, or HTML in which the markup is escaped.
    shown = summary.text
    if summary.get("type") == "html":
        assert "<" not in summary.text  # no markup for the reader to run
        shown = html.unescape(summary.text)
    assert shown == f"Sorterar {markup} & mer (<b>Leverantör</b> AB)"
    assert root.find(f"{atom}entry/{atom}author/{atom}name").text == "<b>Leverantör</b> AB"  # a text element


def test_the_feed_leaves_out_archived_solutions(client, published, supplier):
    services.solution_archive(actor=supplier, solution=published)
    assert b"<entry>" not in client.get(reverse("catalogue:solution_feed")).content


def test_supplier_profile_shows_published_solutions_only(client, published, supplier, supplier_org):
    services.solution_create(actor=supplier, supplier=supplier_org, title="Hemligt utkast", summary="x")
    page = client.get(reverse("catalogue:supplier_detail", args=[supplier_org.pk])).content.decode()
    assert "Smart avfallshantering" in page and "Hemligt utkast" not in page
    assert client.get(reverse("catalogue:supplier_detail", args=[999999])).status_code == 404


def test_collections_are_curated_by_framework_managers(login, published, cpb_manager, supplier, client):
    manager = login(cpb_manager)
    response = manager.post(reverse("catalogue:collection_create"), {
        "title": "Smart avfall", "slug": "smart-avfall", "introduction": "<p>Om <em>avfall</em></p><script>x()</script>",
        "published": "on", "featured": "on"})
    collection = Collection.objects.get(slug="smart-avfall")
    assert response.url == reverse("catalogue:collection_edit", args=[collection.pk])
    assert "<script>" not in collection.introduction
    manager.post(reverse("catalogue:collection_items", args=[collection.pk]), {"action": "add", "solution": published.pk})
    assert list(collection.solutions.all()) == [published]
    client.logout()
    page = client.get(reverse("catalogue:collection_detail", args=["smart-avfall"])).content.decode()
    assert "Smart avfallshantering" in page and "<em>avfall</em>" in page
    with pytest.raises(services.CatalogueError):
        services.collection_save(actor=supplier, title="Min", slug="min")


def test_collection_order_can_be_changed(cpb_manager, published, supplier, supplier_org):
    second = services.solution_create(actor=supplier, supplier=supplier_org, title="Andra", **VALUES)
    services.solution_submit(actor=supplier, solution=second)
    services.solution_publish(actor=cpb_manager, solution=second)
    collection = services.collection_save(actor=cpb_manager, slug="t", title="T", published=True)
    services.collection_add_solution(actor=cpb_manager, collection=collection, solution=published)
    services.collection_add_solution(actor=cpb_manager, collection=collection, solution=second)
    services.collection_move_solution(actor=cpb_manager, collection=collection, solution_id=second.pk, step=-1)
    assert [item.solution_id for item in collection.items.all()] == [second.pk, published.pk]


def test_the_featured_partial_renders_without_help_from_the_view(rf, published, cpb_manager):
    services.solution_feature(actor=cpb_manager, solution=published, featured=True)
    services.collection_save(actor=cpb_manager, slug="tema", title="Temat", published=True, featured=True)
    html = Template('{% include "catalogue/includes/featured.html" %}').render(Context({"request": rf.get("/")}))
    assert "Smart avfallshantering" in html and "Temat" in html


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_solution_page_does_not_grow_with_the_data(client, published, supplier, cpb_manager, clock):
    url = reverse("catalogue:solution_detail", args=[published.pk])
    before = _queries(client, url)
    for n in range(5):
        evidence = services.evidence_add(actor=supplier, solution=published, kind="pilot", provided_by=f"Kommun {n}",
                                         date=clock.now().date(), description="Pilot",
                                         uploaded=SimpleUploadedFile(f"r{n}.pdf", b"%PDF-1.7\n"))
        services.evidence_review(actor=cpb_manager, evidence=evidence, status=ReviewStatus.ACCEPTED)
        services.reference_case_add(actor=supplier, solution=published, customer=f"K{n}", title="T", story="S",
                                    year=2026)
        services.attachment_add(actor=supplier, solution=published, kind="image", title=f"B{n}", alt_text="B",
                                uploaded=SimpleUploadedFile(f"b{n}.png", PNG))
    published.cpv_codes.add("90500000", "48000000")
    services.solution_changes_approve(actor=cpb_manager, solution=published)
    assert _queries(client, url) == before


def test_archiving_from_the_page_needs_a_confirmation(login, published, supplier):
    client = login(supplier)
    url = reverse("catalogue:solution_archive", args=[published.pk])
    client.post(url)
    assert Solution.objects.get(pk=published.pk).status == SolutionStatus.PUBLISHED
    assert client.post(url, {"confirm": "yes"}).url == reverse("catalogue:my_solutions")
    assert Solution.objects.get(pk=published.pk).status == SolutionStatus.ARCHIVED


@pytest.mark.parametrize("query", ["trl=²", "lot=²", "lot=99999999999999999999999", "lot=" + "9" * 5000, "cpv=¹²"])
def test_odd_filter_values_are_ignored_not_a_crash(client, db, query):
    assert client.get(f"/solutions/?{query}").status_code == 200


def test_a_lot_of_a_draft_agreement_is_never_named_in_the_facets(client, db, cpb):
    from tests.agreements.factories import AgreementFactory, LotFactory

    draft_lot = LotFactory(agreement=AgreementFactory(owner=cpb, title="Hemligt utkast"))
    page = client.get(f"/solutions/?lot={draft_lot.pk}").content.decode()
    assert "Hemligt utkast" not in page
