from django import forms
from django.utils.translation import gettext_lazy as _


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."))
    is_public = forms.BooleanField(label=_("Anyone may read the document (public)"), required=False)


class DocumentVersionForm(forms.Form):
    file = forms.FileField(label=_("New version of the file"))
    comment = forms.CharField(label=_("What changed"), max_length=500, required=False)
