from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Invitation, Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "country", "org_number", "vat_number", "is_sme"]
    list_filter = ["kind", "is_sme"]
    search_fields = ["name", "org_number", "vat_number"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password", "full_name", "language"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]


admin.site.register(Invitation)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "organisation", "scope", "prefix", "created_at", "last_used_at", "revoked_at"]
    # What a token may do is chosen by its owner when it is made (audited), never changed afterwards.
    readonly_fields = ["token_hash", "prefix", "organisation", "scope"]

# Devices are managed by their owners under My account; the admin's device pages are not needed
# and django-otp's device config page fails on devices that do not exist.
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin  # noqa: E402,F401  (registers the model first)
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

admin.site.unregister(TOTPDevice)
