from django.core.management.base import BaseCommand, CommandError

from innokop.network import services


class Command(BaseCommand):
    help = ("Generates a new signing key for this instance's network feed; the previous key keeps signing beside it "
            "for INNOKOP_NETWORK_KEY_TRANSITION_DAYS days. --end-transition: only the current key signs from now.")

    def add_arguments(self, parser):
        parser.add_argument("--end-transition", action="store_true",
                            help="Stop signing with the previous key now instead of generating a new one.")

    def handle(self, *args, **options):
        try:
            if options["end_transition"]:
                dropped = services.signing_key_transition_end(actor=None)
                self.stdout.write(f"dropped: {', '.join(dropped)}")
            else:
                key = services.signing_key_rotate(actor=None)
                self.stdout.write(f"new key {key.key_id}: {key.public_key}")
        except services.NetworkError as error:
            raise CommandError(str(error)) from None
