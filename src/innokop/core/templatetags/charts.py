"""`{% load charts %}{% chart my_chart %}`: a `core.charts.Chart` as an accessible SVG followed by its table."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from innokop.core.charts import Chart, layout

register = template.Library()


@register.simple_tag(takes_context=True)
def chart(context, chart: Chart, heading: int | None = None) -> SafeString:
    """`heading=2` puts the caption in an <h2>, so a page of charts can be read by its headings."""
    drawing = layout(chart)
    # Two charts with the same content on one page still need their own ids for aria-labelledby.
    used = context.render_context.setdefault("ik_chart_ids", set())
    element_id, n = drawing.element_id, 1
    while element_id in used:
        n += 1
        element_id = f"{drawing.element_id}-{n}"
    used.add(element_id)
    drawing.element_id = element_id
    # Rendered without the request: the page's context processors (the inbox count) are not run again per chart.
    return render_to_string("core/includes/chart.html",
                            {"chart": chart, "d": drawing, "heading": heading if heading in (2, 3, 4) else None})
