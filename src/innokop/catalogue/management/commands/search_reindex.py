from django.core.management.base import BaseCommand

from innokop.catalogue.indexing import index_outdated, reindex


class Command(BaseCommand):
    help = ("Rebuild the search index of published solutions, suppliers, published framework agreements "
            "and CPV codes.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--if-outdated", action="store_true",
                            help="only when entries were made by older rules or CPV codes are missing (make run)")

    def handle(self, *args, if_outdated: bool = False, **options) -> None:
        if if_outdated and not index_outdated():
            self.stdout.write("The search index is up to date.")
            return
        counts = reindex()
        self.stdout.write(
            f"Indexed {counts['solution']} solutions, {counts['supplier']} suppliers, "
            f"{counts['agreement']} framework agreements and {counts['cpv']} CPV codes."
        )
