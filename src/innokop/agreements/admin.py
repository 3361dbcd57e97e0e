from django.contrib import admin

from .models import AgreementQuestion, FrameworkAgreement, Lot, LotCriterion, LotSupplier, PriceListRow, Requirement


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ["number", "title", "call_off_method", "min_tender_days"]


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "start_date", "end_date", "published_at", "terminated_at"]
    search_fields = ["reference", "title"]
    inlines = [LotInline]


class LotSupplierInline(admin.TabularInline):
    model = LotSupplier
    extra = 0


@admin.register(Lot)
class LotAdmin(admin.ModelAdmin):
    list_display = ["__str__", "call_off_method"]
    inlines = [LotSupplierInline]


admin.site.register([LotCriterion, PriceListRow, Requirement, AgreementQuestion])
