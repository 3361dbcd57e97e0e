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
