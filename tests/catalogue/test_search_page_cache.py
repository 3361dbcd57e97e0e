"""The search page's content is rendered once per index state, query string and language, and served from the
pages cache until the index changes."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.catalogue import services

from .test_search import catalogue, publish, titles  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

URL = reverse("catalogue:solution_list")


def _queries(client, params=None, **headers) -> tuple[object, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {}, **headers)
    assert response.status_code == 200
    return response, len(queries)


def test_the_same_search_again_reads_only_the_index_token(client, catalogue):
    first, rendering = _queries(client, {"q": "avfall"})
    again, cached = _queries(client, {"q": "avfall"})
    assert titles(again) == titles(first) == ["Sensorer i sopkärl"]
    main = [response.content.decode().split('id="main"')[1] for response in (first, again)]
    assert main[0] == main[1]  # the content; the page around it has its own CSRF token
    assert cached == 1 < rendering  # the token; no search, cards or facets
    other, _ = _queries(client, {"q": "möbler"})  # another query string renders its own page
    assert titles(other) == ["Cirkulära kontorsmöbler"]


def test_a_change_to_the_index_shows_at_once(client, catalogue, publish, cpb_manager):
    assert "Sopsensorer i parken" not in titles(client.get(URL, {"q": "sopkärl"}))
    publish("Sopsensorer i parken", summary="Sensorer i sopkärl för parker.")
    assert "Sopsensorer i parken" in titles(client.get(URL, {"q": "sopkärl"}))
    services.solution_archive(actor=cpb_manager, solution=catalogue["waste"])
    assert titles(client.get(URL, {"q": "sopkärl"})) == ["Sopsensorer i parken"]


def test_each_language_and_the_htmx_update_are_kept_apart(client, catalogue):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(URL, {"q": "avfall"}).content.decode()
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    swedish = client.get(URL, {"q": "avfall"}).content.decode()
    assert "Catalogue of good solutions" in english and "Katalog med goda lösningar" in swedish
    update = client.get(URL, {"q": "avfall"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in update and 'hx-swap-oob="innerHTML"' in update
    assert "<html" in client.get(URL, {"q": "avfall"}).content.decode()


def test_the_page_around_the_cached_content_is_the_visitors_own(client, catalogue, cpb_manager):
    client.force_login(cpb_manager)
    signed_in = client.get(URL, {"q": "avfall"}).content.decode()  # renders the content and keeps it
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', signed_in).group(1)
    client.logout()
    anonymous = client.get(URL, {"q": "avfall"}).content.decode()  # the kept content
    assert "Logga ut" in signed_in
    assert "Logga ut" not in anonymous and token not in anonymous
    assert titles(client.get(URL, {"q": "avfall"})) == ["Sensorer i sopkärl"]


def test_no_cache_when_its_time_is_zero(client, catalogue, settings):
    settings.CATALOGUE_PAGE_CACHE_SECONDS = 0
    _, first = _queries(client, {"q": "avfall"})
    _, again = _queries(client, {"q": "avfall"})
    assert again == first > 1
