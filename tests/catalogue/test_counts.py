"""Counts with their plural (issue 9, point 8): "1 solution", never "1 solutions" (Swedish "1 lösning")."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_filter_with_one_solution_says_one_solution(client, published):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        page = client.get(reverse("catalogue:solution_list")).content.decode()
    hidden = re.findall(r'<span class="govuk-visually-hidden"> ([^<]*)</span>', page)
    assert "1 solution" in hidden
    assert not any(re.fullmatch(r"1 solutions", text) for text in hidden)
    assert "solutions</span>)" not in page  # the count is read as one phrase, not "(1 solutions)"
