"""Steps every journey shares."""

import re

from playwright.sync_api import expect

from ..conftest import PASSWORD


def log_in(page, email: str, password: str = PASSWORD) -> None:
    """Signs in as `email` through the login page (anyone signed in before is signed out first)."""
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/dashboard/"))
