"""Services every domain app uses: audit log, documents, notifications, the e-mail outbox."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import messages


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def readable_by(self, actor) -> "AuditEventQuerySet":
        """Events an actor may read in the trail: a sealed event only by its own organisation until its
        scope is released (rule 6: nobody, platform staff included, learns who tendered before opening)."""
        released = AuditRelease.objects.values("scope")
        own = Q(organisation_id__in=list(getattr(actor, "organisation_ids", []) or []))
        return self.filter(Q(sealed_scope="") | Q(sealed_scope__in=released) | own)


class AuditEvent(models.Model):
    """One state change. Append-only; each event's hash covers the previous event's hash.

    A sealed event (`sealed_scope` set, e.g. "calloff:12" for a tender event) is kept from every reader
    but its own organisation until an `AuditRelease` for its scope exists.
    """

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=255, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verb = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    sealed_scope = models.CharField(max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        # An object's events (its trail, the OCDS export's deadline extensions): with it the plan does not
        # depend on statistics, which SQLite lacks until ANALYZE (docs/performance.md, OCDS export rate).
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self) -> str:
        return f"#{self.pk} {self.verb} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditRelease(models.Model):
    """The moment a sealed scope's events became readable (the tenders of a call-off were opened)."""

    scope = models.CharField(max_length=64, unique=True)
    released_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.scope


class AuditChainHead(models.Model):
    """A single row that serialises appends to the chain (locked with SELECT ... FOR UPDATE)."""

    last_hash = models.CharField(max_length=64)


def document_upload_to(instance: "DocumentVersion", filename: str) -> str:
    return f"documents/{instance.document_id}/{instance.number}/{instance.safe_name}"


class Document(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=255)
    owner = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="documents")
    is_public = models.BooleanField(_("public"), default=False)
    # What the document belongs to, if anything ("agreements.frameworkagreement:12").
    attached_to = models.CharField(max_length=120, blank=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def current(self) -> "DocumentVersion | None":
        versions = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if versions is not None:
            return max(versions, key=lambda v: v.number, default=None)
        return self.versions.order_by("-number").first()


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_upload_to, max_length=500)
    original_name = models.CharField(max_length=255)
    safe_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    comment = models.CharField(_("comment"), max_length=500, blank=True)

    class Meta:
        ordering = ["document", "-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """What happened, kept untranslated and read in the reader's language (`core.messages`).

    `subject_source` and `body_source` are msgids (the English source text) whose %(name)s placeholders
    are filled from `params` when read; `subject` and `body` are the text in the active language. A
    notification stored before messages were kept this way has `params` None: its sources are the
    finished text in the language it was written in, and read as stored.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=100)
    subject_source = models.CharField(max_length=255)
    body_source = models.TextField()
    params = models.JSONField(null=True, blank=True, default=dict)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Readable by its recipient only: not listed to platform staff, nor its e-mail in the outbox.
    confidential = models.BooleanField(default=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        return messages.render(self.subject_source, self.params)

    @subject.setter
    def subject(self, text) -> None:
        self.subject_source = messages.source(text)

    @property
    def body(self) -> str:
        return messages.render(self.body_source, self.params)

    @body.setter
    def body(self, text) -> None:
        self.body_source = messages.source(text)


class OutboxMessage(models.Model):
    """E-mail kept in the application instead of sent: the embedded default's mail server."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    from_email = models.CharField(max_length=255)
    to = models.TextField()
    subject = models.CharField(max_length=998)
    body = models.TextField()
    confidential = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class SearchEntry(models.Model):
    """One object in the full-text index, kept by `innokop.core.search` (never saved directly).

    `title_terms`, `body_terms` and `extra_terms` hold the normalised text the database indexes:
    Swedish stems and lemmas plus the parts of compound words; `terms_version` the rules they were
    made with. Migrations 0003 and 0005 add what the database needs on top: an FTS5 table on
    SQLite, a weighted tsvector column with a GIN index on PostgreSQL.
    """

    kind = models.CharField(max_length=50)
    object_id = models.BigIntegerField()
    language = models.CharField(max_length=10, default="sv")
    title = models.TextField()
    body = models.TextField(blank=True)
    extra = models.TextField(blank=True, default="")  # classification labels: found, weighed least, never shown
    foreign = models.TextField(blank=True, default="")  # the same in another language, indexed as it stands
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    extra_terms = models.TextField(blank=True, default="")
    terms_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_unique")]
        # Narrow: a full-text match finds an entry's kind and object id here without reading its wide row.
        indexes = [models.Index(fields=["id", "kind", "object_id"], name="search_entry_cover")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class SearchFacets(models.Model):
    """The facet values of one indexed object ("cpv:90 sme trl:7"), sorted and space-separated, kept by
    `innokop.core.search` beside its entry. Narrow on purpose: counting facets over a query's matches
    groups by `keys` here, one lookup per match, instead of reading the objects' own tables."""

    entry = models.OneToOneField(SearchEntry, on_delete=models.CASCADE, primary_key=True, related_name="facets")
    keys = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.keys}"


class WorkerHeartbeat(models.Model):
    """When a task worker (`innokop db_worker`) was last seen alive: it writes its row as it starts and at every
    look for stalled tasks (core/taskqueue.py). A task RUNNING for longer than the threshold is requeued only
    when its worker has not been seen within it, so a long task on a living worker is never run twice."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.worker_id} {self.seen_at:%Y-%m-%d %H:%M}"


class SearchIndexState(models.Model):
    """One row: a token that changes, in the same transaction, whenever the search index does. What is computed
    from the whole index (the catalogue's facet counts without a query) is cached under it, so a change to the
    index is never read from a stale cache, in any process. A random token rather than a counter: a rolled
    back change brings back the token of the state it returns to."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


class SearchWord(models.Model):
    """A word seen in indexed Swedish text: the vocabulary compound words are split against.

    It only grows: a word whose last object is gone still names a real part of a compound, and
    keeping it costs one row.
    """

    word = models.CharField(max_length=64, primary_key=True)
    stem = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return self.word


class DailyRun(models.Model):
    """One period in which the apps' daily jobs were queued (core/daily.py). The period's start is unique, so
    when several nodes find the jobs due at once only the first one queues them."""

    period_start = models.DateTimeField(unique=True)
    started_at = models.DateTimeField()
    jobs = models.JSONField(default=list)

    class Meta:
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d %H:%M}"
