"""Renders Django form widgets with GOV.UK Frontend classes and the ARIA links to hints and errors."""

from django import forms, template

register = template.Library()

CLASSES = {
    forms.Select: "govuk-select",
    forms.SelectMultiple: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.ClearableFileInput: "govuk-file-upload",
    forms.FileInput: "govuk-file-upload",
}


@register.filter
def govuk_widget(field: forms.BoundField) -> str:
    widget = field.field.widget
    css = next((css for kind, css in CLASSES.items() if isinstance(widget, kind)), "govuk-input")
    if field.errors:
        css += {"govuk-select": " govuk-select--error", "govuk-textarea": " govuk-textarea--error"}.get(
            css, " govuk-file-upload--error" if css == "govuk-file-upload" else " govuk-input--error"
        )
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs = {"class": css}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def widget_kind(field: forms.BoundField) -> str:
    """Which GOV.UK pattern renders the field: checkboxes, a single checkbox, radios, or an input."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


def _has_errors(value) -> bool:
    # type(), not isinstance(): isinstance would evaluate lazy values such as csrf_token, which sets a cookie.
    kind = type(value)
    if issubclass(kind, forms.BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, forms.BaseFormSet):
        return value.is_bound and value.total_error_count() > 0
    return False


@register.simple_tag(takes_context=True)
def page_has_form_errors(context) -> bool:
    """Whether a form (or formset) the page shows has errors: base.html then starts the title with "Error:".

    It looks at every form in the context, whatever its name, so every page with a form gets the prefix.
    """
    return any(_has_errors(value) for layer in context.dicts for value in layer.values())
