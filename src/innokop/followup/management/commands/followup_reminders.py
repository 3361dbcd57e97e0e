from django.core.management.base import BaseCommand

from innokop.followup.services.plan_reminders import followup_reminders_send


class Command(BaseCommand):
    help = ("Send what follow-up has to tell now: each scheduled round's request to the supplier, the reminders "
            "before and after each request's deadline, and the buyer's reminder of rounds waiting for assessment; "
            "run it daily. Each is sent once; the rounds' state never waits for it.")

    def handle(self, *args, **options):
        self.stdout.write(f"{followup_reminders_send()} notifications sent")
