import base64

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from innokop.core.audit import audit_log
from innokop.core.forms import add_service_errors
from innokop.core.permissions import get_for_actor
from innokop.core.ratelimit import rate_limit
from innokop.core.refusals import REFUSALS

from . import services, two_factor
from .forms import (
    ApiTokenForm,
    InvitationAcceptForm,
    InvitationForm,
    LoginForm,
    OtpTokenForm,
    PasswordResetForm,
    ProfileForm,
    RegistrationStartForm,
    SupplierRegistrationForm,
)
from .models import ApiToken, Invitation, Membership, Organisation


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The user's own language from now on (the language middleware reads this cookie).
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.get_user().language, samesite="Lax", max_age=365 * 86400)
        return response


def _email_asked_for(request) -> list[str]:
    """The address typed into the form, so that nobody floods one inbox from many addresses."""
    email = request.POST.get("email", "").strip().lower()
    return [f"email:{email}"] if email else []


@method_decorator(rate_limit("password_reset", keys=_email_asked_for), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_log(actor=form.user, verb="user.password_reset", obj=form.user)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            audit_log(actor=form.user, verb="user.password_changed", obj=form.user)
        messages.success(self.request, _("Your password has been changed."))
        return response


@require_http_methods(["GET", "POST"])
@rate_limit("registration", keys=_email_asked_for)
def register_supplier(request):
    """Step one: the address. Known or new, the answer is the same; the e-mail tells the difference."""
    form = RegistrationStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.supplier_registration_start(email=form.cleaned_data["email"], language=request.LANGUAGE_CODE)
        return redirect("accounts:register_sent")
    return render(request, "accounts/register_supplier.html", {"form": form})


@require_safe
def register_sent(request):
    return render(request, "accounts/register_sent.html", {"days": services.REGISTRATION_LINK_DAYS})


@require_http_methods(["GET", "POST"])
def register_finish(request, token: str):
    """Step two, from the link in the e-mail: the company, the person and a password."""
    email = services.registration_email(token)
    if email is None:
        return render(request, "accounts/registration_link_invalid.html", status=404)
    form = SupplierRegistrationForm(request.POST or None, email=email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.supplier_register(
                company_name=data["company_name"], country=data["country"], org_number=data["org_number"],
                vat_number=data["vat_number"], is_sme=data["is_sme"], full_name=data["full_name"],
                email=email, password=data["password1"], language=request.LANGUAGE_CODE,
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your company is registered and you are logged in."))
            return redirect("core:dashboard")
    return render(request, "accounts/register_finish.html", {"form": form, "email": email})


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    user = request.user if request.user.is_authenticated else None
    form = InvitationAcceptForm(request.POST or None, initial={"email": invitation.email}) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            accepted = services.invitation_accept(
                raw_token=token, user=user,
                full_name=form.cleaned_data["full_name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
            )
        except services.AccountError as error:
            messages.error(request, str(error))
        else:
            if user is None:
                login(request, accepted, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome to %(organisation)s in Innoköp.") % {"organisation": invitation.organisation.name})
            return redirect("core:dashboard")
    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})


def _organisations_visible(request):
    return Organisation.objects.filter(pk__in=request.actor.organisation_ids)


def _organisations_administered(request):
    return Organisation.objects.filter(pk__in=[o.pk for o in request.actor.admin_organisations()])


@login_required
def organisation_home(request):
    organisations = request.actor.organisations
    if len(organisations) == 1:
        return redirect("accounts:organisation_detail", pk=organisations[0].pk)
    return render(request, "accounts/organisation_list.html", {"organisations": organisations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request, pk: int):
    organisation = get_for_actor(_organisations_visible(request), None, pk)
    is_admin = request.actor.is_admin_of(organisation)
    form = InvitationForm(request.POST or None, organisation=organisation)
    if request.method == "POST":
        if not is_admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.invitation_create(actor=request.user, organisation=organisation, **form.cleaned_data)
            except services.AccountError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The invitation has been sent to %(email)s.") % form.cleaned_data)
                return redirect("accounts:organisation_detail", pk=organisation.pk)
    memberships = Membership.objects.filter(organisation=organisation).select_related("user").order_by("user__full_name", "role")
    invitations = Invitation.objects.filter(organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True)
    return render(request, "accounts/organisation_detail.html", {
        "organisation": organisation, "memberships": memberships, "invitations": invitations,
        "is_admin": is_admin, "form": form,
    })


@login_required
@require_POST
def invitation_revoke(request, pk: int):
    visible = Invitation.objects.filter(organisation__in=_organisations_visible(request))
    writable = Invitation.objects.filter(organisation__in=_organisations_administered(request))
    invitation = get_for_actor(visible, writable, pk, write=True)
    services.invitation_revoke(actor=request.user, invitation=invitation)
    messages.success(request, _("The invitation to %(email)s has been withdrawn.") % {"email": invitation.email})
    return redirect("accounts:organisation_detail", pk=invitation.organisation_id)


@login_required
@require_POST
def membership_remove(request, pk: int):
    visible = Membership.objects.filter(organisation__in=_organisations_visible(request)).select_related("organisation", "user")
    writable = Membership.objects.filter(organisation__in=_organisations_administered(request))
    membership = get_for_actor(visible, writable, pk, write=True)
    try:
        services.membership_remove(actor=request.user, membership=membership)
    except services.AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role has been removed."))
    return redirect("accounts:organisation_detail", pk=membership.organisation_id)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    form = ProfileForm(request.POST or None, initial={"full_name": user.full_name, "language": user.language})
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(actor=user, **form.cleaned_data)
        messages.success(request, _("Your details have been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, form.cleaned_data["language"], samesite="Lax", max_age=365 * 86400)
        return response
    return render(request, "accounts/profile.html", {
        "form": form, "has_two_factor": two_factor.confirmed_device(user) is not None,
    })


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("api_token")
def api_tokens(request):
    organisations = services.api_token_organisations(request.user)
    form = ApiTokenForm(request.POST or None, organisations=organisations)
    new_token = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = services.api_token_create(
                actor=request.user, name=form.cleaned_data["name"], organisation=form.cleaned_data["organisation"],
                scope=form.cleaned_data["scope"])
        except REFUSALS as error:
            add_service_errors(form, error)
        else:
            form = ApiTokenForm(organisations=organisations)
    tokens = ApiToken.objects.filter(user=request.user).select_related("organisation")
    return render(request, "accounts/api_tokens.html", {
        "form": form, "tokens": tokens, "new_token": new_token, "organisations": organisations,
        "has_two_factor": two_factor.confirmed_device(request.user) is not None})


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("The token %(name)s has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")


def _safe_next(request, default: str) -> str:
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    if two_factor.confirmed_device(request.user) is not None:
        return redirect("accounts:profile")
    device = two_factor.totp_device_pending(user=request.user)
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_safe_next(request, reverse("core:dashboard")))
        form.add_error("token", _("The code is wrong or too old. Wait until your app shows a new code and enter it. After several wrong codes you must wait a little longer."))
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/two_factor_setup.html", {
        "form": form, "qr_svg": qr.svg_inline(scale=4, title=_("QR code for your authenticator app")),
        "secret": base64.b32encode(device.bin_key).decode("ascii"), "next": _safe_next(request, ""),
    })


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    form = OtpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if two_factor.totp_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request, reverse("core:dashboard")))
        form.add_error("token", _("The code is wrong or too old. Wait until your app shows a new code and enter it. After several wrong codes you must wait a little longer."))
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": _safe_next(request, "")})
