"""A need describes a problem, not a product: the words that name a supplier or a catalogue solution.

`naming_warnings` is a nudge, never a refusal: the form shows what it found and lets the agency rewrite or
keep its text. A name matches as whole words, whatever the case ("norrsken sensorteknik" matches
"Norrsken Sensorteknik AB"); a supplier is also found without its company form ("AB", "Oy" ...).
"""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from innokop.accounts.models import Organisation, OrganisationKind
from innokop.catalogue.models import Solution

COMPANY_FORMS = {"ab", "aktiebolag", "hb", "kb", "ek", "för", "oy", "oyj", "oü", "as", "asa", "aps", "a/s", "gmbh",
                 "ltd", "limited", "inc", "llc", "bv", "sa", "sarl", "ag", "plc", "publ", "(publ)"}
SHORTEST = 4  # a shorter name ("AB", "IT") is too common a word to warn about


@dataclass(frozen=True)
class NamingWarning:
    found: str  # the words as the text has them
    kind: Promise  # what they name: a supplier or a solution
    name: str  # the supplier's or the solution's own name


def _without_company_form(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[-1].lower().strip(",.") in COMPANY_FORMS:
        words.pop()
    return " ".join(words)


def _pattern(name: str) -> re.Pattern:
    words = [re.escape(word) for word in name.split()]
    # Whole words: no letter or digit (Swedish letters included, \w is Unicode) right before or after.
    return re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)


def known_names() -> list[tuple[str, Promise, str]]:
    """(what to look for, kind, the name to show): registered suppliers and published solutions."""
    found = []
    for name in Organisation.objects.filter(kind=OrganisationKind.SUPPLIER).values_list("name", flat=True):
        for variant in dict.fromkeys([name.strip(), _without_company_form(name.strip())]):
            found.append((variant, _("a supplier"), name))
    for title in Solution.objects.published().values_list("title", flat=True):
        found.append((title.strip(), _("a solution in the catalogue"), title))
    return [(variant, kind, name) for variant, kind, name in found if len(variant) >= SHORTEST]


def naming_warnings(*texts: str) -> list[NamingWarning]:
    """Each supplier or solution the texts name, once, in the order the text names them."""
    text = "\n".join(t for t in texts if t)
    warnings: dict[str, tuple[int, NamingWarning]] = {}
    for variant, kind, name in sorted(known_names(), key=lambda item: -len(item[0])):
        if name in warnings:
            continue
        match = _pattern(variant).search(text)
        if match:
            warnings[name] = (match.start(), NamingWarning(found=match.group(0), kind=kind, name=name))
    return [warning for _start, warning in sorted(warnings.values(), key=lambda item: item[0])]
