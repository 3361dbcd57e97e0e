"""Shared vocabularies: CPV 2008 codes and Swedish NUTS-3 regions, loaded from data/ by migrations."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innokop.core.models import AppendOnlyError


class CpvCode(models.Model):
    code = models.CharField(max_length=8, primary_key=True)
    check_digit = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    parent_code = models.CharField(max_length=8, blank=True, db_index=True)
    label_sv = models.CharField(max_length=400)
    label_en = models.CharField(max_length=400)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.full_code} {self.label}"

    @property
    def full_code(self) -> str:
        return f"{self.code}-{self.check_digit}"

    @property
    def division(self) -> str:
        """The first two digits: the CPV division used as a search facet."""
        return self.code[:2]

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv


class NutsRegion(models.Model):
    code = models.CharField(max_length=5, primary_key=True)
    label_sv = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "sv").startswith("en") else self.label_sv


class ThresholdKind(models.TextChoices):
    """The procurement thresholds of rule 13 (DESIGN.md §4), excluding VAT."""

    CENTRAL_GOVERNMENT = "central_government", _("EU threshold for goods and services, central government authorities")
    OTHER_BUYERS = "other_buyers", _("EU threshold for goods and services, other contracting authorities")
    WORKS = "works", _("EU threshold for works")
    DIRECT_AWARD = "direct_award", _("Direct award limit")


class Threshold(models.Model):
    """A threshold in force from a day, with its source (rule 13). Never edited nor deleted: the values in force
    from a later day are a new row (`reference.thresholds.threshold_add`)."""

    kind = models.CharField(_("kind"), max_length=30, choices=ThresholdKind.choices)
    valid_from = models.DateField(_("valid from"))
    amount = models.DecimalField(_("amount (SEK, excluding VAT)"), max_digits=14, decimal_places=0)
    source = models.CharField(_("source"), max_length=300)
    created_at = models.DateTimeField(_("added"))

    class Meta:
        ordering = ["kind", "valid_from"]
        verbose_name = _("threshold")
        verbose_name_plural = _("thresholds")
        constraints = [models.UniqueConstraint(fields=["kind", "valid_from"], name="threshold_one_per_day")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} from {self.valid_from}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("a threshold is never edited: add a new dated row")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("a threshold is never deleted: add a new dated row")
