"""Pages: the wrong method, the dashboard panels, the English pages, and the need form's round trip."""

import pytest
from django.urls import reverse
from django.utils import translation

from innokop.prestudy.models import Need

from .test_needs import _form


def test_the_wrong_method_is_refused(login, need, prestudy, cpb_manager, agency_procurer):
    client = login(cpb_manager)
    assert client.get(reverse("prestudy:need_unlink", args=[need.pk])).status_code == 405
    assert client.put(reverse("prestudy:prestudy_detail", args=[prestudy.pk])).status_code == 405
    assert login(agency_procurer).delete(reverse("prestudy:need_edit", args=[need.pk])).status_code == 405


def test_the_dashboard_shows_the_agencys_needs_and_the_bodys_pre_studies(login, need, prestudy, agency_procurer,
                                                                         cpb_manager):
    page = login(agency_procurer).get(reverse("core:dashboard")).content.decode()
    assert reverse("prestudy:my_needs") in page
    page = login(cpb_manager).get(reverse("core:dashboard")).content.decode()
    assert reverse("prestudy:prestudy_detail", args=[prestudy.pk]) in page


@pytest.mark.parametrize("name", ["need_list", "need_detail", "my_needs", "need_edit", "prestudy_detail",
                                  "prestudy_list"])
def test_the_pages_read_in_english(login, need, prestudy, cpb_manager, agency_procurer, name):
    user = cpb_manager if name.startswith("prestudy") else agency_procurer
    args = {"need_detail": [need.pk], "need_edit": [need.pk], "prestudy_detail": [prestudy.pk]}.get(name, [])
    client = login(user)
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        response = client.get(reverse(f"prestudy:{name}", args=args), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200


def test_an_edit_keeps_what_the_form_shows(login, need, agency_procurer):
    client = login(agency_procurer)
    form = client.get(reverse("prestudy:need_edit", args=[need.pk])).context["form"]
    assert form.initial["is_public"] == "1" and form.initial["volume"] == 400
    response = client.post(reverse("prestudy:need_edit", args=[need.pk]), _form(volume="450", is_public="0"))
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.volume == 450 and not need.is_public and Need.objects.count() == 1


def test_someone_in_two_agencies_chooses_which_one_the_need_is_for(login, agency, other_agency, clock):
    from innokop.accounts.models import Membership

    from ..factories import member

    both = member(agency, "procurer")
    Membership.objects.create(user=both, organisation=other_agency, role="procurer")
    client = login(both)
    assert "id_agency" in client.get(reverse("prestudy:need_create")).content.decode()
    response = client.post(reverse("prestudy:need_create"), _form(agency=str(other_agency.pk)))
    assert response.status_code == 302 and Need.objects.get().agency == other_agency


def test_the_list_and_a_need_read_in_a_fixed_number_of_queries(client, login, need, agency, agency_procurer,
                                                                other_agency, other_agency_procurer,
                                                                django_assert_max_num_queries):
    from innokop.prestudy import services

    from .conftest import need_input

    def measure(url):
        client.get(url)
        with django_assert_max_num_queries(60) as counted:
            client.get(url)
        return len(counted.captured_queries)

    pages = [reverse("prestudy:need_list"), reverse("prestudy:need_detail", args=[need.pk])]
    before = [measure(url) for url in pages]
    services.need_join(actor=other_agency_procurer, need=need, agency=other_agency, volume=7, needed_year=2028)
    for n in range(5):
        services.need_create(actor=agency_procurer, agency=agency, given=need_input(title=f"Behov {n}"))
    assert [measure(url) for url in pages] == before
