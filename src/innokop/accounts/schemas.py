from ninja import Schema


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    identifier: str
    country: str
    is_sme: bool


class MembershipOut(Schema):
    organisation: OrganisationOut
    role: str


class MeOut(Schema):
    email: str
    full_name: str
    language: str
    memberships: list[MembershipOut]
