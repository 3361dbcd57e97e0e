from django.contrib import admin

from .models import CallOff, CallOffInvitation


class InvitationInline(admin.TabularInline):
    model = CallOffInvitation
    extra = 0
    readonly_fields = ("supplier", "invited_at")
    can_delete = False


@admin.register(CallOff)
class CallOffAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "agency", "status", "tender_deadline")
    list_filter = ("status",)
    search_fields = ("reference", "title")
    readonly_fields = [field.name for field in CallOff._meta.fields]
    inlines = [InvitationInline]
