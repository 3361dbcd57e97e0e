from django.urls import path, register_converter

from .views import dashboards
from .views import plans as plan_views
from .views import register as register_views
from .views import sales as views


class FileFormat:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FileFormat, "fmt")

QUARTER = "sales-reports/agreements/<int:agreement_pk>/suppliers/<int:supplier_pk>/<int:year>/q<int:number>/"

CONTRACT = "contract-register/<int:pk>/"

app_name = "followup"
urlpatterns = [
    path("contract-register/", register_views.contract_register, name="contract_register"),
    path(CONTRACT, register_views.contract_record, name="contract_record"),
    path(CONTRACT + "details/", register_views.contract_details, name="contract_details"),
    path(CONTRACT + "options/", register_views.option_add, name="contract_option_add"),
    path(CONTRACT + "options/<int:option_pk>/use/", register_views.option_use, name="contract_option_use"),
    path(CONTRACT + "changes/", register_views.change_add, name="contract_change_add"),
    path(CONTRACT + "complete/", register_views.contract_complete, name="contract_complete"),
    path(CONTRACT + "reference-case/", register_views.reference_case_write, name="contract_reference_case"),
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
    path("dashboards/agreements/<int:pk>/", dashboards.dashboard, {"kind": "agreement"}, name="agreement_dashboard"),
    path("dashboards/agreements/<int:pk>/dashboard.xlsx", dashboards.dashboard_xlsx, {"kind": "agreement"},
         name="agreement_dashboard_xlsx"),
    path("dashboards/suppliers/<int:pk>/", dashboards.dashboard, {"kind": "supplier"}, name="supplier_dashboard"),
    path("dashboards/suppliers/<int:pk>/dashboard.xlsx", dashboards.dashboard_xlsx, {"kind": "supplier"},
         name="supplier_dashboard_xlsx"),
    path("dashboards/agencies/<int:pk>/", dashboards.dashboard, {"kind": "agency"}, name="agency_dashboard"),
    path("dashboards/agencies/<int:pk>/dashboard.xlsx", dashboards.dashboard_xlsx, {"kind": "agency"},
         name="agency_dashboard_xlsx"),
    path("follow-up/", plan_views.plans_home, name="plans_home"),
    path("follow-up/contracts/<int:contract_pk>/plan/", plan_views.plan_create_for_contract,
         name="plan_create_for_contract"),
    path("follow-up/agreements/<int:agreement_pk>/plan/", plan_views.plan_create_for_agreement,
         name="plan_create_for_agreement"),
    path("follow-up/plans/<int:pk>/", plan_views.plan_detail, name="plan_detail"),
    path("follow-up/plans/<int:pk>/items/new/", plan_views.item_add, name="plan_item_add"),
    path("follow-up/plans/<int:pk>/items/<int:item_pk>/", plan_views.item_edit, name="plan_item_edit"),
    path("follow-up/plans/<int:pk>/items/<int:item_pk>/request/", plan_views.round_request, name="round_request"),
    path("follow-up/rounds/<int:pk>/", plan_views.round_detail, name="round_detail"),
    path("follow-up/rounds/<int:pk>/documents/<uuid:document_pk>/", plan_views.round_document, name="round_document"),
    path("follow-up/rounds/<int:pk>/answer/", plan_views.round_answer, name="round_answer"),
    path("follow-up/rounds/<int:pk>/audit-report/", plan_views.round_audit_report, name="round_audit_report"),
    path("follow-up/rounds/<int:pk>/assess/", plan_views.round_assess, name="round_assess"),
    path("follow-up/rounds/<int:pk>/action/", plan_views.deviation_action, name="deviation_action"),
    path("follow-up/rounds/<int:pk>/verify/", plan_views.deviation_decide, name="deviation_decide"),
    path("follow-up/rounds/<int:pk>/escalate/", plan_views.deviation_escalate, name="deviation_escalate"),
]
