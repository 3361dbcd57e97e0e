from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import documents as document_services
from .dashboard import panels_for
from .forms import DocumentForm, DocumentVersionForm
from .models import AuditEvent, Document, DocumentVersion, Notification, OutboxMessage
from .notifications import notification_mark_read
from .permissions import get_for_actor


@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # the point of a health check is to report, not to raise
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database, "vendor": connection.vendor},
        status=status,
    )


@require_safe
def start(request):
    return render(request, "core/start.html")


@require_safe
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_required
@require_safe
def dashboard(request):
    actor = request.actor
    notifications = Notification.objects.filter(recipient=request.user)[:5]
    return render(request, "core/dashboard.html", {
        "actor": actor, "latest_notifications": notifications, "panels": panels_for(request)})


@login_required
@require_safe
def inbox(request):
    notifications = Notification.objects.filter(recipient=request.user)[:200]
    return render(request, "core/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def inbox_mark_read(request):
    count = notification_mark_read(user=request.user)
    messages.success(request, ngettext("%(count)d notification marked as read.",
                                       "%(count)d notifications marked as read.", count) % {"count": count})
    return redirect("core:inbox")


@login_required
@require_safe
def notification_open(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return redirect("core:inbox")


def _require_staff(request) -> None:
    if not request.user.is_staff:
        raise Http404


@login_required
@require_safe
def outbox(request):
    _require_staff(request)
    return render(request, "core/outbox.html",
                  {"messages_sent": OutboxMessage.objects.filter(confidential=False)[:200]})


@login_required
@require_safe
def outbox_message(request, pk: int):
    _require_staff(request)
    message = get_object_or_404(OutboxMessage, pk=pk, confidential=False)
    return render(request, "core/outbox_message.html", {"message": message})


def documents_visible_to(request):
    return Document.objects.filter(Q(is_public=True) | Q(owner_id__in=request.actor.organisation_ids))


def attached_object_visible(request, document: Document) -> bool:
    """A document attached to an object (`attached_to` = "app_label.model:pk[:part]") is read where its object is:
    belonging to the owning organisation is not enough when the object's model says who sees it (`visible_to`),
    e.g. a pre-study's report for its framework managers and team only. Public documents are for everyone."""
    if document.is_public or not document.attached_to:
        return True
    label, _separator, rest = document.attached_to.partition(":")
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return True
    objects = model._default_manager.all()
    if not hasattr(objects, "visible_to"):
        return True
    return objects.visible_to(request.actor).filter(pk=rest.split(":")[0]).exists()


def get_document_for_actor(request, pk, *, write: bool = False) -> Document:
    if request.user.is_authenticated:
        document = get_for_actor(documents_visible_to(request), documents_writable_by(request), pk, write=write)
    else:
        document = get_for_actor(Document.objects.filter(is_public=True), None, pk)
    if not attached_object_visible(request, document):
        raise Http404
    return document


def documents_writable_by(request):
    """Only free-standing documents change here; a document attached to an agreement or a solution
    changes through that app's own pages, which review and audit it in its context."""
    return Document.objects.filter(owner_id__in=request.actor.organisation_ids, attached_to="")


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request):
    organisations = request.actor.organisations
    if not organisations:
        raise PermissionDenied
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = document_services.document_create(
                actor=request.user, owner=organisations[0], title=form.cleaned_data["title"],
                uploaded=form.cleaned_data["file"], is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The document has been uploaded."))
            return redirect("core:document_detail", pk=document.pk)
    documents = (
        Document.objects.filter(owner_id__in=request.actor.organisation_ids, attached_to="")
        .select_related("owner")
        .prefetch_related("versions")
    )
    return render(request, "core/document_list.html", {"documents": documents, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def document_detail(request, pk):
    write = request.method == "POST"
    document = get_document_for_actor(request, pk, write=write)
    form = DocumentVersionForm(request.POST or None, request.FILES or None)
    if write and form.is_valid():
        try:
            document_services.document_add_version(
                actor=request.user, document=document, uploaded=form.cleaned_data["file"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The new version has been uploaded."))
            return redirect("core:document_detail", pk=document.pk)
    can_edit = documents_writable_by(request).filter(pk=document.pk).exists()
    versions = document.versions.select_related("uploaded_by")
    return render(request, "core/document_detail.html", {
        "document": document, "versions": versions, "form": form, "can_edit": can_edit,
    })


@require_safe
def document_download(request, pk, number: int):
    document = get_document_for_actor(request, pk)
    version = get_object_or_404(DocumentVersion, document=document, number=number)
    response = FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.safe_name, content_type=version.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_safe
def audit_trail(request):
    events = AuditEvent.objects.readable_by(request.actor)
    if not request.user.is_staff:
        admin_of = [o.pk for o in request.actor.admin_organisations()]
        if not admin_of:
            raise PermissionDenied
        events = events.filter(organisation_id__in=admin_of)
    events = events.select_related("organisation").order_by("-id")[:300]
    return render(request, "core/audit_trail.html", {"events": events})

