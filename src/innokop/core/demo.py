"""The demo scenario: each app contributes a `demo.load(scenario)` in its `demo.py`.

The loaders are found by Django's autodiscovery (core.discovery) and run in INSTALLED_APPS order,
which lists the apps from the bottom layer up: accounts (the people), core (a document and a
welcome for them), agreements, catalogue, call-offs.
"""

from dataclasses import dataclass, field

from django.db import transaction

from .discovery import app_functions

DEMO_PASSWORD = "demo-innokop-2026"


@dataclass
class Scenario:
    """What the apps' demo loaders share: created objects by key, counts and the logins to print."""

    objects: dict = field(default_factory=dict)
    created: int = 0
    existing: int = 0

    def count(self, created: bool) -> None:
        if created:
            self.created += 1
        else:
            self.existing += 1


def demo_logins() -> list[tuple[str, str]]:
    """The demo accounts in the database, with their organisations and roles, for printing."""
    from innokop.accounts.models import User

    users = User.objects.filter(email__endswith=".example").prefetch_related("memberships__organisation")
    rows = []
    for user in users.order_by("date_joined", "pk"):
        memberships = list(user.memberships.all())
        where = memberships[0].organisation.name if memberships else ""
        roles = ", ".join(str(m.get_role_display()) for m in memberships)
        rows.append((user.email, f"{where}: {roles}" + (" (staff)" if user.is_staff else "")))
    return rows


def load_demo() -> Scenario:
    scenario = Scenario()
    with transaction.atomic():
        for load_part in app_functions("demo", "load"):
            load_part(scenario)
    return scenario


def load(scenario: Scenario) -> None:
    """Core's part: a public document from the purchasing body and a welcome in every inbox."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils.translation import gettext_lazy as _

    from innokop.accounts.models import User

    from .documents import document_create
    from .models import Document
    from .notifications import notify

    cpb = scenario.objects["org:cpb"]
    manager = scenario.objects["user:anna.ramstrom"]
    if not Document.objects.filter(owner=cpb, title="Så fungerar Innoköp").exists():
        text = (
            "Så fungerar Innoköp\n\n"
            "1. Inköpscentralen gör förstudier och bygger ramavtal med anbudsområden och krav.\n"
            "2. Myndigheter avropar med dialog: frågor, möten, förseglade anbud, utvärdering och tilldelning.\n"
            "3. Avtalen följs upp mot kraven, och allt publiceras som öppna data.\n"
        )
        document_create(actor=manager, owner=cpb, title="Så fungerar Innoköp", is_public=True,
                        uploaded=SimpleUploadedFile("sa-fungerar-innokop.txt", text.encode("utf-8")))
        scenario.count(True)
    waiting = list(User.objects.filter(notifications__isnull=True, email__endswith=".example"))
    notify(
        recipients=waiting,
        kind="demo.welcome",
        subject=_("Welcome to the Innoköp demo"),
        body=_("Everything here is fictional. Try the pages for your role, and switch language at the top."),
        url="/dashboard/",
    )
