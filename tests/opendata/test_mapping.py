"""The mapping on the demo data: sole traders, implementation (sales and follow-up), tender amendments from the
audit trail, stable ids and dates, and the incremental feed with its cursor."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from innokop.accounts.identifiers import is_personal_identity_number
from innokop.accounts.models import Membership, Role
from innokop.core import clock
from innokop.core.audit import audit_log
from innokop.followup.services import sales
from innokop.opendata import mapping, publishing
from innokop.opendata.validation import package_errors

from . import demo_picks as picks

SOLE_TRADER = "811218-9876"  # a personal identity number (the month's first digit is 0 or 1)


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo", quiet_logins=True)


def _record(ocid: str) -> dict:
    releases = [release for release in mapping.all_releases(clock.now()) if release.ocid == ocid]
    return publishing.records(releases)[0]


def test_a_personal_identity_number_is_told_from_an_organisation_number():
    assert is_personal_identity_number(SOLE_TRADER)
    assert is_personal_identity_number("19811218-9876")
    assert not is_personal_identity_number("556036-0793")
    assert not is_personal_identity_number("202100-5489")
    assert not is_personal_identity_number("")


def test_a_sole_traders_organisation_number_never_appears(demo, client):
    contract = picks.contracted().contract
    supplier = contract.supplier
    supplier.org_number = SOLE_TRADER
    supplier.save(update_fields=["org_number"])
    texts = [json.dumps(client.get(reverse(name)).json(), ensure_ascii=False)
             for name in ("api:ocds_releases", "api:ocds_records")]
    texts.append(json.dumps([r.data for r in mapping.all_releases(clock.now())], ensure_ascii=False))
    for text in texts:
        assert supplier.name in text
        assert "8112189876" not in text and SOLE_TRADER not in text and "811218" not in text
    parties = [p for r in mapping.all_releases(clock.now()) for p in r.data.get("parties", [])
               if p["name"] == supplier.name]
    assert parties and all("identifier" not in p and p["id"] == f"innokop-organisation-{supplier.pk}"
                           for p in parties)
    # A company keeps its organisation number as its identifier.
    agency = contract.agency
    buyer = next(p for p in _record(mapping.calloff_ocid(contract.calloff))["compiledRelease"]["parties"]
                 if p["name"] == agency.name)
    assert buyer["identifier"] == {"scheme": "SE-BLV", "id": agency.org_number.replace("-", ""),
                                   "legalName": agency.name}


def test_reported_sales_are_transactions_and_follow_up_rounds_milestones(demo):
    calloff, current = picks.with_sales_report()
    contract = calloff.contract
    ocid = mapping.calloff_ocid(calloff)
    assert "transactions" not in json.dumps(_record(ocid)["compiledRelease"].get("contracts", []))
    representative = Membership.objects.filter(organisation=contract.supplier,
                                               role=Role.SUPPLIER_REPRESENTATIVE).first().user
    agreement = calloff.lot.agreement
    rows = [sales.RowInput(amount=row.amount, buyer=row.buyer, lot=row.lot) for row in current.rows.all()]
    rows.append(sales.RowInput(amount=Decimal("123456.50"), buyer=contract.agency, lot=calloff.lot))
    report = sales.sales_report_submit(actor=representative, agreement=agreement, supplier=contract.supplier,
                                       quarter=current.period, rows=rows, correction_reason="A buyer was missing")
    compiled = _record(ocid)["compiledRelease"]
    transactions = compiled["contracts"][0]["implementation"]["transactions"]
    assert transactions == [{"id": f"{current.year}Q{current.quarter}", "date": mapping.when(report.submitted_at),
                             "value": {"amount": 123456.5, "currency": "SEK"},
                             "payer": mapping.reference(contract.agency),
                             "payee": mapping.reference(contract.supplier)}]
    releases = [r for r in mapping.all_releases(clock.now()) if r.ocid == ocid]
    assert package_errors(publishing.record_package(releases, uri="/x", published=clock.now())) == []
    assert package_errors(publishing.release_package(releases, uri="/x", published=clock.now())) == []
    # The contract with a follow-up plan has its rounds as milestones: the schedule, never the answers.
    with_plan = picks.with_plan()
    milestones = _record(mapping.calloff_ocid(with_plan))["compiledRelease"]["contracts"][0]["implementation"][
        "milestones"]
    rounds = list(with_plan.contract.followup_plan.rounds.all())
    assert [m["id"] for m in milestones] == [f"followup-{r.pk}" for r in rounds]
    assert all(set(m) == {"id", "title", "type", "dueDate"} for m in milestones)


def test_an_extended_tender_deadline_is_a_tender_amendment_read_from_the_audit_trail(demo):
    calloff = picks.contracted()
    first, later = calloff.tender_deadline - timedelta(days=3), calloff.tender_deadline
    # The shape `calloffs.services.dialogue.deadline_extend` writes: the deadline before and after.
    audit_log(actor=None, verb="calloff.deadline_extended", obj=calloff, organisation=calloff.agency,
              payload={"from": first.isoformat(), "to": later.isoformat(), "reason": "Fler frågor", "moved": {}})
    record = _record(mapping.calloff_ocid(calloff))
    tender_release = next(r for r in record["releases"] if r["tag"] == ["tender"])
    amendment = next(r for r in record["releases"] if r["tag"] == ["tenderAmendment"])
    assert tender_release["tender"]["tenderPeriod"]["endDate"] == mapping.when(first)
    assert amendment["tender"]["tenderPeriod"] == {"endDate": mapping.when(later)}
    compiled = record["compiledRelease"]["tender"]
    assert compiled["tenderPeriod"]["endDate"] == mapping.when(later)
    assert compiled["amendments"][0]["description"] == "Fler frågor"


def test_releases_keep_their_ids_and_dates(demo):
    first = [r.data for r in mapping.all_releases(clock.now())]
    second = [r.data for r in mapping.all_releases(clock.now() + timedelta(seconds=1))]
    assert first == second
    assert len({r["id"] for r in first}) == len(first)
    assert all(r["id"].startswith(r["ocid"] + "-") for r in first)


def _pages(client, url: str) -> list[dict]:
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        pages.append(response.json())
        url = pages[-1].get("links", {}).get("next", "")
    return pages


def test_the_incremental_feed_pages_with_a_cursor_and_misses_nothing(demo, client, settings):
    settings.SITE_URL = ""
    releases = mapping.all_releases(clock.now())
    pages = _pages(client, reverse("api:ocds_releases") + "?page_size=4")
    assert len(pages) == -(-len(releases) // 4)
    assert [r["id"] for page in pages for r in page["releases"]] == [r.id for r in releases]
    # A release about an earlier event that became public later is found by whoever asks "since" after the event:
    # the awarded call-off's tender is dated at its publication and public from the decision.
    awarded = picks.awarded()
    tender = next(r for r in releases if r.id == f"{mapping.calloff_ocid(awarded)}-tender")
    since = tender.public_from - timedelta(seconds=1)
    assert mapping.when(awarded.published_at) < mapping.when(since)
    later = _pages(client, reverse("api:ocds_releases") + "?" + f"since={since.isoformat()}".replace("+", "%2B"))
    ids = [r["id"] for page in later for r in page["releases"]]
    assert tender.id in ids
    assert ids == [r.id for r in releases if r.public_from >= since]
    assert len(ids) < len(releases)


def test_a_cursor_it_did_not_give_and_an_unknown_process_are_refused(demo, client):
    response = client.get(reverse("api:ocds_releases") + "?cursor=bm9uc2Vuc2U")
    assert response.status_code == 422 and response.json()["problems"][0]["field"] == "query.cursor"
    assert client.get(reverse("api:ocds_releases") + "?sort=date").status_code == 422
    draft = picks.draft()
    assert client.get(reverse("api:ocds_record", args=[mapping.calloff_ocid(draft)])).status_code == 404
    contracted = picks.contracted()
    record = client.get(reverse("api:ocds_record", args=[mapping.calloff_ocid(contracted)])).json()
    assert [r["ocid"] for r in record["records"]] == [mapping.calloff_ocid(contracted)]


def test_all_releases_reads_what_every_call_off_needs_in_one_query_per_table(demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from innokop.calloffs.models import CallOff

    calloff = picks.contracted()
    audit_log(actor=None, verb="calloff.deadline_extended", obj=calloff, organisation=calloff.agency,
              payload={"from": (calloff.tender_deadline - timedelta(days=3)).isoformat(),
                       "to": calloff.tender_deadline.isoformat(), "reason": "Fler frågor", "moved": {}})
    with CaptureQueriesContext(connection) as queries:
        releases = mapping.all_releases(clock.now())
    for table in ("core_auditevent", "followup_salesreportrow", "followup_followupround"):
        assert len([q for q in queries.captured_queries if f'FROM "{table}"' in q["sql"]]) == 1, table
    # The same releases as each call-off read on its own, which queries its extensions, sales and rounds.
    alone = []
    for each in CallOff.objects.all():
        alone += mapping.calloff_releases(CallOff.objects.get(pk=each.pk), clock.now())
    assert sorted(r.id for r in alone) == sorted(r.id for r in releases if r.ocid in {a.ocid for a in alone})
    by_id = {r.id: r for r in releases}
    assert all(by_id[r.id].data == r.data and by_id[r.id].public_from == r.public_from for r in alone)
    tags = {tag for r in alone for tag in r.data["tag"]}
    assert {"tenderAmendment", "implementation"} <= tags


def test_an_objects_audit_events_are_found_by_its_index_without_statistics(db):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's planner without ANALYZE statistics")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute("EXPLAIN QUERY PLAN SELECT id FROM core_auditevent WHERE verb = %s AND object_type = %s "
                       "AND object_id = %s AND sealed_scope = '' ORDER BY id",
                       ["calloff.deadline_extended", "calloffs.calloff", "12"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "audit_object (object_type=? AND object_id=?)" in plan, plan
