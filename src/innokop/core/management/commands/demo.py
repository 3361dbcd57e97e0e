from django.core.management.base import BaseCommand

from innokop.accounts.models import Organisation
from innokop.core.demo import DEMO_PASSWORD, demo_logins, load_demo


class Command(BaseCommand):
    help = "Create the demo scenario (fictional organisations and people). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")
        parser.add_argument("--if-empty", action="store_true", help="load only into a database with no organisations")

    def handle(self, *args, quiet_logins: bool = False, if_empty: bool = False, **options):
        if if_empty and Organisation.objects.exists():
            self.stdout.write("The database already has data: demo data not loaded again.")
        else:
            result = load_demo()
            self.stdout.write(f"Demo data: {result.created} objects created, {result.existing} already there.")
        if not quiet_logins:
            logins = demo_logins()
            if logins:
                self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
            for email, description in logins:
                self.stdout.write(f"  {email:<44} {description}")
