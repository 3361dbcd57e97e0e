"""A visitor finds Innoköp's own statistics from the open-data page, reads the charts and their tables in Swedish
and in English, and downloads a table as CSV; every page passes axe-core."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from innokop.core import clock
from innokop.core.demo import load_demo
from innokop.opendata import statistics


def test_a_visitor_reads_the_statistics_and_downloads_a_table(page, checker, migration_data):
    load_demo()
    stats = statistics.compute(clock.now())
    assert stats.years, "the demo has contracted call-offs"

    page.goto("/open-data/")
    page.locator("#statistics-link").click()
    expect(page).to_have_url(re.compile(r"/open-data/statistics/$"))
    expect(page.locator("#statistics-not-official")).to_contain_text("2019:668")
    expect(page.locator("main figure svg[role=img]")).to_have_count(5)
    expect(page.locator("#statistics-agreements tbody tr")).to_have_count(len(stats.by_agreement))
    checker.check(page, "statistics")

    with page.expect_download() as download:
        page.locator("#statistics-downloads a[href$='/agreements.csv']").click()
    assert download.value.suggested_filename == "innokop-statistics-agreements.csv"
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert [int(row[3]) for row in rows[1:]] == [figures.count for _y, _r, _t, figures in stats.by_agreement]

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Innoköp's own statistics")
    checker.check(page, "statistics-en")
