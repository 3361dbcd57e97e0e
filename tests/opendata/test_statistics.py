"""The public statistics page: the same numbers as the OCDS data, only what is public, CSV downloads."""

import csv
import io
import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from statistics import median

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation

from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs.models import CallOff, CallOffKind
from innokop.catalogue.models import Solution
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.opendata import mapping, statistics

from . import demo_picks as picks


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)


def _every_record(client: Client) -> list[dict]:
    """The records the API publishes, page by page."""
    found, url = [], reverse("api:ocds_records") + "?page_size=5"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        package = response.json()
        found += package["records"]
        url = re.sub(r"^https?://[^/]+", "", package.get("links", {}).get("next", ""))
    return found


def _from_ocds(client: Client) -> dict[tuple[int, str], dict]:
    """Per (year of signing, agreement reference): the number of contracts, their value, how many went to an SME
    and how many used dialogue, read from the compiled releases of the published records alone."""
    prefix = mapping.ocid_prefix() + "-"
    with translation.override("sv"):
        dialogue = str(CallOffKind.RENEWED_COMPETITION_DIALOGUE.label)
    found: dict[tuple[int, str], dict] = defaultdict(lambda: {"count": 0, "value": Decimal(0), "sme": 0, "dialogue": 0,
                                                              "days": []})
    for record in _every_record(client):
        release = record["compiledRelease"]
        framework = [p for p in release.get("relatedProcesses", []) if "framework" in p["relationship"]]
        if not framework:
            continue  # an agreement's own process
        scales = {party["id"]: party.get("details", {}).get("scale") for party in release["parties"]}
        for contract in release.get("contracts", []):
            if "dateSigned" not in contract:
                continue
            signed = datetime.fromisoformat(contract["dateSigned"].replace("Z", "+00:00"))
            key = (local_date(signed).year, framework[0]["identifier"].removeprefix(prefix))
            award = next(a for a in release["awards"] if a["id"] == contract["awardID"])
            found[key]["count"] += 1
            # The value as signed, in the contract's own release: the compiled value is the one after the
            # contract register's amendments (options used, changes), which the statistics do not count.
            signed_release = next(r for r in record["releases"] if r["id"] == f"{record['ocid']}-contract")
            found[key]["value"] += Decimal(str(signed_release["contracts"][0]["value"]["amount"]))
            found[key]["sme"] += scales[award["suppliers"][0]["id"]] == "sme"
            found[key]["dialogue"] += release["tender"].get("procurementMethodDetails") == dialogue
            tender = next(r for r in record["releases"] if r["id"] == f"{record['ocid']}-tender")  # dated at publication
            published = datetime.fromisoformat(tender["date"].replace("Z", "+00:00"))
            found[key]["days"].append((local_date(signed) - local_date(published)).days)
    return dict(found)


def _csv(client: Client, table: str, language: str = "sv") -> tuple[list[str], list[list[str]]]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("opendata:statistics_csv", args=[table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def _share(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / whole).quantize(Decimal("0.1"), rounding="ROUND_HALF_UP"))


def test_the_statistics_have_the_same_numbers_as_the_ocds_records_of_the_demo(demo, client):
    ocds = _from_ocds(client)
    assert sum(group["count"] for group in ocds.values()) >= 2, "the demo has contracted call-offs"
    header, rows = _csv(client, "agreements", "en")
    assert header[:4] == ["Year", "Framework agreement", "Title", "Call-offs"]
    page = {(int(row[0]), row[1]): row for row in rows}
    assert set(page) == set(ocds)
    for key, group in ocds.items():
        row = page[key]
        assert int(row[3]) == group["count"]
        assert Decimal(row[4]) == group["value"]
        assert row[5] == _share(group["sme"], group["count"])
        assert row[6] == _share(group["dialogue"], group["count"])
        assert Decimal(row[7]) == Decimal(str(median(group["days"]))).quantize(Decimal("0.1"))
    # The yearly table is the sum of the agreements' rows.
    _header, years = _csv(client, "years")
    yearly = {int(row[0]): row for row in years}
    for year in {year for year, _reference in ocds}:
        assert int(yearly[year][1]) == sum(g["count"] for (y, _r), g in ocds.items() if y == year)
        assert Decimal(yearly[year][2]) == sum((g["value"] for (y, _r), g in ocds.items() if y == year), Decimal(0))


def test_only_what_the_ocds_data_may_publish_is_counted(demo, client):
    now = clock.now()
    prefix = mapping.ocid_prefix() + "-"
    signed_in_ocds = {record["ocid"].removeprefix(prefix) for record in _every_record(client)
                      if any("dateSigned" in contract for contract in record["compiledRelease"].get("contracts", []))
                      and record["compiledRelease"].get("relatedProcesses")}
    before = statistics.public_contracted(now)
    assert {calloff.reference for calloff in before} == signed_in_ocds
    for not_counted in (picks.draft(), picks.awarded(), picks.cancelled_after_publication()):
        assert not_counted.reference not in signed_in_ocds
    # A contract signed after "now" is not public yet, so it is not counted either.
    contracted = picks.contracted()
    contract = contracted.contract
    contract.signed_at = now.replace(year=now.year + 1)
    contract.save(update_fields=["signed_at"])
    assert {c.reference for c in statistics.public_contracted(now)} == signed_in_ocds - {contracted.reference}
    # Nor a call-off that was never published.
    other = next(c for c in before if c.reference != contracted.reference)
    CallOff.objects.filter(reference=other.reference).update(published_at=None)
    assert {c.reference for c in statistics.public_contracted(now)} == signed_in_ocds - {contracted.reference,
                                                                                        other.reference}


def test_the_years_run_without_gaps_and_the_median_days(demo):
    stats = statistics.compute(clock.now())
    years = [year for year, _figures in stats.years]
    assert years == list(range(years[0], years[-1] + 1))
    every = statistics.public_contracted(clock.now())
    for year, figures in stats.years:
        days = sorted(c.days for c in every if c.year == year)
        if days:
            middle = len(days) // 2
            median = Decimal(days[middle]) if len(days) % 2 else (Decimal(days[middle - 1] + days[middle]) / 2)
            assert figures.median_days == median.quantize(Decimal("0.1"))
        else:
            assert figures.count == 0 and figures.median_days is None and figures.sme_share is None


def test_verified_solutions_by_trl_count_only_published_verified_ones(demo):
    now = clock.now()
    expected = {level: Solution.objects.published().filter(verified_at__isnull=False, trl=level).count()
                for level in range(1, 10)}
    counts = dict(statistics.verified_by_trl(now))
    assert {level: counts[level] for level in range(1, 10)} == expected
    solution = Solution.objects.published().filter(verified_at__isnull=False, trl__isnull=False).first()
    assert solution is not None, "the demo has a verified solution"
    Solution.objects.filter(pk=solution.pk).update(status="archived")
    assert dict(statistics.verified_by_trl(now))[solution.trl] == expected[solution.trl] - 1


def test_the_page_in_both_languages_with_charts_tables_and_downloads(demo, client):
    for language in ("sv", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = client.get(reverse("opendata:statistics"))
        assert response.status_code == 200
        assert f'lang="{language}"' in response.content.decode()
        assert 'id="statistics-not-official"' in response.content.decode()
    assert "own statistics" in response.content.decode()
    html = response.content.decode()
    assert "2019:668" in html
    assert html.count('role="img"') == 5  # four yearly charts and the TRL chart, each followed by its table
    assert 'id="statistics-agreements"' in html
    for table in statistics.TABLES:
        assert reverse("opendata:statistics_csv", args=[table]) in html
    assert reverse("opendata:statistics") in client.get(reverse("opendata:home")).content.decode()


def test_the_csv_is_formula_safe_and_unknown_tables_and_posts_are_refused(demo, client):
    agreement = FrameworkAgreement.objects.get(reference=statistics.compute(clock.now()).by_agreement[0][1])
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(title='=HYPERLINK("http://evil")')
    _header, rows = _csv(client, "agreements")
    titles = [row[2] for row in rows if row[1] == agreement.reference]
    assert titles and all(title.startswith("'=") for title in titles)
    assert client.get("/open-data/statistics/nothing.csv").status_code == 404
    assert client.post(reverse("opendata:statistics")).status_code == 405
    assert client.post(reverse("opendata:statistics_csv", args=["years"])).status_code == 405


@pytest.mark.django_db
def test_with_nothing_public_the_page_says_so(client):
    response = client.get(reverse("opendata:statistics"))
    assert response.status_code == 200
    assert 'id="statistics-none"' in response.content.decode()
    _header, rows = _csv(client, "years")
    assert rows == []
