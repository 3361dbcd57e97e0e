from django.core.management.base import BaseCommand

from innokop.catalogue.indexing import reindex


class Command(BaseCommand):
    help = "Rebuild the search index of published solutions, suppliers and published framework agreements."

    def handle(self, *args, **options) -> None:
        counts = reindex()
        self.stdout.write(
            f"Indexed {counts['solution']} solutions, {counts['supplier']} suppliers and "
            f"{counts['agreement']} framework agreements."
        )
