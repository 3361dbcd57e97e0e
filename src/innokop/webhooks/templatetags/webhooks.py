from django import template

from .. import events

register = template.Library()


@register.filter
def webhook_event(verb: str):
    """An event's name for people: "A call-off is published" for calloff.published."""
    return events.label(verb)
