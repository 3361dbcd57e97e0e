"""Background work of pre-studies. Whether a survey is open is read from the clock, never waiting for a task: only
the reminders do."""

from django_tasks import task


@task()
def send_survey_reminders() -> int:
    """Reminders a week and a day before a survey's deadline to the agencies that have not answered; safe to run
    again (each is sent once)."""
    from .services.surveys import survey_reminders_send

    return survey_reminders_send()


DAILY = [send_survey_reminders]  # core/daily.py
