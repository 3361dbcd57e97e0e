from django.core.management.base import BaseCommand

from innokop.followup.services.sales import sales_reminders_send


class Command(BaseCommand):
    help = "Send the sales-report reminders due today (before and after each due date); run it daily. Each is sent once."

    def handle(self, *args, **options):
        self.stdout.write(f"{sales_reminders_send()} reminders sent")
