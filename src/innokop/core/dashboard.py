"""The personal dashboard is made of panels that each domain app contributes.

An app adds a `dashboard.py` with `panels(request) -> list[Panel]`; it is found by Django's
autodiscovery (core.discovery), and panels appear in INSTALLED_APPS order. Nothing in core needs
to know about agreements or call-offs.
"""

from dataclasses import dataclass, field

from .discovery import app_functions


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def panels_for(request) -> list[Panel]:
    found: list[Panel] = []
    for panels in app_functions("dashboard", "panels"):
        found.extend(panels(request))
    return found
