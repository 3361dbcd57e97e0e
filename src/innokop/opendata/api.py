"""Open data in OCDS 1.1.5 under /api/ocds/: release packages (everything public, or everything since a
moment, page by page with a cursor), record packages and the record of one contracting process. Anyone
may read them; what is public, and from when, is decided in `mapping` (docs/ocds.md)."""

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from ninja import Query, Router

from innokop.core import clock
from innokop.core.schemas import BY_ID, PUBLIC, refuse_undescribed_parameters, responses

from . import feed, mapping, publishing
from .schemas import RecordsIn, ReleasesIn, moment

router = Router(tags=["open data (OCDS)"])


def _next(request, name: str, cursor: str, **params) -> dict:
    if not cursor:
        return {}
    query = {key: value for key, value in params.items() if value} | {"cursor": cursor}
    return {"links": {"next": publishing.absolute(f"{reverse(name)}?{urlencode(query)}")}}


@router.get("/ocds/releases", response=responses(dict[str, Any], PUBLIC, 422), auth=None, url_name="ocds_releases",
            summary="OCDS release package: every public release, or those public since a moment, with a cursor")
def ocds_releases(request, query: Query[ReleasesIn]):
    refuse_undescribed_parameters(request, ReleasesIn.model_fields)
    now = clock.now()
    since = moment(query.since, "since")
    page = feed.release_page(mapping.all_releases(now), since=since, cursor=query.cursor, size=query.page_size)
    package = publishing.release_package(page.items, uri=request.get_full_path(), published=now)
    return package | _next(request, "api:ocds_releases", page.next_cursor, since=query.since or "",
                           page_size=query.page_size)


@router.get("/ocds/records", response=responses(dict[str, Any], PUBLIC, 422), auth=None, url_name="ocds_records",
            summary="OCDS record package: one record per contracting process, compiled from its releases")
def ocds_records(request, query: Query[RecordsIn]):
    refuse_undescribed_parameters(request, RecordsIn.model_fields)
    now = clock.now()
    releases = mapping.all_releases(now)
    page = feed.record_page(list({release.ocid for release in releases}), cursor=query.cursor,
                            size=query.page_size)
    wanted = set(page.items)
    package = publishing.record_package([release for release in releases if release.ocid in wanted],
                                       uri=request.get_full_path(), published=now)
    package["records"].sort(key=lambda record: record["ocid"])
    return package | _next(request, "api:ocds_records", page.next_cursor, page_size=query.page_size)


@router.get("/ocds/records/{ocid}", response=responses(dict[str, Any], PUBLIC, BY_ID), auth=None,
            url_name="ocds_record", summary="The OCDS record package of one contracting process")
def ocds_record(request, ocid: str):
    now = clock.now()
    releases = [release for release in mapping.all_releases(now) if release.ocid == ocid]
    if not releases:
        raise Http404
    return publishing.record_package(releases, uri=request.get_full_path(), published=now)
