"""The procurement record export: request it, watch its progress, download the ZIP.

The record is the agency's: every member of the agency may export it (404 for everyone else,
invited suppliers included).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from .. import record
from ..models import RecordExport
from ..permissions import get_calloff_for_agency


@login_required
@require_http_methods(["GET", "POST"])
def record_export(request, pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    if request.method == "POST":
        try:
            export = record.record_export_request(actor=request.user, calloff=calloff)
        except record.RecordError as error:
            messages.error(request, str(error))
        else:
            return redirect("calloffs:record_export_status", pk=calloff.pk, export_pk=export.pk)
    exports = calloff.exports.select_related("requested_by")[:10]
    return render(request, "calloffs/record/export.html", {"calloff": calloff, "exports": exports})


@login_required
@require_safe
def record_export_status(request, pk: int, export_pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    export = get_object_or_404(RecordExport, calloff=calloff, pk=export_pk)
    template = "calloffs/record/progress.html" if request.htmx else "calloffs/record/status.html"
    return render(request, template, {"calloff": calloff, "export": export})


@login_required
@require_safe
def record_export_download(request, pk: int, export_pk: int):
    calloff = get_calloff_for_agency(request.actor, pk)
    export = get_object_or_404(RecordExport, calloff=calloff, pk=export_pk)
    if not export.file:
        raise Http404(_("The procurement record is not ready yet."))
    response = FileResponse(export.file.open("rb"), as_attachment=True, content_type="application/zip",
                            filename=f"{calloff.reference}-upphandlingsdokumentation.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response


urlpatterns = [
    path("call-offs/<int:pk>/record/", record_export, name="record_export"),
    path("call-offs/<int:pk>/record/<int:export_pk>/", record_export_status, name="record_export_status"),
    path("call-offs/<int:pk>/record/<int:export_pk>/download/", record_export_download,
         name="record_export_download"),
]
