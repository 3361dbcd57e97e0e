"""Error summaries (issue 9, point 3): every error names its field and links to it, and the title says "Error:".

The key forms are sent empty, as a browser sends them when someone presses the button straight away.
"""

import lxml.html
import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innokop.core.form_errors import FormRenderer

from ..agreements.conftest import agreement, published  # noqa: F401  (fixtures)

PAGES = {
    "registration": (None, lambda world: reverse("accounts:register_supplier")),
    "login": (None, lambda world: reverse("accounts:login")),
    "agreement create": ("cpb_manager", lambda world: reverse("agreements:agreement_create")),
    "solution create": ("supplier", lambda world: reverse("catalogue:solution_create")),
    "call-off start": ("agency_procurer",
                       lambda world: reverse("calloffs:calloff_start", args=[world.lots.get(number=1).pk])),
}
TITLE_PREFIX = {"en": "Error:", "sv": "Fel:"}


def _empty_form(page: lxml.html.HtmlElement) -> dict:
    """What a browser sends for the page's form when nothing is filled in: hidden values, empty fields."""
    form = page.xpath("//main//form[@method='post']")[0]
    data = {}
    for control in form.xpath(".//*[self::input or self::select or self::textarea][@name]"):
        kind = control.get("type", "")
        if kind in ("checkbox", "radio", "submit"):
            continue
        data[control.get("name")] = control.get("value", "") if kind == "hidden" else ""
    return data


def _label_of(page: lxml.html.HtmlElement, element_id: str) -> str:
    """The text that labels a field: its <label>, or the legend of the group of radios or checkboxes."""
    labels = page.xpath("//label[@for=$id]", id=element_id)
    if labels:
        return (labels[0].text or "").strip()
    return page.xpath("//*[@id=$id]//legend", id=element_id)[0].text_content().strip()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("name", list(PAGES))
def test_an_empty_form_names_every_field_in_a_summary_that_links_to_it(
        name, language, client, request, published, clock):  # noqa: F811
    persona, url_of = PAGES[name]
    if persona:
        client.force_login(request.getfixturevalue(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = url_of(published)
    response = client.post(url, _empty_form(lxml.html.fromstring(client.get(url).content)))

    assert response.status_code in (200, 400), response
    page = lxml.html.fromstring(response.content)
    assert page.findtext(".//title").startswith(TITLE_PREFIX[language] + " ")
    links = page.xpath("//*[contains(@class, 'govuk-error-summary__list')]//a")
    field_links = [link for link in links if link.get("href") != "#main"]
    assert field_links, f"{name}: no field errors in the summary"
    for link in field_links:
        target = link.get("href").removeprefix("#")
        assert page.xpath("//*[@id=$id]", id=target), f"{name}: {link.get('href')} points nowhere"
        assert _label_of(page, target) in link.text_content(), f"{name}: “{link.text_content()}” names no field"
        with translation.override(language):
            assert translation.gettext("This field is required.") not in link.text_content()


def test_a_page_without_errors_has_no_error_prefix(client, db):
    title = lxml.html.fromstring(client.get(reverse("accounts:login")).content).findtext(".//title")
    assert not title.startswith(("Error", "Fel"))


class _Form(forms.Form):
    title = forms.CharField(label="Title", max_length=5)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    kinds = forms.MultipleChoiceField(label="Kinds", choices=[("a", "A")], widget=forms.CheckboxSelectMultiple)
    confirmed = forms.BooleanField(label="I confirm")
    file = forms.FileField(label="Attachment")
    start = forms.DateField(label="Start date")
    own = forms.CharField(label="Own", error_messages={"required": "Enter your own answer."})


def test_every_kind_of_field_says_what_to_do_by_its_label(db):
    form = _Form({"title": "too long", "start": "someday"})
    with translation.override("en"):
        errors = {field.name: list(field.errors) for field in form}
    assert errors == {
        "title": ["Title: Ensure this value has at most 5 characters (it has 8)."],
        "kind": ["Choose an option for “Kind”."],
        "kinds": ["Choose at least one option for “Kinds”."],
        "confirmed": ["Tick “I confirm” to continue."],
        "file": ["Choose a file for “Attachment”."],
        "start": ["Start date: Enter a valid date."],
        "own": ["Enter your own answer."],  # the form's own message is shown as written
    }
    assert isinstance(form.renderer, FormRenderer)
