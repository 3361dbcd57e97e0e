"""Find what each app contributes (`panels` in its `dashboard.py`, `load` in its `demo.py`) without core
naming the apps."""

import sys
from collections.abc import Callable
from functools import cache

from django.apps import apps
from django.utils.module_loading import autodiscover_modules


@cache
def app_functions(module_name: str, function_name: str) -> tuple[Callable, ...]:
    """`<app>.<module_name>.<function_name>` of every Innoköp app that has it, in INSTALLED_APPS order
    (the layers, bottom up)."""
    autodiscover_modules(module_name)
    modules = (sys.modules.get(f"{config.name}.{module_name}") for config in apps.get_app_configs()
               if config.name.startswith("innokop."))
    return tuple(getattr(module, function_name) for module in modules if hasattr(module, function_name))
