from django import forms
from django.utils.translation import gettext_lazy as _

from . import events


class EndpointForm(forms.Form):
    url = forms.URLField(label=_("Address (https://)"), max_length=500, assume_scheme="https",
                         help_text=_("Innoköp sends each event to this address with an HTTP POST."))
    events = forms.MultipleChoiceField(label=_("Events"), choices=events.choices, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Only events about what your organisation may see in Innoköp "
                                                   "are sent."))
