from django.core.management.base import BaseCommand

from innokop.followup.services.plans import followup_reminders_send


class Command(BaseCommand):
    help = ("Send the follow-up reminders due now (before and after each request's deadline); run it daily. "
            "Each is sent once.")

    def handle(self, *args, **options):
        self.stdout.write(f"{followup_reminders_send()} reminders sent")
