"""Small helpers for the catalogue's templates."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe

from innokop.core.html import sanitise_html

register = template.Library()


@register.filter
def agreement_url(agreement) -> str:
    """The agreement's page, when the agreements app has one; otherwise empty (the template shows text)."""
    try:
        return reverse("agreements:agreement_detail", args=[agreement.pk])
    except NoReverseMatch:
        return ""


@register.filter
def rich(value: str) -> SafeString:
    """Rich text is sanitised when saved; sanitised again here, so `|safe` never meets raw input."""
    return mark_safe(sanitise_html(value))  # noqa: S308 - nh3 has just cleaned it


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    """The current query string with another page number, for the pagination links."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()


@register.simple_tag
def featured_catalogue() -> dict:
    """Featured solutions and collections, for the start page's partial."""
    from ..views.public import featured_context

    context = featured_context()
    return {"solutions": context["featured_solutions"], "collections": context["featured_collections"]}
