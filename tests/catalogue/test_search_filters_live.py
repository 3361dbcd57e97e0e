"""Catalogue filters apply as they change (issue 9, point 7): HTMX fetches the results, the button stays for no JavaScript."""

import lxml.html
import pytest
from django.conf import settings
from django.urls import reverse

from .test_search import catalogue, publish  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
URL = reverse("catalogue:solution_list")


def test_the_form_asks_for_results_as_a_filter_changes_and_keeps_its_button(client, catalogue):  # noqa: F811
    page = lxml.html.fromstring(client.get(URL).content)
    form = page.xpath("//form[@role='search']")[0]
    assert (form.get("method"), form.get("action")) == ("get", URL)
    assert (form.get("hx-get"), form.get("hx-trigger"), form.get("hx-target"), form.get("hx-push-url")) == (
        URL, "change", "#search-results", "true")
    assert page.xpath("//*[@id='search-results']//h2[@id='results-heading']")
    assert form.xpath(".//button[@id='apply-filters'][@type='submit']")


def test_a_changed_filter_gets_the_results_and_the_counts_without_the_page(client, catalogue):  # noqa: F811
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(URL, {"trl": "8"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "<html" not in content and "<h1" not in content
    assert "Sensorer i sopkärl" in content and "AI för diariet" not in content
    fragment = lxml.html.fragment_fromstring(content, create_parent="div")
    assert fragment.xpath("./h2[@id='results-heading']")[0].text_content().strip() == "1 solution"
    assert fragment.xpath("./div[@id='search-filters'][@hx-swap-oob='innerHTML']//input[@id='facet-trl-8'][@checked]")
    assert fragment.xpath("./div[@id='search-status'][@hx-swap-oob='innerHTML']")[0].text_content() == "1 solution"
    assert "HX-Request" in response["Vary"]


def test_going_back_in_history_gets_the_whole_page(client, catalogue):  # noqa: F811
    response = client.get(URL, {"trl": "8"}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in response.content.decode()
