from django.shortcuts import render
from django.views.decorators.http import require_safe

from .search import cpv_search


@require_safe
def cpv_lookup(request):
    """CPV codes matching words or digits: a whole page without JavaScript, a fragment for HTMX."""
    query = request.GET.get("q", "")[:100]
    results = cpv_search(query, limit=30)
    template = "reference/includes/cpv_results.html" if request.htmx else "reference/cpv_lookup.html"
    return render(request, template, {"query": query, "codes": results.codes, "beginnings": results.beginnings})
