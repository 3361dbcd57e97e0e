"""Background work of follow-up. The state of a sales report never waits for it: only the reminders do."""

from django_tasks import task


@task()
def send_sales_report_reminders() -> int:
    """Reminders before and after each quarter's due date; safe to run again (each is sent once)."""
    from .services.sales import sales_reminders_send

    return sales_reminders_send()


@task()
def send_contract_expiry_alerts() -> int:
    """Alerts 90 and 30 days before a call-off contract ends; safe to run again (each is sent once). Whether a
    contract is expiring is read from the clock, whether or not this has run."""
    from .services.register import contract_expiry_alerts_send

    return contract_expiry_alerts_send()


@task()
def send_followup_reminders() -> int:
    """The requests of scheduled rounds, the reminders before and after each deadline and the buyer's reminders of
    rounds waiting for assessment; safe to run again (each is sent once). Whether a round is requested or overdue
    is read from the clock, whether or not this has run."""
    from .services.plan_reminders import followup_reminders_send

    return followup_reminders_send()


DAILY = [send_sales_report_reminders, send_followup_reminders, send_contract_expiry_alerts]  # core/daily.py
