from django.core.management.base import BaseCommand

from innokop.opendata.services import bulk_rebuild_request


class Command(BaseCommand):
    help = ("Queue a rebuild of the OCDS bulk download (the worker builds it); run it daily, or after a busy day. "
            "A build whose packages do not validate publishes nothing.")

    def handle(self, *args, **options):
        bulk = bulk_rebuild_request(actor=None)
        self.stdout.write(f"bulk download {bulk.pk} queued")
