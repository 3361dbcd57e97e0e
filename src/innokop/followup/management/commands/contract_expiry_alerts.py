from django.core.management.base import BaseCommand

from innokop.followup.services.register import contract_expiry_alerts_send


class Command(BaseCommand):
    help = ("Alert the agency's contract team and the supplier 90 and 30 days before a call-off contract ends; "
            "run it daily. Each alert is sent once.")

    def handle(self, *args, **options):
        self.stdout.write(f"{contract_expiry_alerts_send()} expiry alerts sent")
