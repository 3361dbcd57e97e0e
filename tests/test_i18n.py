"""Swedish first, English complete: the catalogue covers every string the code uses."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

SOURCE = Path(__file__).resolve().parent.parent / "src" / "innokop"
CATALOGUE = SOURCE / "locale" / "sv" / "LC_MESSAGES" / "django.po"


def _msgids(po: Path) -> set[str]:
    text = subprocess.run(["msgattrib", "--no-wrap", "--no-obsolete", str(po)], capture_output=True, text=True,
                          check=True).stdout
    return {m for m in re.findall(r'^msgid "(.*)"$', text, flags=re.M) if m}


def test_the_swedish_catalogue_has_no_untranslated_or_fuzzy_entries():
    for flag in ("--untranslated", "--only-fuzzy"):
        leftover = subprocess.run(["msgattrib", flag, "--no-obsolete", str(CATALOGUE)], capture_output=True,
                                  text=True, check=True).stdout
        assert leftover.strip() == "", f"entries left by {flag}:\n{leftover[:2000]}"


def test_the_catalogue_is_up_to_date_with_the_code(tmp_path, monkeypatch):
    copy = tmp_path / "innokop"
    shutil.copytree(SOURCE, copy, ignore=shutil.ignore_patterns("__pycache__", "build", "*.mo"))
    monkeypatch.chdir(copy)
    call_command("makemessages", locale=["sv"], no_obsolete=True, verbosity=0)
    fresh = _msgids(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    committed = _msgids(CATALOGUE)
    assert fresh - committed == set(), "run `make messages` and translate the new entries"
    assert committed - fresh == set(), "the catalogue has entries the code no longer uses"


@pytest.mark.django_db
def test_pages_are_swedish_by_default_and_english_after_switching(client):
    swedish = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert '<html lang="sv"' in swedish.content.decode() and "Logga in" in swedish.content.decode()
    switched = client.post(reverse("set_language"), {"language": "en", "next": "/accessibility/"})
    assert switched.status_code == 302 and switched["Location"] == "/accessibility/"
    english = client.get("/accessibility/").content.decode()
    assert '<html lang="en"' in english and "Accessibility statement for Innoköp" in english
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Tillgänglighetsredogörelse" in client.get("/accessibility/").content.decode()
