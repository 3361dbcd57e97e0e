"""The personal dashboard is made of panels that each domain app contributes.

An app adds a `dashboard.py` with `panels(request) -> list[Panel]`; nothing in core needs to know
about agreements or call-offs.
"""

from dataclasses import dataclass, field
from importlib import import_module

DASHBOARD_APPS = ["innokop.agreements", "innokop.catalogue", "innokop.calloffs"]


@dataclass
class Panel:
    template: str
    context: dict = field(default_factory=dict)


def panels_for(request) -> list[Panel]:
    found: list[Panel] = []
    for app in DASHBOARD_APPS:
        try:
            module = import_module(f"{app}.dashboard")
        except ModuleNotFoundError:
            continue
        found.extend(module.panels(request))
    return found
