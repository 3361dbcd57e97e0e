"""This instance's feed: its published good-practice cases, verified solutions and published anonymised
summaries of market dialogues, signed (signing.py). Only what is public on the pages goes into it."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import override

from innokop.catalogue.models import Solution
from innokop.core import clock
from innokop.prestudy.models import DialogueStatus, MarketDialogue

from . import keys, signing
from .models import GoodPracticeCase

FORMAT = "innokop-network-feed/1"
CASE_PARTS = ("title", "need", "route", "solution", "results", "lessons")


def _stamp(moment) -> str:
    return moment.astimezone(clock.now().tzinfo).isoformat() if moment else ""


def _both(case: GoodPracticeCase, part: str) -> dict:
    return {"sv": getattr(case, f"{part}_sv"), "en": getattr(case, f"{part}_en")}


def items(base_url: str) -> list[dict]:
    """Every public item, in a stable order, with the address of its public page."""
    found = []
    for case in GoodPracticeCase.objects.published().select_related("organisation").order_by("pk"):
        found.append({"kind": "case", "id": f"case-{case.pk}", "updated_at": _stamp(case.updated_at),
                      "organisation": case.organisation.name,
                      "url": base_url + reverse("network:case_detail", args=[case.pk]),
                      **{part: _both(case, part) for part in CASE_PARTS}})
    verified = Solution.objects.published().filter(verified_at__isnull=False).select_related("supplier")
    for solution in verified.order_by("pk"):
        found.append({"kind": "solution", "id": f"solution-{solution.pk}", "updated_at": _stamp(solution.updated_at),
                      "title": solution.title, "summary": solution.summary, "supplier": solution.supplier.name,
                      "trl": solution.trl, "verified_at": _stamp(solution.verified_at),
                      "url": base_url + reverse("catalogue:solution_detail", args=[solution.pk])})
    summaries = MarketDialogue.objects.filter(status=DialogueStatus.PUBLISHED, summary_published_at__isnull=False)
    for dialogue in summaries.exclude(summary="").order_by("pk"):
        found.append({"kind": "dialogue", "id": f"dialogue-{dialogue.pk}",
                      "updated_at": _stamp(dialogue.summary_published_at), "title": dialogue.title,
                      "summary": dialogue.summary,
                      "url": base_url + reverse("prestudy:rfi_detail", args=[dialogue.pk])})
    return found


def build(base_url: str) -> dict:
    """The signed feed: {"payload", "signature", "public_key", "key_id", "signatures"}. The payload announces the
    keys signing it (`keys`); `signatures` holds one signature per key, the current one first (during a key
    rotation's transition the previous key's too); `signature` and `public_key` are the current key's, as
    before rotation existed."""
    now = clock.now()
    signing_keys = keys.signing_keys(now)
    with override("en"):
        payload = {"format": FORMAT, "publisher": settings.INNOKOP_NETWORK_NAME, "generated_at": _stamp(now),
                   "keys": [keys.announcement(key) for key in signing_keys], "items": items(base_url.rstrip("/"))}
    current = signing_keys[0]
    return {"payload": payload, "signature": signing.sign(payload, current.private), "public_key": current.public_key,
            "key_id": current.key_id, "signatures": keys.signatures(payload, signing_keys)}
