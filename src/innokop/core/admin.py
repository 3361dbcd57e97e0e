from django.contrib import admin

from .models import AuditEvent, Document, DocumentVersion, Notification, OutboxMessage


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "actor_label", "verb", "object_type", "object_id"]
    list_filter = ["verb"]
    search_fields = ["verb", "object_repr", "actor_label"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Notification)
admin.site.register(OutboxMessage)


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    readonly_fields = ["number", "safe_name", "size", "sha256", "uploaded_by", "uploaded_at"]
    fields = readonly_fields


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "is_public", "created_at"]
    inlines = [DocumentVersionInline]
