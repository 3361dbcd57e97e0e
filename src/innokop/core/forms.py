from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .refusals import REFUSALS, Refused, refusal_message


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("File"), help_text=_("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text."))
    is_public = forms.BooleanField(label=_("Anyone may read the document (public)"), required=False)


class DocumentVersionForm(forms.Form):
    file = forms.FileField(label=_("New version of the file"))
    comment = forms.CharField(label=_("What changed"), max_length=500, required=False)


def add_service_errors(form, error: Refused | ValidationError) -> None:
    """A service's refusal shown on the form: field errors where it names fields, else at the top.

    A `Refused` puts its message in the error summary at the top, and each of its problems on the
    field it names when the form has that field.
    """
    if isinstance(error, Refused):
        form.add_error(None, refusal_message(error))
        for problem in error.problems:
            if problem.field in form.fields:
                form.add_error(problem.field, problem.message)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal_message(error))


def posted(request):
    """The posted data, or None for a GET: an empty POST still binds the form, so it is validated."""
    return request.POST if request.method == "POST" else None


def service_button(request, service: Callable, success: str, **kwargs) -> bool:
    """Calls a service for a button without a form; the refusal or the success is the next page's message."""
    try:
        service(actor=request.user, **kwargs)
    except REFUSALS as error:
        messages.error(request, refusal_message(error))
        return False
    messages.success(request, success)
    return True
