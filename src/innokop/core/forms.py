from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."))
    is_public = forms.BooleanField(label=_("Anyone may read the document (public)"), required=False)


class DocumentVersionForm(forms.Form):
    file = forms.FileField(label=_("New version of the file"))
    comment = forms.CharField(label=_("What changed"), max_length=500, required=False)


def add_service_errors(form, error: Exception) -> None:
    """A service's refusal shown on the form: field errors where it names fields, else at the top."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, str(error.message if isinstance(error, ValidationError) else error))
