"""The whole demo dataset as open data: every package validates (the patched OCDS 1.1.5 schemas and libcoveocds,
offline), and what is published in each call-off state is what DESIGN.md §5 allows."""

import io
import json
import re
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from innokop.accounts.models import Organisation, User
from innokop.agreements.models import FrameworkAgreement
from innokop.calloffs.models import CallOff, CallOffStatus
from innokop.core import clock
from innokop.core.calendar import local_date
from innokop.opendata import mapping, publishing
from innokop.opendata.models import BulkFile
from innokop.opendata.validation import package_errors
from innokop.prestudy.models import Need

from . import demo_picks as picks

STANDARD_ZIP = Path(__file__).parent / "data" / "standard-1__1__5.zip"
NOT_PUBLIC = {CallOffStatus.DRAFT, CallOffStatus.SCHEDULED, CallOffStatus.OPEN, CallOffStatus.TENDERING,
              CallOffStatus.AWAITING_OPENING, CallOffStatus.OPENED, CallOffStatus.EVALUATED, CallOffStatus.OFFERED,
              CallOffStatus.ACCEPTED}


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)


def _standard_file(uri: str):
    """The standard's own schemas from the shipped zip; anything else would be the network, which is refused."""
    prefix = "https://standard.open-contracting.org/schema/1__1__5/"
    if not uri.startswith(prefix):
        raise ValueError(f"no network in the tests: {uri}")
    with zipfile.ZipFile(STANDARD_ZIP) as archive:
        return json.loads(archive.read(f"standard-1__1__5/schema/{uri.removeprefix(prefix)}"))


def libcove_errors(package: dict) -> dict:
    """libcoveocds' checks, offline: the standard from the shipped zip and no extension URLs to fetch (the
    extensions' fields are checked by `package_errors` against the patched schema). Its additional checks (an
    empty field), a closed codelist's unknown value and a deprecated field count as errors too. For a record package
    libcoveocds dereferences the versioned release schema by its URL: jsonref is given a loader that reads it
    from the same zip."""
    import jsonref
    from libcoveocds import schema as libcove_schema
    from libcoveocds.api import ocds_json_output
    from libcoveocds.config import LibCoveOCDSConfig

    replace_refs = jsonref.replace_refs
    libcove_schema.jsonref = type("OfflineJsonref", (), {
        "replace_refs": staticmethod(lambda obj, **kw: replace_refs(obj, loader=_standard_file, **kw)),
        "load": staticmethod(lambda f, **kw: jsonref.load(f, loader=_standard_file, **kw)),
        "loads": staticmethod(lambda s, **kw: jsonref.loads(s, loader=_standard_file, **kw)),
        "JsonRef": jsonref.JsonRef, "JsonRefError": jsonref.JsonRefError})

    config = LibCoveOCDSConfig({"standard_zip": STANDARD_ZIP.resolve().as_uri(), "context": "api",
                                "additional_checks": "all"})
    checked = {key: value for key, value in package.items() if key != "extensions"}
    try:
        result = ocds_json_output(json_data=checked, lib_cove_ocds_config=config, schema_version="1.1")
    finally:
        libcove_schema.jsonref = jsonref
    return {key: result.get(key) for key in ("validation_errors", "json_deref_error", "conformance_errors",
                                             "additional_checks", "additional_closed_codelist_values",
                                             "deprecated_fields")
            if result.get(key)}


def _get(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.content[:300])
    return response.json()


def _every_package(client: Client) -> list[dict]:
    packages, url = [], reverse("api:ocds_releases") + "?page_size=7"
    while url:
        packages.append(_get(client, url))
        url = packages[-1].get("links", {}).get("next", "").removeprefix("http://127.0.0.1:8000")
        url = re.sub(r"^https?://[^/]+", "", url)
    records = _get(client, reverse("api:ocds_records"))
    packages.append(records)
    packages += [_get(client, reverse("api:ocds_record", args=[record["ocid"]])) for record in records["records"]]
    return packages


def _every_kind_of_release() -> None:
    """What the demo does not have yet, made the way the services make it: a terminated agreement, a clarification
    and an extended deadline on a decided call-off, sales reported for a call-off contract."""
    from datetime import timedelta
    from decimal import Decimal

    from innokop.accounts.models import Membership, Role
    from innokop.agreements.services import agreement_terminate
    from innokop.calloffs.models import Clarification, ClarificationKind
    from innokop.core.audit import audit_log
    from innokop.followup.services import sales

    awarded = picks.awarded()
    Clarification.objects.create(calloff=awarded, kind=ClarificationKind.ADDENDUM, title="Förtydligande om leverans",
                                 published_by=awarded.created_by, published_at=awarded.published_at + timedelta(days=1))
    audit_log(actor=None, verb="calloff.deadline_extended", obj=awarded, organisation=awarded.agency,
              payload={"from": (awarded.tender_deadline - timedelta(days=2)).isoformat(),
                       "to": awarded.tender_deadline.isoformat(), "reason": "Fler frågor", "moved": {}})
    calloff, current = picks.with_sales_report()
    contract = calloff.contract
    representative = Membership.objects.filter(organisation=contract.supplier,
                                               role=Role.SUPPLIER_REPRESENTATIVE).first().user
    rows = [sales.RowInput(amount=row.amount, buyer=row.buyer, lot=row.lot) for row in current.rows.all()]
    rows.append(sales.RowInput(amount=Decimal("99000"), buyer=contract.agency, lot=calloff.lot))
    sales.sales_report_submit(actor=representative, agreement=calloff.lot.agreement, supplier=contract.supplier,
                              quarter=current.period, rows=rows, correction_reason="En köpare saknades")
    # Terminated: an agreement in force other than those of the call-offs above.
    used = {awarded.lot.agreement_id, calloff.lot.agreement_id}
    agreement = next(a for a in FrameworkAgreement.objects.published().exclude(pk__in=used).order_by("reference")
                     if a.status(local_date(clock.now())) == "active")
    manager = Membership.objects.filter(organisation=agreement.owner, role=Role.FRAMEWORK_MANAGER).first().user
    agreement_terminate(actor=manager, agreement=agreement, reason="Inga fler avrop behövs")
    tags = {tag for release in mapping.all_releases(clock.now()) for tag in release.data["tag"]}
    assert tags == {"planning", "tender", "tenderAmendment", "tenderCancellation", "award", "contract",
                    "implementation", "contractAmendment", "contractTermination"}


def test_every_package_of_the_demo_validates_against_the_schemas_and_libcoveocds(demo, client,
                                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _every_kind_of_release()
        BulkFile.objects.all().delete()
        call_command("ocds_bulk", stdout=io.StringIO())
    packages = _every_package(client)
    bulk = BulkFile.objects.ready().get()
    with zipfile.ZipFile(io.BytesIO(bulk.file.read())) as archive:
        packages += [json.loads(archive.read(name)) for name in ("releases.json", "records.json")]
    assert len(packages) > 10
    for package in packages:
        assert package_errors(package) == [], package["uri"]
        assert libcove_errors(package) == {}, package["uri"]
        assert package["publisher"]["name"] and package["license"].startswith("https://")
        assert package["publicationPolicy"].endswith(reverse("opendata:policy"))
    # The bulk file holds every public release of the demo.
    releases_zip = packages[-2]["releases"]
    assert {r["id"] for r in releases_zip} == {r.id for r in mapping.all_releases(clock.now())}


def test_a_package_with_an_error_is_found_by_both_checks():
    broken = {"uri": "x", "version": "1.1", "publishedDate": "2026-01-01T00:00:00Z", "publisher": {"name": "x"},
              "releases": [{"ocid": "ocds-xxxxxx-1", "id": "1", "date": "yesterday", "tag": ["tender"],
                            "initiationType": "tender", "tender": {"id": "1", "techniques": {
                                "hasFrameworkAgreement": "yes"}}}]}
    errors = package_errors(broken)
    assert any("date" in error for error in errors)
    assert any("hasFrameworkAgreement" in error for error in errors)
    assert libcove_errors(broken)["validation_errors"]


def _processes(now) -> dict[str, list[dict]]:
    by_ocid: dict[str, list[dict]] = {}
    for release in mapping.all_releases(now):
        by_ocid.setdefault(release.ocid, []).append(release.data)
    return by_ocid


def test_each_call_off_state_of_the_demo_publishes_what_design_5_allows(demo):
    now = clock.now()
    processes = _processes(now)
    seen = set()
    for calloff in CallOff.objects.select_related("lot__agreement"):
        state = calloff.effective_state(now)
        seen.add(state)
        releases = processes.get(mapping.calloff_ocid(calloff), [])
        tags = {tag for release in releases for tag in release["tag"]}
        if state in NOT_PUBLIC or (state == CallOffStatus.CANCELLED and calloff.published_at is None):
            assert releases == [], (calloff.reference, state)
            continue
        assert "tender" in tags
        framework = next(r for r in releases if "tender" in r["tag"])["relatedProcesses"][0]
        assert framework == {"id": "framework", "relationship": ["framework"], "scheme": "ocid",
                             "identifier": mapping.agreement_ocid(calloff.lot.agreement),
                             "title": calloff.lot.agreement.title}
        if state == CallOffStatus.AWARDED:  # the decision is sent, the contract not signed: no award yet
            assert tags == {"tender"} | ({"tenderAmendment"} & tags), calloff.reference
            assert not any("awards" in r or "contracts" in r or "numberOfTenderers" in r.get("tender", {})
                           for r in releases)
        elif state == CallOffStatus.CANCELLED:
            assert tags >= {"tender", "tenderCancellation"} and not tags & {"award", "contract"}
        else:
            assert state == CallOffStatus.CONTRACTED
            assert tags >= {"tender", "award", "contract"}
            contract = next(r for r in releases if "contract" in r["tag"])["contracts"][0]
            assert contract["value"]["amount"] == float(calloff.contract.value)
    assert seen >= NOT_PUBLIC - {CallOffStatus.TENDERING} | {CallOffStatus.AWARDED, CallOffStatus.CONTRACTED,
                                                               CallOffStatus.CANCELLED}
    # Every published agreement is a process of its own with its lots and admitted suppliers.
    for agreement in FrameworkAgreement.objects.published():
        compiled = publishing.records(r for r in mapping.all_releases(now)
                                      if r.ocid == mapping.agreement_ocid(agreement))[0]["compiledRelease"]
        assert compiled["tender"]["techniques"]["hasFrameworkAgreement"] is True
        assert [lot["id"] for lot in compiled["tender"]["lots"]] == [f"LOT-{lot.number}" for lot in agreement.lots.all()]
        admitted = {s.name for lot in agreement.lots.all() for s in Organisation.objects.filter(
            lot_admissions__lot=lot)}
        assert {s["name"] for award in compiled["awards"] for s in award["suppliers"]} == admitted
        # Published before the call-offs the demo plays weeks ago: no call-off's release predates its agreement.
        first = min(datetime.fromisoformat(r["date"]) for r in processes[mapping.agreement_ocid(agreement)])
        for calloff in CallOff.objects.filter(lot__agreement=agreement):
            dates = [datetime.fromisoformat(r["date"]) for r in processes.get(mapping.calloff_ocid(calloff), [])]
            assert all(date >= first for date in dates), (calloff.reference, agreement.reference)


def _value_paths(node, path=""):
    """Where an amount of money stands in the data, as a path without array positions."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "value" and isinstance(value, dict) and "amount" in value:
                yield f"{path}.value"
            yield from _value_paths(value, f"{path}.{key}")
    elif isinstance(node, list):
        for item in node:
            yield from _value_paths(item, path)


def test_nothing_secret_leaks_from_the_demo(demo):
    processes = _processes(clock.now())
    text = json.dumps(processes, ensure_ascii=False)
    assert Need.objects.exclude(budget=None).exists()
    for user in User.objects.all():  # no person: neither a name nor an e-mail address
        assert user.email not in text and user.full_name not in text
    assert "@" not in text and "telephone" not in text and "email" not in text
    # Money appears only as the agreement's maximum, an award, a contract or a transaction: never a budget of a
    # need or a call-off's estimated value.
    paths = {path for releases in processes.values() for path in _value_paths(releases)}
    assert paths <= {".tender.techniques.frameworkAgreement.value", ".awards.value", ".contracts.value",
                     ".contracts.implementation.transactions.value"}, paths
    assert "budget" not in text
    # Only the contact roles OCDS expects have a contact point, and it is the organisation's own.
    for releases in processes.values():
        for release in releases:
            for party in release.get("parties", []):
                if "contactPoint" in party:
                    assert {"buyer", "procuringEntity"} & set(party["roles"])
                    assert set(party["contactPoint"]) <= {"name", "url"}


def test_a_call_off_cancelled_before_its_publication_is_never_published(demo):
    from datetime import timedelta

    from innokop.calloffs.services import calloff_cancel

    now = clock.now()
    draft = CallOff.objects.get(status=CallOffStatus.DRAFT)
    scheduled = next(c for c in CallOff.objects.filter(status=CallOffStatus.OPEN) if c.is_scheduled(now))
    for calloff in (draft, scheduled):
        calloff_cancel(actor=calloff.team.first(), calloff=calloff, reason="Behovet har ändrats")
    later = scheduled.published_at + timedelta(days=30)
    ocids = {release.ocid for release in mapping.all_releases(later)}
    assert mapping.calloff_ocid(draft) not in ocids and mapping.calloff_ocid(scheduled) not in ocids
    # One cancelled after its publication is published, with its cancellation.
    assert mapping.calloff_ocid(picks.cancelled_after_publication()) in ocids
