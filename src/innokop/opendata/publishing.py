"""OCDS release packages and record packages: the publisher, the licence, the publication policy and the
extensions on every package; records compiled from their releases with `ocdsmerge`."""

from collections.abc import Iterable
from functools import cache

import ocdsmerge
from django.conf import settings
from django.urls import reverse

from .mapping import Release, when
from .validation import merge_schema

VERSION = "1.1"
# The extensions a package declares: the versions whose release-schema patches Innoköp validates against
# (opendata/schema/extensions/).
EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/v1.1.5/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_techniques_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_competitive_extension/master/extension.json",
]


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def metadata(uri: str, published) -> dict:
    return {
        "uri": absolute(uri), "version": VERSION, "extensions": list(EXTENSIONS), "publishedDate": when(published),
        "publisher": {"name": settings.INNOKOP_OCDS_PUBLISHER, "uri": absolute("/")},
        "license": settings.INNOKOP_OCDS_LICENSE,
        "publicationPolicy": absolute(reverse("opendata:policy")),
    }


def release_package(releases: Iterable[Release], *, uri: str, published) -> dict:
    return metadata(uri, published) | {"releases": [release.data for release in releases]}


@cache
def merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=merge_schema())


def records(releases: Iterable[Release]) -> list[dict]:
    """One record per ocid: every release of the process, and the release compiled from them."""
    by_ocid: dict[str, list[dict]] = {}
    for release in releases:
        by_ocid.setdefault(release.ocid, []).append(release.data)
    compiled = []
    for ocid, process in by_ocid.items():
        ordered = sorted(process, key=lambda data: (data["date"], data["id"]))
        compiled.append({"ocid": ocid, "releases": ordered,
                         "compiledRelease": merger().create_compiled_release(ordered)})
    return compiled


def record_package(releases: Iterable[Release], *, uri: str, published) -> dict:
    return metadata(uri, published) | {"records": records(releases)}
