"""Sealed means sealed (rule 6): before opening the agency learns nothing of tenders, not even their number,
and a copy of the database alone does not reveal their content."""

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from innokop.calloffs.models import TenderSubmission
from innokop.calloffs.services import tenders
from innokop.core.models import Notification

from .test_tenders_fixtures import (  # noqa: F401  (fixtures)
    PHRASE,
    calloff,
    complete,
    english,
    priced_lot,
    submit,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def _seen(client, url: str) -> tuple[str, int]:
    """What a page says (without the CSRF token, which differs per response) and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode()), len(queries)


def _agency_views(calloff) -> list[str]:
    return [reverse("calloffs:calloff_detail", args=[calloff.pk]), f"/api/calloffs/{calloff.pk}", "/api/calloffs",
            reverse("core:dashboard"), reverse("core:inbox"), reverse("core:audit_trail")]


@pytest.mark.parametrize("persona", ["agency_procurer", "agency_colleague"])
def test_the_agency_sees_exactly_the_same_with_no_tenders_as_with_two(login, calloff, supplier, supplier_b, persona,
                                                                     request, django_capture_on_commit_callbacks):
    viewer = request.getfixturevalue(persona)
    client = login(viewer)
    urls = _agency_views(calloff) if persona == "agency_procurer" else _agency_views(calloff)[:-1]
    before = [_seen(client, url) for url in urls]
    with django_capture_on_commit_callbacks(execute=True):
        submit(supplier, calloff)
        submit(supplier_b, calloff)
        tenders.tender_submit(actor=supplier_b, calloff=calloff)  # a replacement, too
        tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                      uploaded=SimpleUploadedFile("bilaga.txt", b"Bilaga"))
    assert TenderSubmission.objects.count() == 3
    after = [_seen(client, url) for url in urls]
    assert after == before


def test_the_agency_page_says_the_tenders_are_sealed_and_names_no_bidder(login, calloff, supplier, agency_procurer,
                                                                        supplier_org, supplier_org_b):
    submit(supplier, calloff)
    page = login(agency_procurer).get(reverse("calloffs:calloff_detail", args=[calloff.pk])).content.decode()
    section = page[page.index('id="tenders"'):]
    section = section[:section.index("<h2")]
    assert "Tenders are sealed until Thursday 25 March 2027 at 12:00; not even their number is shown." in section
    assert supplier_org.name not in section and supplier_org_b.name not in section
    assert PHRASE not in page and "987654" not in page and "Receipt" not in page and "SHA-256" not in page


def test_after_the_deadline_before_opening_the_agency_is_still_told_nothing(login, calloff, supplier,
                                                                           agency_procurer, clock):
    client = login(agency_procurer)
    clock.set(calloff.tender_deadline + timedelta(minutes=1))
    before = _seen(client, reverse("calloffs:calloff_detail", args=[calloff.pk]))
    assert "The tenders stay sealed until two people of the agency open them" in before[0]
    clock.set(calloff.tender_deadline)
    submit(supplier, calloff)
    clock.set(calloff.tender_deadline + timedelta(minutes=1))
    assert _seen(client, reverse("calloffs:calloff_detail", args=[calloff.pk])) == before


def test_the_agency_is_never_notified_of_tenders(calloff, supplier, supplier_b, agency_procurer, agency_colleague,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(supplier, calloff)
        submit(supplier_b, calloff)
        tenders.tender_withdraw(actor=supplier_b, calloff=calloff)
    told = set(Notification.objects.filter(kind__startswith="tender.").values_list("recipient_id", flat=True))
    assert told == {supplier.pk, supplier_b.pk}


def test_the_agencys_api_answers_the_same_404_whether_or_not_a_tender_exists(login, calloff, supplier,
                                                                            agency_procurer):
    client = login(agency_procurer)
    urls = [f"/api/calloffs/{calloff.pk}/tender", f"/api/calloffs/{calloff.pk}/tender/draft",
            f"/api/calloffs/{calloff.pk}/tender/receipts/1"]
    before = [(r.status_code, r.content) for r in map(client.get, urls)]
    submit(supplier, calloff)
    after = [(r.status_code, r.content) for r in map(client.get, urls)]
    assert before == after and {status for status, _body in after} == {404}


def test_a_copy_of_the_database_reveals_no_tender_content(calloff, supplier, supplier_b,
                                                          django_capture_on_commit_callbacks):
    """Every row of every table, as a backup would hold it: no phrase and no price from a tender or a draft."""
    with django_capture_on_commit_callbacks(execute=True):
        submit(supplier, calloff)
        tenders.tender_attachment_add(actor=supplier, calloff=calloff,
                                      uploaded=SimpleUploadedFile("hemligt.txt", f"{PHRASE} i bilagan".encode()))
        tenders.tender_save_draft(actor=supplier_b, calloff=calloff, content=complete(calloff, phrase=PHRASE))
    dump = "".join(serializers.serialize("json", model.objects.all()) for model in apps.get_models()
                   if model._meta.managed and not model._meta.proxy)
    assert '"model": "calloffs.tendersubmission"' in dump and '"model": "calloffs.tender"' in dump
    assert PHRASE not in dump and "Zebrafink" not in dump
    assert "987654" not in dump
    assert "hemligt" not in dump  # not even the attachment's name
