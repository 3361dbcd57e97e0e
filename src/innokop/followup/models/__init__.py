"""The follow-up app's models, one module per part: sales reports and fees (`sales`)."""

from .plans import (
    AuditArea,
    Deviation,
    DeviationQuerySet,
    DeviationStatus,
    EventKind,
    FollowUpPlan,
    FollowUpRound,
    ItemSource,
    PlanFrequency,
    PlanItem,
    PlanItemChange,
    PlanMethod,
    RoundEvent,
    RoundKind,
    RoundStatus,
    Sanction,
    TargetDirection,
)
from .register import (
    ChangeLimit,
    ChangeReason,
    ContractChange,
    ContractKind,
    ContractOption,
    ContractRecord,
    ContractReferenceCase,
    ContractState,
    ExpiryAlert,
)
from .sales import FeeRate, ReminderKind, ReportSource, SalesReminder, SalesReport, SalesReportQuerySet, SalesReportRow

__all__ = ["FeeRate", "ReminderKind", "ReportSource", "SalesReminder", "SalesReport", "SalesReportQuerySet",
           "SalesReportRow"]
__all__ += ["AuditArea", "Deviation", "DeviationQuerySet", "DeviationStatus", "EventKind", "FollowUpPlan",
            "FollowUpRound", "ItemSource", "PlanFrequency", "PlanItem", "PlanItemChange", "PlanMethod", "RoundEvent",
            "RoundKind", "RoundStatus", "Sanction", "TargetDirection"]
__all__ += ["ChangeLimit", "ChangeReason", "ContractChange", "ContractKind", "ContractOption", "ContractRecord",
            "ContractReferenceCase", "ContractState", "ExpiryAlert"]
