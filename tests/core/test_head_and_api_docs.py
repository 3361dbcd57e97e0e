"""Monitors ask with HEAD, and the API's docs page is a page like the others (issue 9, point 10)."""

from pathlib import Path

import lxml.html
import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "innokop"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/solutions/", "/healthz"])
def test_head_is_answered_like_get_without_a_body(url, client):
    response = client.head(url)
    assert response.status_code == 200
    assert response.content == b""


def test_read_only_views_accept_head():
    """require_safe (GET and HEAD) wherever a view only reads; require_GET would answer HEAD with 405."""
    offenders = [str(path.relative_to(SRC)) for path in SRC.rglob("*.py") if "require_GET" in path.read_text()]
    assert offenders == []


@pytest.mark.django_db
def test_the_api_docs_page_has_a_language_a_main_landmark_and_a_heading(client):
    page = lxml.html.fromstring(client.get("/api/docs").content)
    assert page.get("lang") in ("sv", "en")
    assert len(page.xpath("//main")) == 1 and page.xpath("//main//*[@id='swagger-ui']")
    assert [h1.text_content().strip() for h1 in page.xpath("//h1")] != [""] and len(page.xpath("//h1")) == 1
    assert page.xpath("//script[@src='/static/ninja/swagger-ui-init.js']")
