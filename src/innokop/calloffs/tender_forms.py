"""The supplier's tender form: yes/no and evidence per requirement, an answer per criterion, the prices.

The form only reads input. What stops submission (a missing answer, a price above its ceiling) is
decided by the services in `services/tenders.py`; the draft keeps whatever was typed that could be read.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innokop.core.formats import sek

from .services.tenders import ATTACHMENT_MAX_BYTES, Scope
from .tender_content import RequirementAnswer, TenderContent

YES, NO = "yes", "no"
MAX_AMOUNT = Decimal("999999999999.99")


def parse_amount(text: str) -> Decimal | None:
    """'1 250 000', '1250,50', '1 250 kr' → Decimal; '' → None. Swedish and English ways of writing are both read."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("kr", "").replace("SEK", "").strip()
    if not cleaned:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise ValidationError(_("Write the amount in kronor as a number, for example 1250 or 1250,50."),
                              code="invalid")
    if amount < 0:
        raise ValidationError(_("The amount cannot be negative."), code="negative")
    if amount != amount.quantize(Decimal("0.01")) or amount > MAX_AMOUNT:
        raise ValidationError(_("Give the amount in kronor with at most two decimals (öre)."), code="decimals")
    return amount.quantize(Decimal("0.01"))


class NeededToSubmit:
    """A field that must be filled in before submission, yet may be empty in a draft.

    It counts as required (so the page does not call it optional); the services, not the form,
    refuse a submission that leaves it empty, with a message that says what to answer.
    """

    def validate(self, value) -> None:
        if value not in self.empty_values:
            super().validate(value)


class AnswerChoiceField(NeededToSubmit, forms.ChoiceField):
    """A yes/no answer to a requirement: empty in a draft, needed to submit."""


class AnswerField(NeededToSubmit, forms.CharField):
    """A written answer (a criterion, a price): empty in a draft, needed to submit."""


class AmountField(NeededToSubmit, forms.Field):
    """An amount in kronor as people type it; read by `parse_amount`."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false",
                                  "maxlength": "30"})

    def to_python(self, value) -> Decimal | None:
        text = "" if value in self.empty_values else str(value).strip()
        if len(text) > 30:
            raise ValidationError(_("Write the amount in kronor as a number, for example 1250 or 1250,50."),
                                  code="invalid")
        return parse_amount(text)

    def prepare_value(self, value):
        # A saved amount is shown the way it was typed would read: 1250.00 → 1250, 1250.50 → 1250,50.
        if isinstance(value, Decimal):
            return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value).replace(".", ",")
        return value


@dataclass(frozen=True)
class RequirementRow:
    requirement: object
    meets: forms.BoundField
    evidence: forms.BoundField


class TenderForm(forms.Form):
    # A draft may be saved half done: no field is marked required to the browser.
    use_required_attribute = False

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = scope
        for requirement in scope.requirements:
            self.fields[f"meets_{requirement.pk}"] = AnswerChoiceField(
                label=_("Does your tender meet requirement %(id)s?") % {"id": requirement.identifier},
                choices=[(YES, _("Yes")), (NO, _("No"))], widget=forms.RadioSelect)
            self.fields[f"evidence_{requirement.pk}"] = forms.CharField(
                label=_("How you meet it (evidence)"), required=False, max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("For example a certificate, a test report or a reference customer. You can refer to an "
                            "attachment."))
        for criterion in scope.criteria:
            self.fields[f"criterion_{criterion.pk}"] = AnswerField(
                label=_("%(name)s (weight %(weight)s %%)") % {"name": criterion.lot_criterion.name,
                                                              "weight": criterion.weight},
                max_length=20000, widget=forms.Textarea(attrs={"rows": 6}),
                help_text=criterion.lot_criterion.description)
        fixed = scope.fixed_price
        self.fields["total_price"] = AmountField(
            label=_("Total price, kronor excluding VAT"),
            help_text=(_("The call-off has a fixed price; give exactly that.") if fixed is not None else
                       _("The price the tender is evaluated on, for the whole contract period.")))
        for row in scope.price_rows:
            self.fields[f"price_{row.pk}"] = AmountField(
                label=_("%(item)s, kronor per %(unit)s") % {"item": row.label, "unit": row.unit},
                help_text=_("Ceiling price %(ceiling)s. A higher price is refused.") % {
                    "ceiling": sek(row.ceiling_price)})

    @classmethod
    def initial_from(cls, content: TenderContent) -> dict:
        initial = {"total_price": content.total_price}
        for pk, answer in content.requirements.items():
            initial[f"meets_{pk}"] = {True: YES, False: NO}.get(answer.meets, "")
            initial[f"evidence_{pk}"] = answer.evidence
        initial |= {f"criterion_{pk}": text for pk, text in content.criteria.items()}
        return initial | {f"price_{pk}": price for pk, price in content.prices.items()}

    def _value(self, name: str, previous):
        """What the field says, or, where it could not be read, what the draft had: nothing saved is lost."""
        return previous if name in self.errors else self.cleaned_data.get(name)

    def content(self, previous: TenderContent) -> TenderContent:
        """The answers as typed, on top of the previous draft (call after `is_valid()`)."""
        requirements = {}
        for requirement in self.scope.requirements:
            pk = requirement.pk
            before = previous.requirements.get(pk, RequirementAnswer())
            meets = self._value(f"meets_{pk}", {True: YES, False: NO}.get(before.meets))
            evidence = self._value(f"evidence_{pk}", before.evidence) or ""
            answer = RequirementAnswer(meets={YES: True, NO: False}.get(meets), evidence=evidence.strip())
            if answer != RequirementAnswer():
                requirements[pk] = answer
        criteria = {c.pk: text.strip() for c in self.scope.criteria
                    if (text := self._value(f"criterion_{c.pk}", previous.criteria.get(c.pk)) or "").strip()}
        prices = {row.pk: price for row in self.scope.price_rows
                  if (price := self._value(f"price_{row.pk}", previous.prices.get(row.pk))) is not None}
        return TenderContent(requirements=requirements, criteria=criteria, prices=prices,
                             total_price=self._value("total_price", previous.total_price),
                             attachments=previous.attachments)

    def requirement_rows(self) -> list[RequirementRow]:
        return [RequirementRow(r, self[f"meets_{r.pk}"], self[f"evidence_{r.pk}"]) for r in self.scope.requirements]

    def criterion_fields(self) -> list:
        return [(c, self[f"criterion_{c.pk}"]) for c in self.scope.criteria]

    def price_fields(self) -> list:
        return [(row, self[f"price_{row.pk}"]) for row in self.scope.price_rows]

    def error_links(self) -> list[tuple[str, str]]:
        """(anchor, message) for the error summary: a yes/no question links to its first radio."""
        links = [("main", str(error)) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            anchor = f"id_{name}_0" if name.startswith("meets_") else f"id_{name}"
            links += [(anchor, str(error)) for error in errors]
        return links


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Choose a file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, Word, Excel, OpenDocument, PNG, JPEG or plain text, at most %(size)s "
                                          "MB each.") % {"size": ATTACHMENT_MAX_BYTES // 1_048_576}


class SubmitForm(forms.Form):
    """The checksum of the draft the supplier checked; a changed draft is not sealed unseen."""

    expected_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
