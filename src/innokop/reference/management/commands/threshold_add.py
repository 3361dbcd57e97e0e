from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from innokop.core.refusals import Refused, refusal_message
from innokop.reference.models import ThresholdKind
from innokop.reference.thresholds import threshold_add


class Command(BaseCommand):
    help = ("Add a threshold in force from a day, with its source (rule 13). Old rows are never edited: "
            "e.g. innokop threshold_add central_government 2026-01-01 1500000 'Notice ...'")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ThresholdKind.values)
        parser.add_argument("valid_from", help="YYYY-MM-DD")
        parser.add_argument("amount", help="SEK excluding VAT, whole kronor")
        parser.add_argument("source", help="the regulation or notice that sets the value")

    def handle(self, *args, kind, valid_from, amount, source, **options):
        try:
            day, value = date.fromisoformat(valid_from), Decimal(amount)
        except (ValueError, InvalidOperation) as error:
            raise CommandError(f"Not a date or an amount: {error}") from None
        try:
            threshold = threshold_add(actor=None, kind=kind, valid_from=day, amount=value, source=source)
        except Refused as error:
            raise CommandError(refusal_message(error)) from None
        self.stdout.write(f"Added {threshold.kind} {threshold.amount} from {threshold.valid_from}")
