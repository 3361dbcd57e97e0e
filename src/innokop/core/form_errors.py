"""Error messages that name their field, on every form of the project (settings.FORM_RENDERER).

Django's own messages do not say which field they are about: "This field is required." six times in
an error summary tells nobody what to fix. The form renderer gives every form (plain forms, ModelForms,
formsets, in every app) a bound field whose errors name the field and say what to do: a missing answer
becomes "Fill in “Title”.", Django's other generic messages get the label in front ("Start date: Enter
a valid date."). A message the project writes itself is shown as written: it already names the field
and says what to do (`error_messages={"required": ...}` on the field, or `add_error` in `clean`).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.forms.utils import ErrorList
from django.utils.translation import gettext as _


def _is_djangos(field: forms.Field, error: ValidationError) -> bool:
    """Whether the message is one of Django's own for this field (its defaults or a built-in validator's)."""
    messages = [message for cls in type(field).__mro__ if cls.__module__.startswith("django.")
                for message in vars(cls).get("default_error_messages", {}).values()]
    messages += [getattr(validator, "message", None) for validator in field.validators
                 if type(validator).__module__.startswith("django.")]
    return any(error.message is message for message in messages)


def required_message(field: forms.Field, label: str) -> str:
    """What to do about a field left empty, named by its label: what a person does differs by the kind of field."""
    widget = field.widget
    if isinstance(field, forms.FileField):
        message = _("Choose a file for “%(label)s”.")
    elif isinstance(widget, forms.CheckboxInput):
        message = _("Tick “%(label)s” to continue.")
    elif isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        message = _("Choose at least one option for “%(label)s”.")
    elif isinstance(field, forms.ChoiceField):
        message = _("Choose an option for “%(label)s”.")
    else:
        message = _("Fill in “%(label)s”.")
    return message % {"label": label}


class NamedErrorsBoundField(forms.BoundField):
    """A bound field whose errors (next to the field and in the error summary) name the field."""

    @property
    def errors(self) -> ErrorList:
        errors = super().errors
        if not errors:
            return errors
        named = errors.copy()
        named.data = [self._named(error) for error in errors.as_data()]
        named.field_id = getattr(errors, "field_id", None)
        return named

    def _named(self, error: ValidationError) -> ValidationError:
        if getattr(error, "message", None) is None or not _is_djangos(self.field, error):
            return error
        label = str(self.label).rstrip(":")
        if error.code == "required":
            return ValidationError(required_message(self.field, label), code=error.code)
        return ValidationError(_("%(label)s: %(message)s") % {"label": label, "message": next(iter(error))},
                               code=error.code)


class FormRenderer(DjangoTemplates):
    bound_field_class = NamedErrorsBoundField
