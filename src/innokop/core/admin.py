from django.contrib import admin

from .models import Document, DocumentVersion

# The audit trail, notifications and the e-mail outbox are not in the Django admin: they have their
# own pages (/audit/, /outbox/), which keep sealed tender events and confidential receipts from
# platform staff (rule 6) and never show an event's place in the chain.


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
