"""Browser journeys: Playwright drives Debian's Chromium (/usr/bin/chromium), never a downloaded browser."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread for the whole session; the
    # ORM calls that tests and fixtures make meanwhile are still synchronous, so Django may allow them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def migration_data(transactional_db):
    """The rows data migrations made (reference data, the audit chain's head): an earlier
    transactional test flushes them, and every journey needs them."""
    from innokop.core.audit import GENESIS_HASH
    from innokop.core.models import AuditChainHead
    from innokop.reference.loading import load_cpv, load_nuts
    from innokop.reference.models import CpvCode, NutsRegion

    AuditChainHead.objects.get_or_create(pk=1, defaults={"last_hash": GENESIS_HASH})
    if not CpvCode.objects.exists():
        load_cpv(CpvCode)
    if not NutsRegion.objects.exists():
        load_nuts(NutsRegion)
    from innokop.followup.models.register import seed_change_limits
    from innokop.reference.thresholds import seed_thresholds

    seed_thresholds()
    seed_change_limits()


@pytest.fixture
def page(browser, live_server, migration_data):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE",
                                  base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


class Checker:
    """Runs axe-core on a page and keeps a screenshot of it for docs/."""

    def __init__(self):
        self.axe = Axe()

    def accessible(self, page) -> None:
        """The axe check alone, for a page the docs need no screenshot of."""
        results = self.axe.run(page)
        assert results.violations_count == 0, f"axe on {page.url}:\n{results.generate_report()}"

    def check(self, page, name: str) -> None:
        self.accessible(page)
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def checker():
    return Checker()
