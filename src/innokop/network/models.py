"""The network of sister bodies (Procure2Innovate): good-practice cases told by the purchasing body or an agency,
the partners' feeds the purchasing body subscribes to, and the items imported from them (read-only here)."""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.catalogue.models import ReferenceCase
from innokop.core.states import StateMachine


class CaseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("Sent for review")
    PUBLISHED = "published", _("Published")


class GoodPracticeCaseQuerySet(models.QuerySet):
    def published(self) -> "GoodPracticeCaseQuerySet":
        return self.filter(status=CaseStatus.PUBLISHED)


class GoodPracticeCase(StateMachine, models.Model):
    """A completed innovation procurement told as a case, in Swedish and English. It wraps the catalogue's
    reference case of the same procurement when there is one (docs/architecture.md): the reference case says
    what the buyer achieved with a solution, the good-practice case tells the whole procurement."""

    # case_submit (draft → in review), case_publish (in review → published), case_return (in review → draft).
    TRANSITIONS = {CaseStatus.DRAFT: {CaseStatus.IN_REVIEW}, CaseStatus.IN_REVIEW: {CaseStatus.PUBLISHED,
                                                                                   CaseStatus.DRAFT},
                   CaseStatus.PUBLISHED: set()}

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("written by"))
    reference_case = models.OneToOneField(ReferenceCase, on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="good_practice_case",
                                          verbose_name=_("reference case in the catalogue"))
    title_sv = models.CharField(_("title in Swedish"), max_length=200)
    title_en = models.CharField(_("title in English"), max_length=200)
    need_sv = models.TextField(_("the need, in Swedish"))
    need_en = models.TextField(_("the need, in English"))
    route_sv = models.TextField(_("the route, in Swedish"))
    route_en = models.TextField(_("the route, in English"))
    solution_sv = models.TextField(_("the solution, in Swedish"))
    solution_en = models.TextField(_("the solution, in English"))
    results_sv = models.TextField(_("the results, in Swedish"))
    results_en = models.TextField(_("the results, in English"))
    lessons_sv = models.TextField(_("the lessons, in Swedish"))
    lessons_en = models.TextField(_("the lessons, in English"))
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    objects = GoodPracticeCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title_sv

    def text(self, field: str) -> str:
        """A part of the case in the reader's language."""
        return getattr(self, f"{field}_{'en' if (get_language() or 'sv').startswith('en') else 'sv'}")

    @property
    def title(self) -> str:
        return self.text("title")


class Subscription(models.Model):
    """The purchasing body follows a partner's signed feed: fetched from `feed_url`, verified with `public_key`."""

    partner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="network_subscriptions",
                                limit_choices_to={"kind": OrganisationKind.PARTNER}, verbose_name=_("partner body"))
    feed_url = models.URLField(_("address of the feed"), max_length=500, unique=True)
    public_key = models.CharField(_("public key"), max_length=60,
                                  help_text=_("The partner's Ed25519 public key, base64 (44 characters)."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_imported_at = models.DateTimeField(null=True, blank=True)
    # Why the last import was refused: an English msgid and its parameters, shown in the reader's language.
    last_error = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["partner__name", "id"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.feed_url}"

    @property
    def last_error_text(self) -> str:
        if not self.last_error:
            return ""
        return gettext(self.last_error["msgid"]) % self.last_error.get("params", {})


class ItemKind(models.TextChoices):
    CASE = "case", _("Good-practice case")
    SOLUTION = "solution", _("Verified solution")
    DIALOGUE = "dialogue", _("Market dialogue summary")


class NetworkItem(models.Model):
    """An item imported from a partner's feed: shown as from the network with its origin, never edited here."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    remote_id = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=300)
    content = models.JSONField(default=dict)
    digest = models.CharField(max_length=64)
    remote_updated_at = models.DateTimeField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-remote_updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "kind", "remote_id"],
                                               name="network_item_once_per_feed")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_title(self) -> str:
        """A case's title in the reader's language; other items have one title."""
        return self.text("title") or self.title

    def text(self, field: str) -> str:
        value = self.content.get(field, "")
        if isinstance(value, dict):
            return value.get("en" if (get_language() or "sv").startswith("en") else "sv") or value.get("sv", "")
        return str(value)


class SigningKeyQuerySet(models.QuerySet):
    def active(self, now) -> "SigningKeyQuerySet":
        """The keys that sign the feed at `now`: the current one, and the previous ones in their transition."""
        started = models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=now)
        return self.filter(started, models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=now))


class SigningKey(models.Model):
    """One of this instance's Ed25519 keys for its feed (docs/user-guide.md, key rotation). The first is the key of the
    settings (INNOKOP_NETWORK_SIGNING_KEY), recorded when the first rotation ends its term; later ones are generated
    by a rotation and kept, private, in a 0600 file named by their key id in INNOKOP_NETWORK_KEY_DIR. The database
    holds only the public half."""

    class Source(models.TextChoices):
        SETTINGS = "settings", _("The instance's settings")
        FILE = "file", _("Generated by a rotation")

    key_id = models.CharField(_("key id"), max_length=16, unique=True)
    public_key = models.CharField(_("public key"), max_length=60)
    source = models.CharField(max_length=10, choices=Source.choices)
    valid_from = models.DateTimeField(_("signs from"), null=True, blank=True)  # none: since the instance began
    valid_until = models.DateTimeField(_("signs until"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField()

    objects = SigningKeyQuerySet.as_manager()

    class Meta:
        ordering = [models.F("valid_from").desc(nulls_last=True), "-id"]

    def __str__(self) -> str:
        return self.key_id


class PartnerKey(models.Model):
    """A public key the purchasing body trusts for a partner's feed besides the one it subscribed with: a successor
    the partner announced in a feed signed by a key already trusted, and signed with the successor too. A key the
    partner says it stops signing with (`valid_until`) is no longer trusted from then."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="keys")
    key_id = models.CharField(_("key id"), max_length=16)
    public_key = models.CharField(_("public key"), max_length=60)
    valid_until = models.DateTimeField(_("trusted until"), null=True, blank=True)
    announced_by = models.CharField(_("announced by key"), max_length=16, blank=True)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [models.UniqueConstraint(fields=["subscription", "public_key"], name="partner_key_once")]

    def __str__(self) -> str:
        return self.key_id
