from django import forms
from django.contrib import admin

from .models import Threshold


class ThresholdForm(forms.ModelForm):
    class Meta:
        model = Threshold
        fields = ["kind", "valid_from", "amount", "source"]

    def clean(self):
        from .thresholds import not_later_problem

        data = super().clean()
        if data.get("kind") and data.get("valid_from"):
            problem = not_later_problem(data["kind"], data["valid_from"])
            if problem:
                self.add_error("valid_from", problem)
        return data


@admin.register(Threshold)
class ThresholdAdmin(admin.ModelAdmin):
    """Rule 13: a threshold is added, never changed or deleted. Adding goes through
    `reference.thresholds.threshold_add` (as `innokop threshold_add` does), which writes an audit event; the
    model itself refuses an edit whichever way it comes."""

    form = ThresholdForm
    list_display = ["kind", "valid_from", "amount", "source"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return obj is None

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from .thresholds import threshold_add

        added = threshold_add(actor=request.user, kind=obj.kind, valid_from=obj.valid_from, amount=obj.amount,
                              source=obj.source)
        obj.pk, obj.created_at = added.pk, added.created_at
