"""Pages anyone may read: the search, a solution, a supplier, the collections, the Atom feed."""

import hashlib

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.agreements.permissions import may_start
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.core.html import html_to_text
from innokop.core.models import Document
from innokop.core.permissions import get_for_actor
from innokop.core.search import search_index_token

from ..finder import Criteria, solution_search, supplier_and_agreement_search
from ..models import (
    AttachmentKind,
    Collection,
    CollectionItem,
    ReviewDecision,
    ReviewStatus,
    Solution,
    SolutionAttachment,
    SolutionReview,
    SolutionStatus,
)
from ..permissions import get_public_collection, get_solution_for_actor

PAGE_SIZE = 20
# What catalogue/includes/solution_card.html reads (and the search page's snippet falls back to).
CARD_FIELDS = ("id", "title", "summary", "trl", "verified_at", "supplier", "supplier__name", "supplier__is_sme")


def solution_cards(ids: list[int]) -> list[Solution]:
    """The solutions of one result page, in the given order, with what a card shows (the supplier, the first
    image), in a fixed number of queries."""
    # Only the columns a card shows: a solution's row holds its long texts, which a card never reads.
    found = (Solution.objects.filter(pk__in=ids).select_related("supplier").prefetch_related(_public_images())
             .only(*CARD_FIELDS))
    by_pk = {solution.pk: solution for solution in found}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _public_images() -> Prefetch:
    images = SolutionAttachment.objects.filter(kind=AttachmentKind.IMAGE, pending=False).select_related("document")
    return Prefetch("attachments", queryset=images, to_attr="public_images")


@require_safe
def solution_list(request: HttpRequest) -> HttpResponse:
    criteria = Criteria.from_query(request.GET)
    # A changed filter (HTMX) gets only the results and the facet counts; a history restore, the whole page.
    partial = bool(request.htmx and not request.htmx.history_restore_request)
    body = _cached_search_body(request, criteria, partial)
    response = HttpResponse(body) if partial else render(request, "catalogue/solution_list.html", {
        "criteria": criteria, "body": body})
    patch_vary_headers(response, ["HX-Request"])
    return response


def _cached_search_body(request: HttpRequest, criteria: Criteria, partial: bool) -> str:
    """The search page's content (or the HTMX update), the same for everyone who asks with the same query
    string in the same language, served from the pages cache while the search index's token is unchanged.
    Every change to the index (a solution published, changed, verified, archived; a supplier or agreement
    indexed) gives a new token; what the index does not hold (a card's image, a supplier renamed in the admin, a
    facet's label) may be up to CATALOGUE_PAGE_CACHE_SECONDS old. The token is read again after rendering: a page is kept only under
    the state it was rendered in."""
    seconds = settings.CATALOGUE_PAGE_CACHE_SECONDS
    token = search_index_token() if seconds > 0 else None
    query = request.GET.urlencode()
    key = (f"catalogue:search:{token}:{get_language()}:{int(partial)}:"
           f"{hashlib.sha256(query.encode()).hexdigest()[:40]}")
    pages = caches["pages"]
    body = pages.get(key) if token else None
    if body is None:
        body = _render_search_body(request, criteria, partial)
        if token and search_index_token() == token:
            pages.set(key, body, seconds)
    return mark_safe(body)  # noqa: S308 - rendered by the template engine above, which escapes


def _render_search_body(request: HttpRequest, criteria: Criteria, partial: bool) -> str:
    result = solution_search(criteria, page=request.GET.get("page", 1), page_size=PAGE_SIZE)
    page = Paginator(result.ordered_ids, PAGE_SIZE).get_page(request.GET.get("page"))
    solutions = solution_cards(list(page.object_list))
    snippets = result.snippets(solution.pk for solution in solutions)
    for solution in solutions:
        solution.snippet = mark_safe(snippets.get(solution.pk, ""))  # noqa: S308 - the engine escapes it
    template = "catalogue/includes/search_update.html" if partial else "catalogue/includes/search_page.html"
    suppliers, agreements = supplier_and_agreement_search(result.query)
    return render_to_string(template, {
        "criteria": criteria, "page": page, "solutions": solutions, "facets": result.facets,
        "facets_among": result.facets_among,
        "suppliers": suppliers, "agreements": agreements,
    }, request=request)


def _detail_context(request: HttpRequest, solution: Solution) -> dict:
    owner = solution.supplier_id in request.actor.organisation_ids
    insider = owner or request.actor.is_framework_manager
    evidence = solution.evidence.select_related("document")
    cases = solution.reference_cases.all()
    attachments = solution.attachments.select_related("document")
    if not insider:
        evidence = evidence.filter(status=ReviewStatus.ACCEPTED)
        cases = cases.filter(pending=False)
        attachments = attachments.filter(pending=False)
    attachments = list(attachments)
    return {
        "solution": solution, "owner": owner, "insider": insider, "evidence": list(evidence),
        "reference_cases": list(cases),
        "images": [a for a in attachments if a.kind == AttachmentKind.IMAGE],
        "documents": [a for a in attachments if a.kind == AttachmentKind.DOCUMENT],
        "lots": list(solution.lots.filter(agreement__published_at__isnull=False, agreement__terminated_at__isnull=True)
                     .select_related("agreement")),
        "cpv_codes": list(solution.cpv_codes.all()), "regions": list(solution.regions.all()),
        "reviews": list(solution.reviews.all()) if owner else [],
    }


@require_safe
def solution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    solution = get_solution_for_actor(request.actor, pk)
    context = _detail_context(request, solution)
    today = local_date(clock.now())
    context["startable"] = {lot.pk for lot in context["lots"] if may_start(request.actor, lot, today)}
    context["description"] = solution.summary or html_to_text(solution.problem)[:300]
    if context["images"]:
        image = context["images"][0]
        context["og_image"] = request.build_absolute_uri(
            reverse("catalogue:solution_file", args=[solution.pk, image.document_id]))
    return render(request, "catalogue/solution_detail.html", context)


@require_safe
def solution_file(request: HttpRequest, pk: int, document_id) -> FileResponse:
    """An image or document of a solution, for whoever may see the solution (and the file)."""
    solution = get_solution_for_actor(request.actor, pk)
    insider = solution.supplier_id in request.actor.organisation_ids or request.actor.is_framework_manager
    documents = Document.objects.filter(attached_to=solution.document_key)
    if not insider:
        documents = documents.filter(is_public=True)
    document = get_for_actor(documents, None, document_id)
    version = document.current
    if version is None:
        raise Http404
    inline = version.content_type.startswith("image/")
    response = FileResponse(version.file.open("rb"), as_attachment=not inline, filename=version.safe_name,
                            content_type=version.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_safe
def supplier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supplier = get_for_actor(Organisation.objects.filter(kind=OrganisationKind.SUPPLIER), None, pk)
    solutions = (supplier.solutions.published().select_related("supplier")
                 .prefetch_related("cpv_codes", "regions", _public_images()))
    return render(request, "catalogue/supplier_detail.html", {"supplier": supplier, "solutions": solutions})


def published_items() -> Prefetch:
    items = (CollectionItem.objects.filter(solution__status=SolutionStatus.PUBLISHED)
             .select_related("solution__supplier").order_by("position", "id"))
    return Prefetch("items", queryset=items, to_attr="published_items")


@require_safe
def collection_list(request: HttpRequest) -> HttpResponse:
    collections = Collection.objects.published().prefetch_related(published_items())
    return render(request, "catalogue/collection_list.html", {"collections": collections})


@require_safe
def collection_detail(request: HttpRequest, slug: str) -> HttpResponse:
    collection = get_public_collection(slug)
    items = (collection.items.filter(solution__status=SolutionStatus.PUBLISHED).order_by("position", "id")
             .select_related("solution__supplier")
             .prefetch_related("solution__cpv_codes", "solution__regions"))
    solutions = [item.solution for item in items]
    return render(request, "catalogue/collection_detail.html", {"collection": collection, "solutions": solutions})


def featured_context() -> dict:
    """What `catalogue/includes/featured.html` needs; the start page's view may add it to its context."""
    featured: QuerySet[Solution] = (Solution.objects.published().filter(featured=True).select_related("supplier")
                                    .prefetch_related(_public_images()))
    collections = Collection.objects.published().filter(featured=True)
    return {"featured_solutions": list(featured[:6]), "featured_collections": list(collections[:4])}


class SolutionFeed(Feed):
    """Newly published and newly verified solutions, as Atom."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("Innoköp: new and verified solutions")

    def subtitle(self) -> str:
        return _("Solutions published or verified in Innoköp's catalogue of good solutions.")

    def link(self) -> str:
        return reverse("catalogue:solution_list")

    def items(self) -> QuerySet[SolutionReview]:
        return (SolutionReview.objects
                .filter(decision__in=[ReviewDecision.PUBLISHED, ReviewDecision.VERIFIED],
                        solution__status=SolutionStatus.PUBLISHED)
                .select_related("solution__supplier").order_by("-created_at", "-id")[:50])

    def item_title(self, item: SolutionReview) -> str:
        if item.decision == ReviewDecision.VERIFIED:
            return _("Verified: %(title)s") % {"title": item.solution.title}
        return _("New: %(title)s") % {"title": item.solution.title}

    def item_description(self, item: SolutionReview) -> str:
        # Atom writes the summary as type="html": plain text must be HTML-escaped here, or a
        # feed reader would run markup typed into a summary or a company name.
        return escape(f"{item.solution.summary} ({item.solution.supplier.name})")

    def item_link(self, item: SolutionReview) -> str:
        return reverse("catalogue:solution_detail", args=[item.solution_id])

    def item_guid(self, item: SolutionReview) -> str:
        return f"{self.item_link(item)}#review-{item.pk}"

    def item_pubdate(self, item: SolutionReview):
        return item.created_at

    def item_updateddate(self, item: SolutionReview):
        return item.created_at

    def item_author_name(self, item: SolutionReview) -> str:
        return item.solution.supplier.name


solution_feed = SolutionFeed()
