"""Who someone is in Innoköp: the organisations they belong to and the roles they hold there."""

from functools import cached_property

from .models import BUYER_KINDS, Membership, Organisation, OrganisationKind, Role


class Actor:
    """A user's memberships, loaded once per request (`request.actor`)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def memberships(self) -> list[Membership]:
        """The user's memberships; only the one organisation's when the user acts through a token limited to it
        (`user.only_organisation_id`, set by the API token middleware and by webhook deliveries)."""
        if not self.user.is_authenticated:
            return []
        memberships = Membership.objects.filter(user=self.user).select_related("organisation")
        only = getattr(self.user, "only_organisation_id", None)
        if only is not None:
            memberships = memberships.filter(organisation_id=only)
        return list(memberships)

    @cached_property
    def organisations(self) -> list[Organisation]:
        return list({m.organisation_id: m.organisation for m in self.memberships}.values())

    @property
    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.memberships}

    def has_role(self, role: str, organisation: Organisation | None = None) -> bool:
        return any(
            m.role == role and (organisation is None or m.organisation_id == organisation.pk)
            for m in self.memberships
        )

    def is_admin_of(self, organisation: Organisation) -> bool:
        return self.has_role(Role.ORGANISATION_ADMIN, organisation)

    def of_kind(self, kind: str) -> bool:
        return any(m.organisation.kind == kind for m in self.memberships)

    @property
    def is_buyer(self) -> bool:
        return any(m.organisation.kind in BUYER_KINDS for m in self.memberships)

    @property
    def is_cpb(self) -> bool:
        return self.of_kind(OrganisationKind.CPB)

    @property
    def is_agency(self) -> bool:
        return self.of_kind(OrganisationKind.AGENCY)

    @property
    def is_supplier(self) -> bool:
        return self.of_kind(OrganisationKind.SUPPLIER)

    @property
    def managed_organisation_ids(self) -> set[int]:
        """The central purchasing bodies where the actor is a framework manager: their agreements are theirs."""
        return {m.organisation_id for m in self.memberships
                if m.role == Role.FRAMEWORK_MANAGER and m.organisation.kind == OrganisationKind.CPB}

    @property
    def is_framework_manager(self) -> bool:
        """Manages framework agreements and reviews the catalogue for a central purchasing body."""
        return bool(self.managed_organisation_ids)

    def admin_organisations(self) -> list[Organisation]:
        return [m.organisation for m in self.memberships if m.role == Role.ORGANISATION_ADMIN]


def actor_for(user) -> Actor:
    return Actor(user)
