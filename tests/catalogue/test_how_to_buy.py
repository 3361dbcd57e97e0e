"""A published solution on no lot says how an agency can still buy it (issue 9, point 5)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_solution_on_no_lot_says_how_to_buy_it_anyway(published, agency_procurer, client):
    client.force_login(agency_procurer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("catalogue:solution_detail", args=[published.pk])).content.decode()
    assert "cannot be called off through Innoköp" in page
    assert "direct award limit" in page and "in a procurement of its own" in page
    assert "tell the purchasing body that you need the solution" in page
    assert f'href="{reverse("catalogue:supplier_detail", args=[published.supplier_id])}"' in page
