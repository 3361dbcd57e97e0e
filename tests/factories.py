import factory
from stdnum import luhn

from innokop.accounts.models import Membership, Organisation, OrganisationKind, Role, User


def org_number(n: int) -> str:
    digits = f"55{n:07d}"
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.AGENCY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    org_number = factory.Sequence(lambda n: org_number(n + 1000))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.se")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROCURER


def member(organisation: Organisation, *roles: str, **user_fields) -> User:
    user = UserFactory(**user_fields)
    for role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def api_token(user: User, *, scope: str = "read_write", organisation: Organisation | None = None) -> str:
    """A raw API token for `user` in `organisation` (their first by default), read and write by default.

    A buyer's token that writes needs a confirmed two-factor device: one is made when the user has none."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from innokop.accounts.models import BUYER_KINDS
    from innokop.accounts.services import api_token_create

    if organisation is None:
        organisation = Membership.objects.filter(user=user).order_by("pk").first().organisation
    if scope == "read_write" and organisation.kind in BUYER_KINDS and not TOTPDevice.objects.filter(
            user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return api_token_create(actor=user, name="t", organisation=organisation, scope=scope)[1]
