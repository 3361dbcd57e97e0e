"""Rewrap every call-off key and tender draft key from an old key-encryption key to the current one.

Run it after setting the new KEK (INNOKOP_KEK, or a new var/tender_kek) and before destroying the
old one; docs/sealed-tenders.md gives the whole procedure. Sealed tenders are not re-encrypted: only
the wrapped keys change, all in one transaction, so a failure leaves every key as it was.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from innokop.calloffs import sealing
from innokop.calloffs.models import CallOff, Tender
from innokop.core.discovery import app_functions


class Command(BaseCommand):
    help = "Rewrap call-off keys and tender draft keys from an old KEK (given as a file) to the current KEK."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--old-kek-file", required=True, type=Path,
                            help="A file holding the old KEK (base64 of 32 bytes), e.g. the old var/tender_kek.")

    def handle(self, *args, old_kek_file: Path, **options) -> None:
        try:
            old = sealing.decode_kek(old_kek_file.read_text(encoding="ascii"), str(old_kek_file))
            new = sealing.load_kek()
        except (OSError, sealing.SealingError) as error:
            raise CommandError(str(error)) from error
        old_id, new_id = sealing.key_id(old), sealing.key_id(new)
        if old_id == new_id:
            raise CommandError(f"The old KEK and the current KEK are the same (key id {new_id}). Set the new KEK first.")
        with transaction.atomic():
            calloffs = self._rewrap(CallOff.objects.exclude(data_key=""), "data_key", sealing.rewrap, old, new)
            drafts = self._rewrap(Tender.objects.exclude(draft_key=""), "draft_key", sealing.rewrap_draft_key, old,
                                  new)
            others = [rewrap(old, new) for rewrap in app_functions("kek", "rewrap")]  # e.g. webhooks/kek.py
        self.stdout.write(f"Rewrapped {calloffs} call-off keys and {drafts} draft keys from KEK {old_id} to {new_id}.")
        for line in others:
            self.stdout.write(line)

    @staticmethod
    def _rewrap(queryset, field: str, rewrap, old: bytes, new: bytes) -> int:
        old_id, new_id = sealing.key_id(old), sealing.key_id(new)
        count = 0
        for pk, wrapped in queryset.select_for_update().values_list("pk", field):
            kid = sealing.wrapped_key_id(wrapped)
            if kid == new_id:
                continue  # already under the current KEK: running twice is harmless
            if kid != old_id:
                raise CommandError(f"{queryset.model.__name__} {pk} has a key wrapped by KEK {kid}, which is neither "
                                   f"the old ({old_id}) nor the current ({new_id}) one. Nothing was changed.")
            queryset.model.objects.filter(pk=pk).update(**{field: rewrap(wrapped, old, new)})
            count += 1
        return count
