from django.core.management.base import BaseCommand, CommandError

from innokop.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the SHA-256 chain of the audit log. Exits 0 when intact, 1 naming the first broken event."

    def handle(self, *args, **options):
        result = audit_verify()
        if result.ok:
            self.stdout.write(f"audit log intact: {result.checked} events verified, last hash {result.last_hash}")
            return
        where = f"event {result.broken_id}" if result.broken_id else "the end of the chain"
        raise CommandError(f"audit log broken at {where}: {result.reason} ({result.checked} events before it verified)")
