"""A supplier on no agreement is told how to get onto one (issue 9, point 5)."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_supplier_on_no_agreement_is_told_how_to_get_onto_one(supplier, client):
    client.force_login(supplier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "not admitted to any framework agreement yet" in page
    assert "How to get onto a framework agreement" in page and "public procurements" in page
    assert f'href="{reverse("agreements:agreement_list")}"' in page
    assert f'href="{reverse("catalogue:my_solutions")}"' in page


def test_an_admitted_supplier_sees_its_lots_and_no_advice(supplier, client, published):
    client.force_login(supplier)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("agreements:lot_detail", args=[published.lots.get(number=1).pk]) in page
    assert "How to get onto a framework agreement" not in page
