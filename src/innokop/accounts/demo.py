"""Fictional organisations and people: the purchasing body, agencies, suppliers, every role."""

from stdnum import luhn
from stdnum.eu import vat

from innokop.core.audit import audit_log
from innokop.core.demo import DEMO_PASSWORD, Scenario

from .models import Membership, Organisation, OrganisationKind, Role, Sector, User

CPB = ("Innoköpscentralen", "202100", "cpb")
AGENCIES = [
    ("Myndigheten för digital samhällsservice", "202101", "mdss", Sector.CENTRAL_GOVERNMENT),
    ("Region Mälarhjärtat", "232101", "malarhjartat", Sector.REGION),
    ("Älvdala kommun", "212101", "alvdala", Sector.MUNICIPALITY),
    ("Statens miljöanalysinstitut", "202102", "smi", Sector.CENTRAL_GOVERNMENT),
    ("Trafiksäkerhetsverket", "202103", "tsv", Sector.CENTRAL_GOVERNMENT),
    ("Sjöstads kommun", "212102", "sjostad", Sector.MUNICIPALITY),
]
# (name, number prefix or country, sme, key)
SUPPLIERS = [
    ("Norrsken Sensorteknik AB", "559101", True, "norrsken"),
    ("Fjällvind Analys AB", "559102", True, "fjallvind"),
    ("Cirkulära Möbler i Småland AB", "559103", True, "cirkulara"),
    ("Vårdbryggan Digital AB", "559104", True, "vardbryggan"),
    ("Klartext Språkteknik AB", "559105", True, "klartext"),
    ("Solbacka Energi AB", "559106", True, "solbacka"),
    ("Grönt Avfall Logistik AB", "559107", True, "grontavfall"),
    ("Tillgänglig Webb Kollektivet AB", "559108", True, "tillganglig"),
    ("Ekotrafik Mobility AB", "556101", False, "ekotrafik"),
    ("Nordisk Molntjänst AB", "556102", False, "molntjanst"),
    ("Datahamnen Sverige AB", "556103", False, "datahamnen"),
    ("Baltic Robotics OÜ", "EE", True, "balticrobotics"),
    ("Helsinki Urban AI Oy", "FI", True, "helsinkiai"),
]
PEOPLE_CPB = [
    ("Anna Ramström", "anna.ramstrom", [Role.FRAMEWORK_MANAGER, Role.ORGANISATION_ADMIN]),
    ("Erik Förvaltare", "erik.forvaltare", [Role.FRAMEWORK_MANAGER]),
]
PEOPLE_FIRST_AGENCY = [
    ("Maria Upphandlare", "maria.upphandlare", [Role.PROCURER, Role.ORGANISATION_ADMIN]),
    ("Johan Verksamhet", "johan.verksamhet", [Role.BUSINESS_DEVELOPER]),
    ("Lena Avtalsson", "lena.avtalsson", [Role.CONTRACT_MANAGER]),
    ("Karim Kollega", "karim.kollega", [Role.PROCURER]),
]
FIRST_NAMES = ["Sofia", "Oskar", "Elin", "Ahmed", "Ingrid", "Mikael", "Fatima", "Lars", "Hanna", "Nils",
               "Amira", "Per", "Tiina", "Kalev", "Aino", "Olle", "Sara", "Jonas", "Leila"]


def swedish_org_number(prefix: str) -> str:
    """A valid (Luhn) organisation number built from a fictional six-digit prefix."""
    digits = prefix + "000"
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


def foreign_vat(country: str) -> str:
    """The first valid VAT number of the country from a fixed start: fictional but well-formed."""
    for number in range(10_000_000, 10_100_000):
        candidate = f"{country}{number}" if country != "EE" else f"EE1{number}"
        if vat.is_valid(candidate):
            return vat.compact(candidate)
    raise RuntimeError(f"no valid VAT number found for {country}")


def _organisation(scenario: Scenario, *, kind: str, name: str, key: str, org_number: str = "",
                  vat_number: str = "", country: str = "SE", sme: bool = False, sector: str = "") -> Organisation:
    lookup = {"org_number": org_number} if org_number else {"vat_number": vat_number}
    organisation, created = Organisation.objects.get_or_create(
        **lookup, defaults={"kind": kind, "name": name, "country": country, "is_sme": sme, "sector": sector}
    )
    if created:
        audit_log(actor=None, verb="organisation.created", obj=organisation, organisation=organisation,
                  payload={"kind": kind, "source": "demo"})
    scenario.count(created)
    scenario.objects[f"org:{key}"] = organisation
    return organisation


def _person(scenario: Scenario, organisation: Organisation, *, name: str, email: str, roles: list[str],
            staff: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(email, DEMO_PASSWORD, full_name=name, is_staff=staff, is_superuser=staff)
        audit_log(actor=None, verb="user.created", obj=user, organisation=organisation, payload={"source": "demo"})
    scenario.count(created)
    for role in roles:
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    scenario.objects[f"user:{email.split('@')[0]}"] = user
    return user


def load(scenario: Scenario) -> None:
    cpb = _organisation(scenario, kind=OrganisationKind.CPB, name=CPB[0], key=CPB[2],
                        org_number=swedish_org_number(CPB[1]))
    _person(scenario, cpb, name="Plattformsadministratör", email="admin@innokop.example",
            roles=[Role.ORGANISATION_ADMIN], staff=True)
    for name, local, roles in PEOPLE_CPB:
        _person(scenario, cpb, name=name, email=f"{local}@inkopscentralen.example", roles=roles)
    for index, (name, prefix, key, sector) in enumerate(AGENCIES):
        agency = _organisation(scenario, kind=OrganisationKind.AGENCY, name=name, key=key,
                               org_number=swedish_org_number(prefix), sector=sector)
        people = PEOPLE_FIRST_AGENCY if index == 0 else [
            (f"{FIRST_NAMES[index]} Inköpare", f"{FIRST_NAMES[index].lower()}.inkopare", [Role.PROCURER, Role.ORGANISATION_ADMIN])
        ]
        for person, local, roles in people:
            _person(scenario, agency, name=person, email=f"{local}@{key}.example", roles=roles)
    for index, (name, prefix, sme, key) in enumerate(SUPPLIERS):
        if prefix.isdigit():
            supplier = _organisation(scenario, kind=OrganisationKind.SUPPLIER, name=name, key=key, sme=sme,
                                     org_number=swedish_org_number(prefix))
        else:
            supplier = _organisation(scenario, kind=OrganisationKind.SUPPLIER, name=name, key=key, sme=sme,
                                     vat_number=foreign_vat(prefix), country=prefix)
        first = FIRST_NAMES[(index + 5) % len(FIRST_NAMES)]
        _person(scenario, supplier, name=f"{first} {name.split()[0]}", email=f"{first.lower()}@{key}.example",
                roles=[Role.SUPPLIER_REPRESENTATIVE, Role.ORGANISATION_ADMIN])
