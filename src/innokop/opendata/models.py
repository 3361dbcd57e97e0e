"""The bulk download of the open data, rebuilt by a background task; the page shows its progress."""

from django.conf import settings
from django.db import models


class BulkFileQuerySet(models.QuerySet):
    def ready(self):
        return self.filter(finished_at__isnull=False, failed="").exclude(file="")


class BulkFile(models.Model):
    """One build of the bulk download: a ZIP of the release package and the record package of everything public
    at `built_for`, each validated before it is kept."""

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField()
    built_for = models.DateTimeField(null=True, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failed = models.TextField(blank=True)
    file = models.FileField(upload_to="opendata/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    releases = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)

    objects = BulkFileQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"OCDS bulk {self.requested_at:%Y-%m-%d %H:%M}"
