"""Forms of the dialogue section (clarifications, the deadline, meetings) and of ranking offers."""

from datetime import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from innokop.agreements.forms import DateInput
from innokop.core.calendar import at_local

from .forms import DateTimeInput
from .models import ClarificationKind
from .services.dialogue import SlotTime


class ClarificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("What do you publish?"), choices=ClarificationKind.choices,
                             widget=forms.RadioSelect, initial=ClarificationKind.ADDENDUM)
    title = forms.CharField(label=_("Title"), max_length=200,
                            help_text=_("For example: Addendum 1, changed requirement K2."))
    text = forms.CharField(label=_("Text"), required=False, max_length=20000,
                           widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("For an addendum: what is changed or clarified. For a document: what is new "
                                       "in it (optional)."))
    file = forms.FileField(label=_("File"), required=False,
                           help_text=_("For a document only. PDF, Word, Excel, OpenDocument, PNG, JPEG or plain "
                                       "text."))
    document = forms.ModelChoiceField(label=_("New version of an earlier document"), queryset=None, required=False,
                                      empty_label=_("No, a new document"),
                                      help_text=_("For a document only. Suppliers see every earlier version too."))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents

    def clean(self):
        data = super().clean()
        if data.get("kind") == ClarificationKind.ADDENDUM and not data.get("text", "").strip() \
                and "text" not in self.errors:
            self.add_error("text", _("Write the addendum: what is changed or clarified."))
        if data.get("kind") == ClarificationKind.DOCUMENT and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Choose the file to publish."))
        return data


class DeadlineForm(forms.Form):
    tender_deadline = forms.DateTimeField(label=_("New tender deadline"), widget=DateTimeInput(),
                                          help_text=_("Swedish time. Later than the current deadline; a deadline "
                                                      "is never shortened."))
    reason = forms.CharField(label=_("Reason for the extension"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Every invited supplier is sent the new deadline and the reason."))


class KeepDeadlineForm(forms.Form):
    reason = forms.CharField(label=_("Why do the suppliers have enough time?"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Kept in the procurement record. For example: the change only corrects a "
                                         "spelling mistake."))


class SlotOfferForm(forms.Form):
    """Several meeting times at once, each a day, a start, an end and a place.

    The first `required_rows` rows must be filled (enough for every supplier without a meeting); the
    others are optional and skipped when empty.
    """

    def __init__(self, *args, rows: int, required_rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in range(1, rows + 1):
            required = row <= required_rows
            missing = {"required": _("Meeting %(n)s needs a day, a start, an end and a place.") % {"n": row}}
            time_input = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
            self.fields[f"day_{row}"] = forms.DateField(label=_("Day"), required=required, widget=DateInput(),
                                                        error_messages=missing)
            self.fields[f"starts_{row}"] = forms.TimeField(label=_("Starts"), required=required, widget=time_input,
                                                           error_messages=missing)
            self.fields[f"ends_{row}"] = forms.TimeField(label=_("Ends"), required=required, widget=time_input,
                                                         error_messages=missing)
            self.fields[f"place_{row}"] = forms.CharField(
                label=_("Place or link"), required=required, max_length=300, error_messages=missing,
                help_text=_("An address, or the link to the video meeting.") if row == 1 else "")

    @property
    def row_fields(self) -> list:
        return [(row, [self[f"{name}_{row}"] for name in ("day", "starts", "ends", "place")])
                for row in range(1, self.rows + 1)]

    def clean(self):
        data = super().clean()
        self.slots = []
        for row in range(1, self.rows + 1):
            values = {name: data.get(f"{name}_{row}") for name in ("day", "starts", "ends", "place")}
            if not any(values.values()):
                continue
            missing = [name for name, value in values.items() if not value and f"{name}_{row}" not in self.errors]
            for name in missing:
                self.add_error(f"{name}_{row}", _("Meeting %(n)s needs a day, a start, an end and a place.")
                               % {"n": row})
            if not missing and not self.errors:
                self.slots.append(SlotTime(self._moment(values["day"], values["starts"]),
                                           self._moment(values["day"], values["ends"]), values["place"]))
        if not self.slots and not self.errors:
            raise ValidationError(_("Give at least one meeting time."))
        return data

    @staticmethod
    def _moment(day, time) -> datetime:
        return at_local(day, time.hour, time.minute)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), max_length=50000, widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("Who took part, what was said and what was agreed. Only this supplier "
                                          "sees the minutes."))


class RankingPublishForm(forms.Form):
    answer_by = forms.DateTimeField(label=_("Answer deadline"), widget=DateTimeInput(),
                                    help_text=_("Swedish time. Each supplier gets this long to answer; without an "
                                                "answer the call-off passes to the next."))
    accept_non_working = forms.BooleanField(label=_("Publish with this answer deadline anyway"), required=False)


class OfferAnswerForm(forms.Form):
    ACCEPT, DECLINE = "accept", "decline"

    answer = forms.ChoiceField(label=_("Do you accept the call-off?"), widget=forms.RadioSelect,
                               choices=[(ACCEPT, _("Yes, we accept it")), (DECLINE, _("No, we decline it"))])
    reason = forms.CharField(label=_("If you decline: why?"), required=False, max_length=4000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required when you decline. The agency is told the reason."))

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.DECLINE and not data.get("reason", "").strip():
            self.add_error("reason", _("Give the reason for declining; the agency is told it."))
        return data
