"""The CPV lookup: the catalogue's Swedish search over the CPV codes, before the submit button, in place with HTMX."""

import pytest
from django.urls import reverse

from innokop.reference.indexing import cpv_index, cpv_indexed
from innokop.reference.models import CpvCode
from innokop.reference.search import cpv_search

pytestmark = pytest.mark.django_db


@pytest.fixture
def indexed():
    # A few divisions rather than all 9 500 codes, to keep the test quick: chargers and lamps (31),
    # furniture (39), software (48, 72) and refuse (90).
    cpv_index(CpvCode.objects.filter(code__regex=r"^(31|39|48|72|90)"))


def codes(query: str) -> list[str]:
    return [code.code for code in cpv_search(query).codes]


def test_laddstation_finds_the_chargers_through_the_beginning_of_the_word(indexed):
    # No CPV 2008 label has "laddstation" nor "station" in this sense: the lookup says so and shows the
    # codes with words beginning "ladd", chargers first.
    result = cpv_search("laddstation")
    assert result.beginnings == ["ladd"]
    assert result.codes[0].code == "31158000"  # Laddningsanordningar, Chargers

def test_the_lookup_page_says_when_it_looked_for_beginnings_of_words(client, indexed):
    page = client.get(reverse("reference:cpv_lookup"), {"q": "laddstation"}).content.decode()
    assert "31158000-8" in page and "ladd”" in page  # “ladd” in English, ”ladd” in Swedish


def test_everyday_words_find_codes_through_inflections_and_compounds(indexed):
    assert "90511000" in codes("sophämtningen")  # Sophämtning
    assert "39130000" in codes("kontorsmöbel")  # Kontorsmöbler
    assert "39130000" in codes("möbel kontor")
    assert "90500000" in codes("avfallstjänst")[:3]  # Avfallstjänster (ranks differ between the databases)
    assert "31158100" in codes("battery chargers")  # by the English label, word for word


def test_digits_find_codes_by_their_beginning(indexed):
    assert codes("3115 8")[:2] == ["31158000", "31158100"]
    assert cpv_search("  ").codes == []


def test_the_lookup_answers_htmx_with_a_fragment(client, indexed):
    fragment = client.get(reverse("reference:cpv_lookup"), {"q": "sophämtning"}, HTTP_HX_REQUEST="true")
    assert "90511000-2" in fragment.content.decode() and "<html" not in fragment.content.decode()


def test_the_picker_sits_before_the_submit_button_and_searches_in_place(login, cpb_manager):
    page = login(cpb_manager).get(reverse("agreements:agreement_create")).content.decode()
    start = page.index('<form method="post" novalidate>')
    main_form = page[start:page.index("</form>", start)]
    assert main_form.index('id="cpv-q"') < main_form.index('<button type="submit" class="govuk-button">')
    assert 'form="cpv-lookup"' in main_form  # the lookup's field submits the lookup's form, not this one
    lookup = page[page.index('<form id="cpv-lookup"'):].split(">")[0]
    assert f'hx-get="{reverse("reference:cpv_lookup")}"' in lookup  # HTMX answers the submit in place


def test_cpv_indexed_tells_whether_every_code_is_in_the_index(indexed):
    assert not cpv_indexed()  # only some divisions
