"""Every change to organisations, users, memberships, invitations and tokens goes through here."""

import hashlib
import secrets
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.core.notifications import notify
from innokop.core.refusals import Problem, Refused
from innokop.core.tasks import send_email

from . import two_factor
from .models import (
    BUYER_KINDS,
    ROLES_BY_KIND,
    ApiToken,
    ApiTokenScope,
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from .permissions import actor_for


class AccountError(Refused):
    """A refused change; the message says why and what to do."""

    code = "account_refused"


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


REGISTRATION_LINK_DAYS = 2
_REGISTRATION_SALT = "innokop.accounts.registration"


def supplier_registration_start(*, email: str, language: str = "sv") -> None:
    """Step one of a supplier's registration: an e-mail to the address given. Nothing is created.

    The person registering sees the same whether or not the address has an account, so the page
    does not tell who uses Innoköp: a new address gets a link to go on (it proves the address is
    theirs); an address with an account gets a note that someone tried, and how to log in instead.
    """
    email = email.strip().lower()
    owner = User.objects.filter(email=email).first()
    if owner is None:
        token = signing.dumps({"email": email, "at": clock.now().timestamp()}, salt=_REGISTRATION_SALT)
        with translation.override(language):
            subject, body = _registration_link_mail(settings.SITE_URL + reverse("accounts:register_finish",
                                                                                args=[token]))
    else:
        with translation.override(owner.language or language):
            subject, body = _registration_attempt_mail()
    confidential = owner is None  # the link creates an account: not to be kept readable (core/mail.py)
    transaction.on_commit(lambda: send_email.enqueue(to=[email], subject=subject, body=body,
                                                     confidential=confidential))


def _registration_link_mail(link: str) -> tuple[str, str]:
    return str(_("Register your company in Innoköp")), str(_(
        "Someone asked to register a company in Innoköp with this e-mail address. If it was you, go on "
        "here (the link works for %(days)s days):\n%(link)s\n\n"
        "If it was not you, you can ignore this e-mail: nothing has been created."
    )) % {"days": REGISTRATION_LINK_DAYS, "link": link}


def _registration_attempt_mail() -> tuple[str, str]:
    return str(_("Someone tried to register with your e-mail address")), str(_(
        "Someone tried to register a company in Innoköp with this e-mail address, but you already have an "
        "account. If it was you, log in here:\n%(login)s\n\n"
        "If you have forgotten your password, choose a new one here:\n%(reset)s\n\n"
        "If it was not you, you can ignore this e-mail: nothing has changed in your account."
    )) % {"login": settings.SITE_URL + reverse("accounts:login"),
          "reset": settings.SITE_URL + reverse("accounts:password_reset")}


def registration_email(token: str) -> str | None:
    """The address a registration link was sent to, while the link is valid and the address still free."""
    try:
        data = signing.loads(token, salt=_REGISTRATION_SALT)
    except signing.BadSignature:
        return None
    age = clock.now() - datetime.fromtimestamp(data["at"], tz=dt_timezone.utc)
    if not timedelta(0) <= age <= timedelta(days=REGISTRATION_LINK_DAYS):
        return None
    if User.objects.filter(email=data["email"]).exists():
        return None  # the link has been used
    return data["email"]


def supplier_register(
    *,
    company_name: str,
    country: str,
    org_number: str = "",
    vat_number: str = "",
    is_sme: bool,
    full_name: str,
    email: str,
    password: str,
    language: str = "sv",
) -> User:
    """A supplier registers its company and its first user, who becomes the company's admin.

    Step two of the registration: only for an address proven by `supplier_registration_start`'s link.
    """
    email = email.strip().lower()
    with transaction.atomic():
        if User.objects.filter(email=email).exists():
            raise AccountError(_("There is already an account with this e-mail address. Log in or reset your password."))
        if org_number and Organisation.objects.filter(org_number=org_number).exists():
            raise AccountError(
                _("The company is already registered. Ask its administrator in Innoköp to invite you.")
            )
        if vat_number and Organisation.objects.filter(vat_number=vat_number).exists():
            raise AccountError(
                _("The company is already registered. Ask its administrator in Innoköp to invite you.")
            )
        organisation = Organisation.objects.create(
            kind=OrganisationKind.SUPPLIER,
            name=company_name,
            country=country,
            org_number=org_number,
            vat_number=vat_number,
            is_sme=is_sme,
        )
        user = User.objects.create_user(email, password, full_name=full_name, language=language)
        for role in (Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN):
            Membership.objects.create(user=user, organisation=organisation, role=role)
        audit_log(
            actor=user,
            verb="organisation.registered",
            obj=organisation,
            organisation=organisation,
            payload={"kind": organisation.kind, "identifier": organisation.identifier, "is_sme": is_sme},
        )
        notify(
            recipients=[user],
            kind="account.welcome",
            subject=_("Welcome to Innoköp"),
            body=_(
                "Your company %(company)s is registered in Innoköp. Next: describe your solutions so that "
                "agencies can find them."
            ),
            params={"company": company_name},
            url=reverse("core:dashboard"),
        )
    return user


def invitation_create(*, actor: User, organisation: Organisation, email: str, role: str) -> tuple[Invitation, str]:
    """An organisation admin invites a colleague; the link in the e-mail is the only copy of the token."""
    email = email.strip().lower()
    if not actor_for(actor).is_admin_of(organisation):
        raise AccountError(_("Only an administrator of the organisation can invite colleagues."))
    if role not in ROLES_BY_KIND[OrganisationKind(organisation.kind)]:
        raise AccountError(_("That role does not exist in this kind of organisation. Choose another role."))
    if Membership.objects.filter(organisation=organisation, user__email=email, role=role).exists():
        raise AccountError(_("%(email)s already has that role in %(organisation)s.") % {
            "email": email, "organisation": organisation.name})
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            token_hash=_hash(raw),
            invited_by=actor,
            expires_at=now + timedelta(days=settings.INNOKOP_INVITATION_DAYS),
        )
        audit_log(
            actor=actor,
            verb="invitation.created",
            obj=invitation,
            organisation=organisation,
            payload={"email": email, "role": role},
        )
        link = settings.SITE_URL + reverse("accounts:invitation_accept", args=[raw])
        subject = str(_("Invitation to Innoköp from %(organisation)s")) % {"organisation": organisation.name}
        body = str(
            _(
                "%(inviter)s has invited you to Innoköp as %(role)s for %(organisation)s.\n\n"
                "Accept the invitation here (the link is valid for %(days)s days):\n%(link)s"
            )
        ) % {
            "inviter": actor.full_name,
            "role": Role(role).label,
            "organisation": organisation.name,
            "days": settings.INNOKOP_INVITATION_DAYS,
            "link": link,
        }
        # Confidential: the link is the only copy of the token, and is not to be kept readable.
        transaction.on_commit(lambda: send_email.enqueue(to=[email], subject=subject, body=body, confidential=True))
    return invitation, raw


def invitation_for_token(raw: str) -> Invitation | None:
    invitation = Invitation.objects.select_related("organisation").filter(token_hash=_hash(raw)).first()
    if invitation is None or not invitation.is_open(clock.now()):
        return None
    return invitation


def invitation_accept(*, raw_token: str, user: User | None, full_name: str = "", password: str = "") -> User:
    """Accepting creates the account when needed and the membership; it can be used once."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(token_hash=_hash(raw_token)).first()
        if invitation is None or not invitation.is_open(clock.now()):
            raise AccountError(_("The invitation has expired or has already been used. Ask for a new one."))
        if user is None:
            if User.objects.filter(email=invitation.email).exists():
                raise AccountError(_("You already have an account. Log in first, then open the link again."))
            validate_password(password)
            user = User.objects.create_user(invitation.email, password, full_name=full_name)
            audit_log(actor=user, verb="user.created", obj=user, organisation=invitation.organisation)
        elif user.email != invitation.email:
            raise AccountError(
                _("The invitation was sent to %(email)s. Log in with that address to accept it.")
                % {"email": invitation.email}
            )
        try:
            with transaction.atomic():
                Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
        except IntegrityError:
            pass  # the role was given another way meanwhile; accepting still closes the invitation
        invitation.accepted_at = clock.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_log(
            actor=user,
            verb="invitation.accepted",
            obj=invitation,
            organisation=invitation.organisation,
            payload={"role": invitation.role},
        )
        notify(
            recipients=[invitation.invited_by],
            kind="invitation.accepted",
            subject=_("%(name)s accepted your invitation"),
            body=_("%(name)s is now a member of %(organisation)s in Innoköp."),
            params={"name": user.full_name, "organisation": invitation.organisation.name},
            url=reverse("accounts:organisation"),
        )
    return user


def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not actor_for(actor).is_admin_of(invitation.organisation):
        raise AccountError(_("Only an administrator of the organisation can withdraw invitations."))
    with transaction.atomic():
        invitation.revoked_at = clock.now()
        invitation.save(update_fields=["revoked_at"])
        audit_log(actor=actor, verb="invitation.revoked", obj=invitation, organisation=invitation.organisation)


def membership_remove(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    if not actor_for(actor).is_admin_of(organisation):
        raise AccountError(_("Only an administrator of the organisation can remove roles."))
    with transaction.atomic():
        # Locking the admin rows makes two admins removing each other at once wait for each other.
        admins = list(Membership.objects.select_for_update().filter(organisation=organisation,
                                                                    role=Role.ORGANISATION_ADMIN))
        if membership.role == Role.ORGANISATION_ADMIN and len(admins) == 1:
            raise AccountError(_("The organisation must keep at least one administrator. Make someone else admin first."))
        audit_log(
            actor=actor,
            verb="membership.removed",
            obj=membership.user,
            organisation=organisation,
            payload={"role": membership.role},
        )
        membership.delete()


def user_update_profile(*, actor: User, full_name: str, language: str) -> None:
    with transaction.atomic():
        actor.full_name = full_name
        actor.language = language
        actor.save(update_fields=["full_name", "language"])
        audit_log(actor=actor, verb="user.profile_updated", obj=actor, payload={"language": language})


API_TOKEN_PREFIX = "ik_"


def api_token_organisations(user: User) -> list[Organisation]:
    """The organisations a token of `user` may act for: their own."""
    return list(Organisation.objects.filter(memberships__user=user).distinct().order_by("name", "pk"))


def api_token_create(*, actor: User, name: str, organisation: Organisation,
                     scope: str = ApiTokenScope.READ) -> tuple[ApiToken, str]:
    """A token for `actor` in one of their organisations; a buyer's read-and-write token needs two-factor
    authentication (a confirmed device), whatever the settings require of the buyer's sign-in."""
    if scope not in ApiTokenScope.values:
        raise AccountError(_("Choose what the token may do."), problems=[Problem("scope", _("Choose one."))])
    if not Membership.objects.filter(user=actor, organisation=organisation).exists():
        raise AccountError(_("A token can only act for an organisation you belong to."),
                           problems=[Problem("organisation", _("Choose one of your organisations."))])
    if (scope == ApiTokenScope.READ_WRITE and organisation.kind in BUYER_KINDS
            and two_factor.confirmed_device(actor) is None):
        raise AccountError(
            _("A token that writes for a buyer needs two-factor authentication. Set up two-factor "
              "authentication under My account first, or create a token that only reads."),
            code="two_factor_required",
            problems=[Problem("scope", _("Set up two-factor authentication to create a token that writes."))])
    raw = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=actor, name=name, prefix=raw[:10], token_hash=_hash(raw),
                                        organisation=organisation, scope=scope, created_at=clock.now())
        audit_log(actor=actor, verb="api_token.created", obj=token, organisation=organisation,
                  payload={"name": name, "prefix": token.prefix, "scope": scope})
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        raise AccountError(_("You can only revoke your own tokens."))
    with transaction.atomic():
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_log(actor=actor, verb="api_token.revoked", obj=token, organisation=token.organisation,
                  payload={"prefix": token.prefix, "scope": token.scope})


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token `raw` is, with its user; None for anything else (a token without an organisation too)."""
    if not raw.startswith(API_TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(token_hash=_hash(raw), revoked_at__isnull=True, organisation__isnull=False).first())
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
