"""Small helpers for the catalogue's templates."""

from django import template
from django.urls import NoReverseMatch, reverse

from innokop.core.templatetags.innokop import rich as core_rich

register = template.Library()


@register.filter
def agreement_url(agreement) -> str:
    """The agreement's page, when the agreements app has one; otherwise empty (the template shows text)."""
    try:
        return reverse("agreements:agreement_detail", args=[agreement.pk])
    except NoReverseMatch:
        return ""


register.filter("rich", core_rich)  # one sanitising filter, shared with core templates


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
