"""Template filters: dates, money and numbers as people read them (core.formats), rich text, panels."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from innokop.core import formats
from innokop.core.html import sanitise_html

register = template.Library()


# The formatting lives in core.formats, where services find it too; these are its template names.
register.filter("deadline", formats.deadline)
register.filter("when", formats.when)
register.filter("day", formats.day)
register.filter("time_left", formats.time_left)
register.filter("passed", formats.has_passed)
register.filter("sek", formats.sek)


@register.filter
def rich(value: str) -> SafeString:
    """Rich text is sanitised when saved and again here, so no unsanitised HTML ever reaches a page."""
    return mark_safe(sanitise_html(value))  # noqa: S308 - nh3 has just cleaned it


@register.simple_tag(takes_context=True)
def render_panel(context, panel) -> str:
    """Renders a dashboard panel's own template with its own context (see core.dashboard)."""
    from django.template.loader import render_to_string

    return render_to_string(panel.template, panel.context, request=context.get("request"))


@register.simple_tag(takes_context=True)
def page_query(context, number: int) -> str:
    """The current query string with another page number, for the pagination links
    (`core/includes/pagination.html`)."""
    query = context["request"].GET.copy()
    query["page"] = number
    return query.urlencode()


@register.simple_tag
def page_numbers(page) -> list:
    """The page numbers to link to around the current page, with an ellipsis for the gaps."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
