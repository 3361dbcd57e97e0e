"""Shared vocabularies: CPV 2008 codes and Swedish NUTS-3 regions, loaded from data/ by migrations."""

from django.db import models
from django.utils.translation import get_language


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
