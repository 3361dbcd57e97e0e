"""The demo has partner bodies with their public keys and good-practice cases (one published, one waiting for
review); the published one is in the demo's signed feed with the verified solutions and published summaries; loading
twice adds nothing."""

import json

import pytest

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.core.demo import load_demo
from innokop.network import feed, services, signing
from innokop.network.models import CaseStatus, GoodPracticeCase


@pytest.mark.django_db
def test_the_demo_network():
    load_demo()
    partners = Organisation.objects.filter(kind=OrganisationKind.PARTNER)
    assert set(partners.values_list("country", flat=True)) == {"FI", "NL"}
    for partner in partners:  # each with its public key, valid as the admin would check it
        partner.full_clean()
        assert signing.parse_public_key(partner.public_key)
    assert sorted(GoodPracticeCase.objects.values_list("status", flat=True)) == [CaseStatus.IN_REVIEW,
                                                                                 CaseStatus.PUBLISHED]
    document = feed.build("https://innokop.example")
    kinds = {item["kind"] for item in document["payload"]["items"]}
    assert {"case", "solution"} <= kinds  # the demo publishes no market-dialogue summary; see test_cases_and_pages
    body = json.dumps(document).encode()
    assert len(services.parse_feed(body, signing.public_key_text())) == len(document["payload"]["items"])
    count = GoodPracticeCase.objects.count()
    load_demo()
    assert GoodPracticeCase.objects.count() == count
