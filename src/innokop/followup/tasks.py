"""Background work of follow-up. The state of a sales report never waits for it: only the reminders do."""

from django_tasks import task


@task()
def send_sales_report_reminders() -> int:
    """Reminders before and after each quarter's due date; safe to run again (each is sent once)."""
    from .services.sales import sales_reminders_send

    return sales_reminders_send()
