"""Swedish text for generated data, with realistic word frequencies.

The vocabulary is every word of the Swedish CPV 2008 labels (about 8 700 distinct words, from
`innokop/reference/data/cpv2008_sv_en.csv`) and of the string literals in the apps' `demo.py` files (the
demo's procurement prose: needs, questions, requirements), kept ranked in `bench/vocabulary.tsv`. Words are ranked by how often they occur there
and drawn with Zipf-like weights, 1 / (rank + 2.7), the shape word frequencies have in real text: a few
words are everywhere, most are rare. A text about a topic (a CPV code) also draws the words of that code's
label and of the broader codes above it, so a search for a topic's word matches a share of the catalogue,
not all of it, and function words ("och", "för", "att" ...) are drawn at the rate Swedish prose has them.

Everything is drawn from the `random.Random` given, so the same seed gives the same text.
"""

from __future__ import annotations

import ast
import csv
import random
import re
from bisect import bisect
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "innokop"
CPV_CSV = SOURCE / "reference" / "data" / "cpv2008_sv_en.csv"
# The ranked vocabulary, committed: the demo texts change as the apps grow, and the same seed must keep giving
# the same text. `python bench/corpus.py` writes it again from the CPV labels and today's demo texts.
VOCABULARY = Path(__file__).resolve().parent / "vocabulary.tsv"
WORD = re.compile(r"[a-zåäöéü]+(?:-[a-zåäöéü]+)?")
# The most frequent Swedish function words, most frequent first (their share of running text is about 40 %).
FUNCTION_WORDS = ("och i att det som en på är för med till av den om har inte kan vi de ett ska så eller från "
                  "när också vid men efter under mer alla genom där mot hur utan både dessa sitt vilket").split()
FUNCTION_SHARE = 0.38
TOPIC_SHARE = 0.27
ZIPF_OFFSET = 2.7


@dataclass(frozen=True)
class Topic:
    """A CPV code as a theme: its code and the words of its label and of the broader codes' labels."""

    code: str
    label: str
    words: tuple[str, ...]


def _demo_literals() -> list[str]:
    """The string literals of the apps' demo.py files that read as Swedish prose (docstrings left out)."""
    texts = []
    for path in sorted(SOURCE.glob("*/demo.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                      and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                    and len(node.value.split()) >= 3 and re.search(r"[åäö]| och | för | att ", node.value)):
                texts.append(node.value)
    return texts


@cache
def cpv_rows() -> tuple[tuple[str, str, str], ...]:
    """(code, parent code, Swedish label) of every CPV code, in code order."""
    with CPV_CSV.open(encoding="utf-8") as source:
        return tuple((row["code"], row["parent"], row["sv"]) for row in csv.DictReader(source))


def count_words() -> list[tuple[str, int]]:
    """The vocabulary ranked: each word of the CPV labels and the demo texts with how often it occurs there,
    most frequent first, ties alphabetically. Written to VOCABULARY by `python bench/corpus.py`."""
    counts: Counter[str] = Counter()
    for text in [*(label for _code, _parent, label in cpv_rows()), *_demo_literals()]:
        counts.update(word for word in WORD.findall(text.lower()) if len(word) > 1)
    for word in FUNCTION_WORDS:
        counts.pop(word, None)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


@cache
def corpus() -> "Corpus":
    """The corpus, built once per process."""
    return Corpus()


class Corpus:
    """Draws Swedish words and sentences; build it once (it reads the CPV labels and the demo texts)."""

    def __init__(self) -> None:
        labels = {code: label for code, _parent, label in cpv_rows()}
        self.vocabulary = [line.split("\t")[0] for line in VOCABULARY.read_text(encoding="utf-8").splitlines()]
        self._cumulative = list(accumulate(1 / (rank + ZIPF_OFFSET) for rank in range(len(self.vocabulary))))
        self._function_cumulative = list(accumulate(1 / (rank + 1.5) for rank in range(len(FUNCTION_WORDS))))
        parents = {code: parent for code, parent, _label in cpv_rows()}
        self.topics: list[Topic] = []
        for code, _parent, label in cpv_rows():
            if code[2:] == "000000":
                continue  # a division is too broad to be a solution's topic
            words, ancestor = [], code
            while ancestor:
                words += [w for w in WORD.findall(labels.get(ancestor, "").lower())
                          if len(w) > 2 and w not in FUNCTION_WORDS]
                ancestor = parents.get(ancestor, "")
            if words:
                self.topics.append(Topic(code, label, tuple(dict.fromkeys(words))))

    def words(self, rnd: random.Random, count: int, topic: Topic | None = None) -> list[str]:
        zipf = rnd.choices(self.vocabulary, cum_weights=self._cumulative, k=count)
        function = rnd.choices(FUNCTION_WORDS, cum_weights=self._function_cumulative, k=count)
        picked = []
        for n in range(count):
            draw = rnd.random()
            if draw < FUNCTION_SHARE:
                picked.append(function[n])
            elif topic is not None and draw < FUNCTION_SHARE + TOPIC_SHARE:
                picked.append(rnd.choice(topic.words))
            else:
                picked.append(zipf[n])
        return picked

    def sentence(self, rnd: random.Random, topic: Topic | None = None, low: int = 6, high: int = 16) -> str:
        words = self.words(rnd, rnd.randint(low, high), topic)
        return " ".join(words).capitalize() + "."

    def text(self, rnd: random.Random, sentences: int, topic: Topic | None = None) -> str:
        return " ".join(self.sentence(rnd, topic) for _ in range(sentences))

    def title(self, rnd: random.Random, topic: Topic, limit: int = 200) -> str:
        """A short name: a topic word or two and a frequent word, e.g. "Sensorer för avfallshantering"."""
        head = rnd.choice(topic.words)
        tail = rnd.choice(topic.words)
        extra = self.vocabulary[bisect(self._cumulative, rnd.random() * self._cumulative[-1])]
        return f"{head.capitalize()} {rnd.choice(('för', 'med', 'och', 'inom'))} {tail} – {extra}"[:limit]


if __name__ == "__main__":
    ranked = count_words()
    VOCABULARY.write_text("".join(f"{word}\t{count}\n" for word, count in ranked), encoding="utf-8")
    print(f"{len(ranked)} words written to {VOCABULARY}")
