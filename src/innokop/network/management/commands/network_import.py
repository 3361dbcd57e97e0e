from django.core.management.base import BaseCommand

from innokop.network.services import import_all


class Command(BaseCommand):
    help = "Imports every subscribed partner feed now (the daily task does the same)."

    def handle(self, *args, **options):
        for pk, result in import_all().items():
            self.stdout.write(f"subscription {pk}: {result}")
