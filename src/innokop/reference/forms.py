import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import CpvCode


class CpvCodesField(forms.CharField):
    """CPV codes typed or picked: '72000000-5, 48000000' → CpvCode objects; unknown codes are named."""

    widget = forms.Textarea(attrs={"rows": 2, "data-cpv-target": "true", "spellcheck": "false"})

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CPV codes"))
        kwargs.setdefault("help_text", _("One or more codes from the CPV 2008 list, for example 72000000-5. "
                                         "Separate them with commas. Use the search below to find codes."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return ", ".join(c.full_code if isinstance(c, CpvCode) else str(c) for c in items)
        return value

    def clean(self, value):
        value = super().clean(value)
        codes = [token.split("-")[0] for token in re.split(r"[\s,;]+", value or "") if token]
        if not codes and self.required:
            raise ValidationError(_("Give at least one CPV code."))
        bad = [code for code in codes if not re.fullmatch(r"\d{8}", code)]
        found = {c.code: c for c in CpvCode.objects.filter(code__in=codes)}
        unknown = [code for code in codes if code not in found and code not in bad]
        if bad or unknown:
            raise ValidationError(_("These are not CPV 2008 codes: %(codes)s. Search for the right code below.")
                                  % {"codes": ", ".join(bad + unknown)})
        return [found[code] for code in dict.fromkeys(codes)]
