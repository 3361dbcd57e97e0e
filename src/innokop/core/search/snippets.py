"""Snippets: a few words of an object's own text around the first match, the matches marked."""

import html
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe

from .words import _WORD, MAX_INDEXED_CHARS, SNIPPET_BEFORE, SNIPPET_WORDS, _forms, _QueryWord, _words

# --- Snippets -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Matcher:
    """Tells which words of an object's text the query matched, to mark them in the snippet."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]
    inside: re.Pattern | None  # terms found inside a compound ("avfall" in "matavfallet")
    # Answers so far: the same words come back in hit after hit.
    seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, plan: list[_QueryWord]) -> "_Matcher":
        alternatives = [alt for word in plan for alt in word]
        exact = frozenset(t for alt in alternatives if not alt.prefix for t in alt.terms)
        prefixes = tuple(t for alt in alternatives if alt.prefix for t in alt.terms)
        long_terms = sorted({t for t in exact | set(prefixes) if len(t) >= 4}, key=len, reverse=True)
        inside = re.compile("|".join(map(re.escape, long_terms))) if long_terms else None
        return cls(exact, prefixes, inside)

    def __call__(self, word: str) -> bool:
        if word not in self.seen:
            self.seen[word] = self._matches(word)
        return self.seen[word]

    def _matches(self, word: str) -> bool:
        for form in _words(word):
            if form in self.exact or not self.exact.isdisjoint(_forms(form)) or form.startswith(self.prefixes):
                return True
            if self.inside is not None and self.inside.search(form):
                return True
        return False


def _display(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text[:MAX_INDEXED_CHARS].split()))


def _excerpt(text: str, matcher: _Matcher, *, anywhere: bool = False) -> str | None:
    """SNIPPET_WORDS words of `text` around its first match (its start when `anywhere`)."""
    words = _WORD.findall(text)
    if not words:
        return None
    first = 0
    if not anywhere:
        # Each distinct word is asked once; the first match is then found at C speed (a rare word can be
        # hundreds of words into a text, and a page makes a snippet for each of its hits).
        matched = [word for word in set(words) if matcher(word)]
        if not matched:
            return None
        first = min(words.index(word) for word in matched)
    start = max(first - SNIPPET_BEFORE, 0)
    window = list(itertools.islice(_WORD.finditer(text), start, start + SNIPPET_WORDS))
    return _render(text, window, matcher, cut_before=start > 0, cut_after=len(words) > start + SNIPPET_WORDS)


def _render(text: str, window: list[re.Match], matcher: _Matcher, *, cut_before: bool, cut_after: bool) -> SafeString:
    # The text between marks is escaped in one go: the same escaping as Django's `escape`, without its
    # lazy-string wrapper around every word (a result page renders hundreds of words).
    pieces = ["" if cut_before else text[: window[0].start()]]
    position = window[0].start()
    marked = []
    for match in window:
        if matcher(match.group()):
            pieces.append(text[position : match.start()])
            marked.append(len(pieces))
            pieces.append(match.group())
            position = match.end()
    pieces.append(text[position : window[-1].end()] if cut_after else text[position:])
    escaped = [html.escape(piece) for piece in pieces]
    for i in marked:
        escaped[i] = f"<mark>{escaped[i]}</mark>"
    return mark_safe(("… " if cut_before else "") + "".join(escaped) + (" …" if cut_after else ""))


def _snippet(title: str, body: str, matcher: _Matcher) -> str:
    """The body around its first match, else the title around its; else the start of the text.

    The body comes first because a result list shows the title anyway. The extra text (CPV labels)
    never shows: a hit found through it shows the start of its own text.
    """
    for text in (_display(body), _display(title)):
        excerpt = _excerpt(text, matcher)
        if excerpt is not None:
            return excerpt
    return _excerpt(_display(body) or _display(title), matcher, anywhere=True) or ""
