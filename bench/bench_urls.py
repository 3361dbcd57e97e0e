"""The product's URLs plus the benchmark's floor: a bare Django view that renders the base template.

Only the benchmark uses this URLconf (bench/bench_settings.py); the product's urls do not have the bare view.
"""

from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from innokop.config.urls import handler403, handler404, handler500  # noqa: F401
from innokop.config.urls import urlpatterns as product

BARE = "/__bench__/bare/"


@require_safe
def bare(request):
    """The floor: the middleware, the context processors and the base template, no query of its own."""
    return render(request, "base.html", {})


urlpatterns = [path(BARE.strip("/") + "/", bare), *product]
