"""English complete: each persona's main pages, read in English, say nothing in Swedish of our own.

The demo is loaded in Swedish, as a Swedish agency would use the service: notifications,
evaluations, rejections and the award decision are all made in Swedish. What people typed (titles,
descriptions, units of price rows, hand-written reasons) stays as written; what the code writes
must be English on an English page. The Swedish of our own code is the Swedish catalogue: no
translation in it may show on an English page.
"""

import ast
import html
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from innokop.calloffs.models import AwardDecision, CallOff, Evaluation, OpeningRecord
from innokop.catalogue.models import Solution, SolutionStatus
from innokop.core.demo import load_demo
from innokop.reference.models import NutsRegion

CATALOGUE = Path(__file__).resolve().parent.parent / "src" / "innokop" / "locale" / "sv" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{[^}]*\}")
# Words our code writes in Swedish that are short enough to be missed by the catalogue's longer phrases.
SWEDISH_WORDS = ["Prispoäng", "Kvalitetspoäng", "poäng", " län<", " län,", "Inbjudan", "Tilldelningsbeslut",
                 "Förnyad konkurrensutsättning", "Avropet", "Anbudet", "Utvärderingen"]


def _swedish_phrases(minimum: int = 24) -> set[str]:
    """Swedish text of the catalogue's translations, cut at placeholders: pieces long enough to be ours alone."""
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n)+)', text,
                         flags=re.M)
    phrases = set()
    for raw_id, raw_str in entries:
        msgid = "".join(ast.literal_eval(line) for line in raw_id.splitlines())
        msgstr = "".join(ast.literal_eval(line) for line in raw_str.splitlines())
        if not msgid or msgstr == msgid:
            continue
        for piece in PLACEHOLDER.split(msgstr):
            piece = piece.strip(" .,:;–-()”“\"'\n")
            if len(piece) >= minimum and "<" not in piece:
                phrases.add(piece)
    return phrases


def _text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return html.unescape(body)


def _leaks(page: str, phrases: set[str]) -> list[str]:
    found = [p for p in phrases if p in page]
    return found + [w.strip("<,") for w in SWEDISH_WORDS if w in page]


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    with translation.override("sv"), django_capture_on_commit_callbacks(execute=True):
        return load_demo()


def _calloff_pages(calloff: CallOff) -> list[str]:
    pages = [reverse("calloffs:calloff_detail", args=[calloff.pk])]
    if AwardDecision.objects.filter(calloff=calloff).exists():
        pages.append(reverse("calloffs:award_decision", args=[calloff.pk]))
    return pages


def _agency_pages(calloff: CallOff) -> list[str]:
    pages = _calloff_pages(calloff)
    if OpeningRecord.objects.filter(calloff=calloff, opened_at__isnull=False).exists():
        pages += [reverse("calloffs:opening", args=[calloff.pk]),
                  reverse("calloffs:evaluation_overview", args=[calloff.pk])]
    if Evaluation.objects.filter(calloff=calloff).exists():
        pages.append(reverse("calloffs:evaluation_ranking", args=[calloff.pk]))
    return pages


def test_english_pages_say_nothing_in_swedish_of_our_own(client, demo):
    """One test, because loading the demo plays every call-off through its services and takes a while."""
    phrases = _swedish_phrases()
    calloffs = [obj for key, obj in demo.objects.items() if key.startswith("calloff:")]
    awarded = next(c for c in calloffs if AwardDecision.objects.filter(calloff=c).exists())
    common = [reverse("core:dashboard"), reverse("core:inbox"), reverse("catalogue:solution_list"),
              reverse("catalogue:solution_list") + "?q=avfall", reverse("agreements:agreement_list")]
    regional = Solution.objects.filter(status=SolutionStatus.PUBLISHED, nationwide=False, regions__isnull=False)
    solutions = [reverse("catalogue:solution_detail", args=[pk]) for pk in regional.values_list("pk", flat=True)[:4]]
    common += [reverse("agreements:agreement_detail", args=[obj.pk]) for key, obj in demo.objects.items()
               if key.startswith("agreement:")]
    winner = awarded.decision.winner.supplier
    users = {key.split(":", 1)[1]: user for key, user in demo.objects.items() if key.startswith("user:")}
    users["supplier"] = winner.memberships.first().user
    personas = {
        "maria.upphandlare": common + [page for c in calloffs for page in _agency_pages(c)],
        "anna.ramstrom": common + [reverse("catalogue:review_queue")],
        "supplier": common + [page for c in CallOff.objects.invitations_of([winner.pk]) for page in _calloff_pages(c)],
    }
    assert solutions, "the demo has published solutions available in a few counties"
    problems = {}
    for persona, pages in personas.items():
        client.force_login(users[persona])
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        for url in pages + solutions:
            response = client.get(url)
            assert response.status_code == 200, (persona, url)
            leaks = _leaks(_text(response), phrases)
            if leaks:
                problems[f"{persona} {url}"] = sorted(leaks)[:8]
    client.logout()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in [reverse("core:start"), reverse("catalogue:solution_list"), *solutions]:
        leaks = _leaks(_text(client.get(url)), phrases)
        if leaks:
            problems[f"anonymous {url}"] = sorted(leaks)[:8]
    assert not problems, problems


def test_counties_are_named_in_the_pages_language(db):
    stockholm = NutsRegion.objects.get(code="SE110")
    with translation.override("en"):
        assert stockholm.label == "Stockholm County"
    with translation.override("sv"):
        assert stockholm.label == "Stockholms län"
    assert not NutsRegion.objects.filter(label_en__contains=" län").exists()
