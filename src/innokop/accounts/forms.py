import logging

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template import loader
from django.utils.translation import gettext_lazy as _

from innokop.core.mail import CONFIDENTIAL_HEADER

from .identifiers import normalise_org_number, normalise_vat_number
from .models import ROLES_BY_KIND, ApiTokenScope, Organisation, OrganisationKind, Role, User

logger = logging.getLogger(__name__)

EU_COUNTRIES = [
    ("SE", _("Sweden")), ("AT", _("Austria")), ("BE", _("Belgium")), ("BG", _("Bulgaria")), ("CY", _("Cyprus")),
    ("CZ", _("Czechia")), ("DE", _("Germany")), ("DK", _("Denmark")), ("EE", _("Estonia")), ("ES", _("Spain")),
    ("FI", _("Finland")), ("FR", _("France")), ("GR", _("Greece")), ("HR", _("Croatia")), ("HU", _("Hungary")),
    ("IE", _("Ireland")), ("IT", _("Italy")), ("LT", _("Lithuania")), ("LU", _("Luxembourg")), ("LV", _("Latvia")),
    ("MT", _("Malta")), ("NL", _("Netherlands")), ("PL", _("Poland")), ("PT", _("Portugal")), ("RO", _("Romania")),
    ("SI", _("Slovenia")), ("SK", _("Slovakia")),
]


class LoginForm(AuthenticationForm):
    username = forms.EmailField(label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))
    error_messages = {
        "invalid_login": _("The e-mail address or the password is wrong. Check both and try again."),
        "inactive": _("This account is not active."),
    }


class NewPasswordMixin(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters. Avoid common words and numbers only."),
    )
    password2 = forms.CharField(label=_("Repeat the password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean_password2(self):
        first, second = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if first and second and first != second:
            raise ValidationError(_("The two passwords are not the same. Type the same password twice."))
        if second:
            email = self.cleaned_data.get("email") or getattr(self, "email", "")
            validate_password(second, User(email=email, full_name=self.cleaned_data.get("full_name", "")))
        return second


class RegistrationStartForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}),
                             help_text=_("We send a link to it. You go on from the link."))


class SupplierRegistrationForm(NewPasswordMixin):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    country = forms.ChoiceField(label=_("Country where the company is registered"), choices=EU_COUNTRIES, initial="SE")
    # Each of the two numbers is needed for some countries (see clean): the hint says when, and the
    # label does not call it optional.
    org_number = forms.CharField(
        label=_("Swedish organisation number"), required=False, max_length=20,
        help_text=_("Needed if the company is registered in Sweden. For example 556036-0793."),
    )
    org_number.conditionally_required = True
    vat_number = forms.CharField(
        label=_("EU VAT number"), required=False, max_length=20,
        help_text=_("Needed if the company is registered in another EU country. Start with the country code, "
                    "for example DE136695976."),
    )
    vat_number.conditionally_required = True
    is_sme = forms.BooleanField(
        label=_("The company is a small or medium-sized enterprise (fewer than 250 employees)"), required=False
    )
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    field_order = ["company_name", "country", "org_number", "vat_number", "is_sme", "full_name", "password1", "password2"]

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email  # proven by the registration link; the password must not resemble it

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if country == "SE":
            if not data.get("org_number"):
                self.add_error("org_number", _("Enter the company's Swedish organisation number, for example 556036-0793."))
            else:
                self._normalise("org_number", normalise_org_number)
            data["vat_number"] = ""
        elif country:
            if not data.get("vat_number"):
                self.add_error("vat_number", _("Enter the company's EU VAT number, starting with the country code, "
                                               "for example DE136695976."))
            else:
                self._normalise("vat_number", normalise_vat_number)
                vat = self.cleaned_data.get("vat_number", "")
                prefix = "EL" if country == "GR" else country
                if vat and not vat.startswith(prefix):
                    self.add_error("vat_number", _("The VAT number must start with %(prefix)s for the country you chose.") % {"prefix": prefix})
            data["org_number"] = ""
        return data

    def _normalise(self, field: str, normaliser) -> None:
        try:
            self.cleaned_data[field] = normaliser(self.cleaned_data[field])
        except ValidationError as error:
            self.add_error(field, error)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's form; its e-mail is confidential, since the link in it sets a new password (core/mail.py)."""

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        message = EmailMessage(subject, body, from_email, [to_email], headers={CONFIDENTIAL_HEADER: "1"})
        try:
            message.send()
        except Exception:  # like Django's: a failed send must not tell the visitor whether the account exists
            logger.exception("Failed to send password reset email to %s", context["user"].pk)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ROLES_BY_KIND[OrganisationKind(organisation.kind)]
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in allowed]


class InvitationAcceptForm(NewPasswordMixin):
    full_name = forms.CharField(label=_("Your full name"), max_length=200)
    field_order = ["full_name", "password1", "password2"]


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    language = forms.ChoiceField(label=_("Language for e-mail and notifications"), choices=[("sv", "Svenska"), ("en", "English")])


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("What the token is for"), max_length=100, help_text=_("For example: our e-procurement system."))
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), empty_label=None,
        help_text=_("The token acts for you in this organisation only."))
    scope = forms.ChoiceField(
        label=_("What the token may do"), choices=ApiTokenScope.choices, initial=ApiTokenScope.READ,
        widget=forms.RadioSelect,
        help_text=_("A token that writes for an agency or a central purchasing body needs two-factor authentication."))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in organisations])
        if organisations:
            self.fields["organisation"].initial = organisations[0].pk


class OtpTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
