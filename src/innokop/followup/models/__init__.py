"""The follow-up app's models, one module per part: sales reports and fees (`sales`)."""

from .sales import FeeRate, ReminderKind, ReportSource, SalesReminder, SalesReport, SalesReportQuerySet, SalesReportRow

__all__ = ["FeeRate", "ReminderKind", "ReportSource", "SalesReminder", "SalesReport", "SalesReportQuerySet",
           "SalesReportRow"]
