from django.urls import path, register_converter

from .views import sales as views


class FileFormat:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileFormat, "fmt")

QUARTER = "sales-reports/agreements/<int:agreement_pk>/suppliers/<int:supplier_pk>/<int:year>/q<int:number>/"

app_name = "followup"
urlpatterns = [
    path("sales-reports/", views.my_reports, name="my_reports"),
    path("sales-reports/overdue/", views.overdue, name="overdue"),
    path(QUARTER, views.report_form, name="report_form"),
    path(QUARTER + "upload/", views.report_upload, name="report_upload"),
    path(QUARTER + "template.<fmt:fmt>", views.report_template, name="report_template"),
    path(QUARTER + "check/", views.report_check, name="report_check"),
    path("sales-reports/reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("sales-reports/agreements/<int:pk>/", views.agreement_sales, name="agreement_sales"),
    path("sales-reports/agreements/<int:pk>/fees/", views.fee_basis, name="fee_basis"),
    path("sales-reports/agreements/<int:pk>/fees.<fmt:fmt>", views.fee_basis_download, name="fee_basis_download"),
    path("sales-reports/agreements/<int:pk>/fee-rates/", views.fee_rate_add, name="fee_rate_add"),
]
