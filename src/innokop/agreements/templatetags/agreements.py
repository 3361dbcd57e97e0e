"""`{% consumption_panel agreement %}`: how much of the agreement's maximum value is used, and what remains."""

from django import template

from ..consumption import agreement_consumption

register = template.Library()


@register.inclusion_tag("agreements/includes/consumption.html")
def consumption_panel(agreement, heading_level: int = 2, warnings_only: bool = False) -> dict:
    """`warnings_only`: nothing at all until 80 % of the maximum is used (for pages about something else)."""
    consumption = agreement_consumption(agreement)
    return {"agreement": agreement, "consumption": consumption, "heading_level": heading_level,
            "show": consumption.warning or not warnings_only}
