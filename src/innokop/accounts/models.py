"""Organisations, users, memberships with roles, invitations and personal API tokens."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from innokop.core import clock

from .identifiers import validate_public_key


class OrganisationKind(models.TextChoices):
    CPB = "cpb", _("Central purchasing body")
    AGENCY = "agency", _("Agency")
    SUPPLIER = "supplier", _("Supplier")
    PARTNER = "partner", _("Partner body")


class Sector(models.TextChoices):
    CENTRAL_GOVERNMENT = "central_government", _("Central government agency")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    OTHER = "other", _("Other contracting authority")


class Role(models.TextChoices):
    PROCURER = "procurer", _("Procurer")
    BUSINESS_DEVELOPER = "business_developer", _("Business developer")
    CONTRACT_MANAGER = "contract_manager", _("Contract manager")
    FRAMEWORK_MANAGER = "framework_manager", _("Framework manager")
    SUPPLIER_REPRESENTATIVE = "supplier_representative", _("Supplier representative")
    ORGANISATION_ADMIN = "organisation_admin", _("Organisation admin")


# Which roles make sense in which kind of organisation.
ROLES_BY_KIND = {
    OrganisationKind.CPB: {Role.FRAMEWORK_MANAGER, Role.PROCURER, Role.CONTRACT_MANAGER, Role.ORGANISATION_ADMIN},
    OrganisationKind.AGENCY: {
        Role.PROCURER,
        Role.BUSINESS_DEVELOPER,
        Role.CONTRACT_MANAGER,
        Role.ORGANISATION_ADMIN,
    },
    OrganisationKind.SUPPLIER: {Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN},
    OrganisationKind.PARTNER: {Role.BUSINESS_DEVELOPER, Role.ORGANISATION_ADMIN},
}
# Buyers: members of these kinds must use two-factor authentication in production.
BUYER_KINDS = {OrganisationKind.CPB, OrganisationKind.AGENCY}


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    org_number = models.CharField(_("organisation number"), max_length=11, blank=True, db_index=True)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True, db_index=True)
    country = models.CharField(_("country"), max_length=2, default="SE")
    is_sme = models.BooleanField(_("small or medium-sized enterprise"), default=False)
    website = models.URLField(_("website"), blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices, blank=True,
                              help_text=_("For agencies: decides which framework agreements they may call off from."))
    description = models.TextField(_("about the organisation"), blank=True)
    # A partner body's current key: set when the purchasing body first follows its feed (or here, by an admin), and
    # brought up to date by the network app when the feed announces a successor. Which keys verify a feed is the
    # network's subscription and the keys learnt from the feed (docs/user-guide.md, key rotation).
    public_key = models.CharField(
        _("public key"), max_length=60, blank=True, validators=[validate_public_key],
        help_text=_("For a partner body: the Ed25519 public key its feed is signed with, in base64 (44 characters)."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["org_number"], condition=~models.Q(org_number=""), name="organisation_org_number_unique"
            ),
            models.UniqueConstraint(
                fields=["vat_number"], condition=~models.Q(vat_number=""), name="organisation_vat_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(kind=OrganisationKind.PARTNER) | models.Q(public_key=""),
                name="organisation_public_key_partner_only",
                violation_error_message=_("Only a partner body has a public key."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.org_number or self.vat_number


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username: str):
        # E-mail addresses are stored in lower case; people type them as they like.
        return self.get(email__iexact=username.strip())

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    language = models.CharField(_("language"), max_length=5, default="sv", choices=[("sv", "Svenska"), ("en", "English")])
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(auto_now_add=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class MembershipQuerySet(models.QuerySet):
    def of(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [models.UniqueConstraint(fields=["user", "organisation", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at


class ApiTokenScope(models.TextChoices):
    READ = "read", _("Only read")
    READ_WRITE = "read_write", _("Read and write")


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once.

    It acts for its user in one organisation only (`organisation`), and reads only unless its `scope` is
    read and write. A token without an organisation (from before organisations were chosen, and revoked by
    the migration that brought them) is never accepted.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(_("scope"), max_length=20, choices=ApiTokenScope.choices, default=ApiTokenScope.READ)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, null=True, related_name="api_tokens",
                                     verbose_name=_("organisation"))
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=clock.now)  # the platform's clock, as last_used_at
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
