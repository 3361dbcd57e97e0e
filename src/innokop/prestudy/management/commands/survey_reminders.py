from django.core.management.base import BaseCommand

from innokop.prestudy.services.surveys import survey_reminders_send


class Command(BaseCommand):
    help = ("Send the needs-survey reminders due now (a week and a day before each deadline, to the agencies that "
            "have not answered); run it daily or more often. Each is sent once.")

    def handle(self, *args, **options):
        self.stdout.write(f"{survey_reminders_send()} reminders sent")
