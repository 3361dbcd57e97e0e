"""The open-data pages: what is published and where, the publication policy, and the bulk download with its
progress while it is rebuilt. Everyone reads them; a framework manager of the purchasing body rebuilds."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from innokop.core.refusals import refusal_message

from . import services
from .models import BulkFile
from .permissions import get_bulk_for_actor, may_rebuild


@require_safe
def home(request):
    latest = BulkFile.objects.ready().first()
    building = BulkFile.objects.filter(finished_at__isnull=True).first()
    return render(request, "opendata/home.html", {"latest": latest, "building": building,
                                                  "may_rebuild": may_rebuild(request.actor)})


@require_safe
def policy(request):
    return render(request, "opendata/policy.html")


@login_required
@require_POST
def bulk_rebuild(request):
    if not may_rebuild(request.actor):
        raise PermissionDenied
    try:
        bulk = services.bulk_rebuild_request(actor=request.user)
    except services.OpenDataError as error:
        messages.error(request, refusal_message(error))
        return redirect("opendata:home")
    return redirect("opendata:bulk_status", pk=bulk.pk)


@require_safe
def bulk_status(request, pk: int):
    bulk = get_bulk_for_actor(request.actor, pk)
    template = "opendata/bulk_progress.html" if request.htmx else "opendata/bulk_status.html"
    return render(request, template, {"bulk": bulk})


@require_safe
def bulk_download(request, pk: int):
    bulk = get_bulk_for_actor(request.actor, pk)
    if not bulk.file or bulk.failed:
        raise Http404(_("The bulk download is not ready yet."))
    response = FileResponse(bulk.file.open("rb"), as_attachment=True, content_type="application/zip",
                            filename=f"innokop-ocds-{bulk.built_for:%Y%m%d}.zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
