"""Named personas, a controllable clock and helpers shared by every test."""

from datetime import datetime, timezone

import pytest

from innokop.accounts.models import OrganisationKind, Role
from innokop.core import clock as clock_module

from .factories import OrganisationFactory, member

PASSWORD = "correct horse battery"


class FixedClock:
    def __init__(self, moment: datetime):
        self.moment = moment

    def now(self) -> datetime:
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counts and rendered pages from one test never reach the next."""
    from django.core.cache import caches

    for alias in ("default", "pages"):
        caches[alias].clear()
    yield


@pytest.fixture
def clock(monkeypatch):
    """The application's clock, fixed at Monday 15 March 2027 09:00 UTC until a test moves it."""
    fixed = FixedClock(datetime(2027, 3, 15, 9, 0, tzinfo=timezone.utc))
    monkeypatch.setattr(clock_module, "now", fixed.now)
    return fixed


@pytest.fixture
def cpb(db):
    return OrganisationFactory(kind=OrganisationKind.CPB, name="Inköpscentralen")


@pytest.fixture
def agency(db):
    return OrganisationFactory(kind=OrganisationKind.AGENCY, name="Myndigheten för test")


@pytest.fixture
def other_agency(db):
    return OrganisationFactory(kind=OrganisationKind.AGENCY, name="Andra myndigheten")


@pytest.fixture
def supplier_org(db):
    return OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Leverantör Ett AB", is_sme=True)


@pytest.fixture
def supplier_org_b(db):
    return OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Leverantör Två AB")


@pytest.fixture
def supplier_org_off_lot(db):
    return OrganisationFactory(kind=OrganisationKind.SUPPLIER, name="Utanför AB")


@pytest.fixture
def agency_procurer(agency):
    """An agency procurer who also administers the agency's account."""
    return member(agency, Role.PROCURER, Role.ORGANISATION_ADMIN, full_name="Maria Upphandlare", email="maria@agency.se")


@pytest.fixture
def agency_colleague(agency):
    """A business developer in the same agency: can see, may not administer."""
    return member(agency, Role.BUSINESS_DEVELOPER, full_name="Johan Kollega", email="johan@agency.se")


@pytest.fixture
def other_agency_procurer(other_agency):
    return member(other_agency, Role.PROCURER, Role.ORGANISATION_ADMIN, full_name="Olle Annan", email="olle@other.se")


@pytest.fixture
def supplier(supplier_org):
    return member(supplier_org, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN, full_name="Sara Säljare", email="sara@supplier.se")


@pytest.fixture
def supplier_b(supplier_org_b):
    return member(supplier_org_b, Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN, full_name="Bo Bud", email="bo@supplier-b.se")


@pytest.fixture
def supplier_off_lot(supplier_org_off_lot):
    return member(supplier_org_off_lot, Role.SUPPLIER_REPRESENTATIVE, full_name="Ulla Utanför", email="ulla@off.se")


@pytest.fixture
def cpb_manager(cpb):
    return member(cpb, Role.FRAMEWORK_MANAGER, Role.ORGANISATION_ADMIN, full_name="Anna Ramavtal", email="anna@cpb.se")


@pytest.fixture
def staff_user(db):
    from .factories import UserFactory

    return UserFactory(is_staff=True, email="admin@platform.se", full_name="Plattform Admin")


@pytest.fixture
def login(client):
    """`login(user)` logs the test client in and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login
