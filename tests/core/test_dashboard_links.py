"""The overview offers only what its reader may open (issue 9, point 9: the platform admin's "Review solutions" was 403)."""

import lxml.html
import pytest
from django.urls import reverse

from innokop.accounts.models import Role

from ..factories import member


@pytest.fixture
def platform_admin(cpb):
    """As in the demo: platform staff who administer the purchasing body's account, not a framework manager."""
    return member(cpb, Role.ORGANISATION_ADMIN, full_name="Plattform Admin", email="admin@innokop.example",
                  is_staff=True, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["platform_admin", "cpb_manager", "agency_procurer", "supplier"])
def test_every_link_on_the_overview_opens_for_its_reader(persona, request, client):
    client.force_login(request.getfixturevalue(persona))
    page = lxml.html.fromstring(client.get(reverse("core:dashboard")).content)
    links = {href.split("#")[0] for href in page.xpath("//main//a/@href") if href.startswith("/")}
    refused = {href: status for href in links if (status := client.get(href).status_code) >= 400}
    assert refused == {}


@pytest.mark.django_db
def test_review_solutions_is_offered_to_framework_managers_only(platform_admin, cpb_manager, client):
    review = reverse("catalogue:review_queue")
    client.force_login(platform_admin)
    assert review not in client.get(reverse("core:dashboard")).content.decode()
    client.force_login(cpb_manager)
    assert review in client.get(reverse("core:dashboard")).content.decode()
