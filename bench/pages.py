"""Key pages (bench/run.py --sections pages): p50, p95 and SQL queries per page against a bare view.

On the bench data (bench/data.py), the busiest objects found by a query: the agreement with the most admitted
suppliers, the agency with the most call-offs, a call-off with four questions and the one with the most (hundreds),
the agreement with the most call-offs (the purchasing body's summary), the supplier with the most contracts and
tenders. Each page is requested through Django's test client (the whole stack: middleware, views, templates), as the user who
would open it, after one warm-up request. The floor is a bare view that renders the base template
(bench/bench_urls.py), anonymous and signed in: each page is printed as a ratio to the floor of its kind.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from common import heading, ms, p50, p95, samples

# Issue 13: p95 under 100 ms at national scale on the 2-core machine; query counts that do not grow with the data.
GOAL_P95 = 0.100
# The most questions an ordinary call-off draws in the bench data; a few draw hundreds.
ORDINARY_QUESTIONS = 4


@dataclass
class Page:
    name: str
    url: str
    user: object | None  # None: anonymous
    note: str = ""
    cached: bool = False  # True: the pages cache on (CATALOGUE_PAGE_CACHE_SECONDS); else every request renders


def catalogue_word() -> str:
    """The commonest word of five letters or more in the published solutions' titles: a query with many hits."""
    from innokop.catalogue.models import Solution

    words = Counter()
    for title in Solution.objects.filter(status="published").values_list("title", flat=True)[:5000]:
        words.update(word.strip(".,:;–-").lower() for word in title.split() if len(word) >= 5)
    return words.most_common(1)[0][0] if words else "avfall"


def key_pages() -> list[Page]:
    """The pages and who opens them, for the busiest objects of the data."""
    from django.db.models import Count, Q

    from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, User
    from innokop.agreements.models import FrameworkAgreement
    from innokop.calloffs.models import CallOff, CallOffInvitation

    def member(org_id: int, role: str | None = None) -> User:
        memberships = Membership.objects.filter(organisation_id=org_id, user__is_active=True)
        if role:
            memberships = memberships.filter(role=role)
        return memberships.select_related("user").order_by("user_id").first().user

    pages = [Page("bare view (anonymous)", "/__bench__/bare/", None)]
    word = catalogue_word()
    agreement = (FrameworkAgreement.objects.filter(published_at__isnull=False)
                 .annotate(n=Count("lots__lot_suppliers")).order_by("-n", "pk").first())
    manager = member(agreement.owner_id, Role.FRAMEWORK_MANAGER)
    pages.append(Page("bare view (signed in)", "/__bench__/bare/", manager))
    pages += [
        Page("start page", "/", None),
        Page("catalogue, no query (facets)", "/solutions/", None),
        Page(f"catalogue ?q={word}", f"/solutions/?q={word}", None),
        # The same two again as a second visitor gets them while the index is unchanged.
        Page("catalogue, no query, from the pages cache", "/solutions/", None, cached=True),
        Page(f"catalogue ?q={word}, from the pages cache", f"/solutions/?q={word}", None, cached=True),
        Page(f"agreement ({agreement.n} admissions)", f"/agreements/{agreement.pk}/", manager),
    ]
    agency = (Organisation.objects.filter(kind=OrganisationKind.AGENCY).annotate(n=Count("calloffs"))
              .order_by("-n", "pk").first())
    procurer = member(agency.pk, Role.PROCURER)
    pages += [Page(f"agency dashboard ({agency.n} call-offs)", f"/dashboards/agencies/{agency.pk}/", procurer),
              Page("start dashboard (agency user)", "/dashboard/", procurer)]
    # A call-off with as many questions as most get, and the one with the most (bench/data.py's MANY_QUESTIONS):
    # the same page twice, so a cost that grows with the questions shows.
    with_questions = CallOff.objects.filter(published_at__isnull=False).annotate(n=Count("questions"))
    ordinary = with_questions.filter(n__lte=ORDINARY_QUESTIONS).order_by("-n", "pk").first()
    busiest_calloff = with_questions.order_by("-n", "pk").first()
    for calloff in dict.fromkeys(c for c in (ordinary, busiest_calloff) if c is not None):
        team = calloff.team.filter(is_active=True, memberships__organisation_id=calloff.agency_id).order_by("pk").first()
        invited = CallOffInvitation.objects.filter(calloff=calloff).order_by("supplier_id").first()
        pages.append(Page(f"call-off, agency ({calloff.n} questions)", f"/call-offs/{calloff.pk}/", team))
        if invited:
            shown = calloff.questions.for_supplier([invited.supplier_id]).count()
            pages.append(Page(f"call-off, invited supplier ({shown} questions shown)", f"/call-offs/{calloff.pk}/",
                              member(invited.supplier_id, Role.SUPPLIER_REPRESENTATIVE)))
    busiest = (FrameworkAgreement.objects.annotate(n=Count("lots__calloffs", filter=Q(
        lots__calloffs__published_at__isnull=False))).order_by("-n", "pk").first())
    pages.append(Page(f"purchasing body's summary ({busiest.n} call-offs)", f"/agreements/{busiest.pk}/call-offs/",
                      member(busiest.owner_id, Role.FRAMEWORK_MANAGER)))
    supplier = (Organisation.objects.filter(kind=OrganisationKind.SUPPLIER)
                .annotate(contracts=Count("supplier_contracts", distinct=True), n_tenders=Count("tenders", distinct=True))
                .order_by("-contracts", "-n_tenders", "pk").first())
    pages.append(Page(f"supplier dashboard ({supplier.contracts} contracts, {supplier.n_tenders} tenders)",
                      f"/dashboards/suppliers/{supplier.pk}/", member(supplier.pk, Role.SUPPLIER_REPRESENTATIVE)))
    return pages


def measure(pages: list[Page], repeat: int) -> list[dict]:
    from django.test import override_settings

    rows = []
    for page in pages:
        with override_settings(**({} if page.cached else {"CATALOGUE_PAGE_CACHE_SECONDS": 0})):
            rows.append(_measure(page, repeat))
    return rows


def _measure(page: Page, repeat: int) -> dict:
    from django.db import connection
    from django.test import Client

    client = Client()
    if page.user is not None:
        client.force_login(page.user)
    first = client.get(page.url)  # compiles the templates, warms the caches
    queries = []
    # Counted by a wrapper around every statement: the request closes its connection at the end (as a server
    # with CONN_MAX_AGE=0 does), which the query log of a debug cursor does not survive.
    with connection.execute_wrapper(lambda execute, sql, params, many, context: (
            queries.append(sql), execute(sql, params, many, context))[1]):
        response = client.get(page.url)
    times = samples(lambda c=client, u=page.url: c.get(u), repeat)
    return {"page": page, "status": response.status_code, "first": first.status_code,
            "queries": len(queries), "p50": p50(times), "p95": p95(times), "bytes": len(response.content)}


def run(repeat: int = 30) -> list[dict]:
    from django.db import connection

    heading(f"Key pages on {connection.vendor} ({repeat} requests each, test client)")
    rows = measure(key_pages(), repeat)
    floors = {False: rows[0], True: rows[1]}
    print(f"{'page':<52} {'status':>6} {'queries':>7} {'p50':>8} {'p95':>8} {'×floor p95':>10} {'KB':>5}  p95 < 100 ms")
    for row in rows:
        floor = floors[row["page"].user is not None]
        print(f"{row['page'].name:<52} {row['status']:>6} {row['queries']:>7} {ms(row['p50'])} {ms(row['p95'])} "
              f"{row['p95'] / max(floor['p95'], 1e-6):10.1f} {row['bytes'] // 1024:>5}  "
              f"{'yes' if row['p95'] < GOAL_P95 else 'no'}")
    print("(×floor: the page's p95 over the bare view's p95, anonymous pages against the anonymous bare view and "
          "signed-in pages against the signed-in one)")
    return rows
