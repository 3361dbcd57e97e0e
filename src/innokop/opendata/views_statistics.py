"""The public statistics page and the CSV download of each of its tables: Innoköp's own figures, computed from
what the OCDS data publishes (opendata/statistics.py). Everyone reads them; nothing is written."""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from innokop.core import clock
from innokop.core.exports import csv_bytes

from . import statistics


@require_safe
def statistics_page(request):
    now = clock.now()
    stats = statistics.compute(now)
    header, rows = statistics.table(stats, "agreements")
    return render(request, "opendata/statistics.html", {
        "stats": stats, "charts": statistics.charts(stats), "now": now,
        "agreement_header": header, "agreement_rows": rows,
        "downloads": statistics.TABLES,
    })


@require_safe
def statistics_csv(request, table: str):
    if table not in statistics.TABLES:
        raise Http404
    header, rows = statistics.table(statistics.compute(clock.now()), table)
    response = HttpResponse(csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="innokop-statistics-{table}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
