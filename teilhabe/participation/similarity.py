"""Suggest contributions and bundles that raise the same concern, even when it is phrased differently.

Pure: texts in, ranked keys out; no Django. `queries.list_similar_contributions` adapts the rows of one
procedure to a `Corpus` and back (docs/participation.md, "Similar contributions").

How two texts are compared:

1. Analysis (`analyse`): Unicode-normalised and case-folded words; stop words of German and English
   dropped; every word reduced to its Snowball stem in the text's own language ("Kita-Plätze" and
   "Kitaplaetze" → "kita", "platz"; "courses" → "cours"); accents and umlauts folded after stemming
   ("förder" → "forder"). Languages without a Snowball stemmer keep whole words.
2. Two kinds of features per text: the stems, and character 4-grams inside each stem. The 4-grams let
   German compounds meet their parts ("Deutschkurse" shares "deut", "euts", … "kurs" with
   "Deutsch-Kurse" and "Deutschkurs") and tolerate small spelling differences.
3. TF-IDF weights over the corpus (the procedure's contributions and bundles), so that words every
   second contribution uses ("Stadt", "mehr") count little and rare shared words count much.
4. The score is the mean of the cosine similarities of the stem vectors and of the 4-gram vectors,
   reported as 0–100.

A bundle is compared through all its texts: its own title and summary (in German and English) and the
texts of its members; its score is the best of them. The text being compared is never compared with
itself, also not as a bundle member.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache
from typing import Protocol

import snowballstemmer

DEFAULT_LIMIT = 5
# Tuned on the demo procedure and the table tests in tests/participation/test_similarity.py: unrelated
# concerns that share one or two everyday words stay below it.
DEFAULT_THRESHOLD = 30.0
# Texts with fewer content words than this match almost anything.
MIN_CONTENT_WORDS = 2
NGRAM = 4
NGRAM_SHARE = 0.5  # weight of the 4-gram similarity in the score; the stems carry the rest

# Function words and words nearly every contribution uses; they make unrelated texts look alike.
STOP_WORDS = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines und oder aber auch nicht kein keine keinen
    keinem keiner mit von vom zu zum zur für fur auf an am im in ins ist sind sein seid wird werden wurde
    wurden sollte sollten soll sollen muss müssen kann können könnte es sie er wir ich ihr man uns unser
    unsere unserer unseren mein meine meinen dass daß als wie so mehr sehr noch nur schon bei nach über aus
    um gibt geben gab haben hat hatte hier da dort dies diese dieser dieses diesen wenn weil warum wieso
    wer wo wohin wann was welche welcher welches ob denn doch ja nein viel viele vielen zu zu wenig wenige
    bitte immer oft dann jetzt heute alle allen jeder jede jedem jeden ganz gerade etwa etwas gut besser
    the a an and or but not no nor with of to for on at in into is are be been being was were should
    must can could would will shall may might it its they them their we our us i me my you your he she
    that this these those as so more most very only also there here has have had do does did why how
    what when where who which whom if than then too few many much lot lots please any some all every
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
# Snowball stemmers for the languages contributions arrive in (codes as in participation.models.Language).
_STEMMER_NAMES = {
    "de": "german",
    "en": "english",
    "ar": "arabic",
    "fa": "persian",
    "prs": "persian",
    "tr": "turkish",
    "ru": "russian",
    "pl": "polish",
    "ro": "romanian",
    "fr": "french",
    "es": "spanish",
}
_UMLAUTS = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})


class Kind(StrEnum):
    CONTRIBUTION = "contribution"
    BUNDLE = "bundle"


@dataclass(frozen=True)
class Text:
    """A text to compare, with its language code ("de", "en", …)."""

    text: str
    language: str = "de"


@dataclass(frozen=True)
class Document:
    """A contribution: its key, its text (title and text), the key of its bundle, if any, and translations of
    its text (the German machine translation), each compared as if the contribution had written it too."""

    key: int
    text: Text
    bundle: int | None = None
    translations: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Group:
    """A bundle: its key and its own texts (title and summary, in each language it has them)."""

    key: int
    texts: tuple[Text, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    kind: Kind
    key: int
    score: float


def normalise(text: str) -> str:
    """Lower-cased content words in their original order, punctuation, numbers and stop words dropped.

    Stored with each contribution for display and search; the suggestions use `analyse`.
    """
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    words = [word for word in _WORD.findall(folded) if word not in STOP_WORDS and not word.isdigit()]
    return " ".join(words)


def analyse(text: str, language: str = "de") -> list[str]:
    """The stems of the content words of `text`, folded, in their original order."""
    return [stem for word in normalise(text).split() if (stem := _stem(word, language))]


@lru_cache(maxsize=200_000)
def _stem(word: str, language: str) -> str:
    name = _STEMMER_NAMES.get(language.split("-")[0].lower() if language else "")
    stem = _stemmer(name).stemWord(word) if name else word
    stem = _strip_marks(stem.translate(_UMLAUTS))
    return stem if len(stem) > 1 else ""


class _Stemmer(Protocol):
    """What teilhabe uses of a snowballstemmer stemmer (the package ships no type hints)."""

    def stemWord(self, word: str) -> str: ...


@cache
def _stemmer(name: str) -> _Stemmer:
    return snowballstemmer.stemmer(name)


def _strip_marks(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=200_000)
def _ngrams(stem: str) -> tuple[str, ...]:
    if len(stem) <= NGRAM:
        return (stem,)
    return tuple(stem[i : i + NGRAM] for i in range(len(stem) - NGRAM + 1))


@dataclass(frozen=True)
class _Features:
    stems: Counter
    grams: Counter

    @classmethod
    def of(cls, text: Text) -> _Features:
        stems = Counter(analyse(text.text, text.language))
        grams = Counter(gram for stem in stems.elements() for gram in _ngrams(stem))
        return cls(stems, grams)


class _Space:
    """One feature space (stems or 4-grams) with TF-IDF weights and an inverted index for fast cosines."""

    def __init__(self, vectors: Sequence[Counter]):
        document_frequency: Counter = Counter()
        for vector in vectors:
            document_frequency.update(vector.keys())
        count = len(vectors)
        self._idf = {term: math.log((count + 1) / (df + 1)) + 1 for term, df in document_frequency.items()}
        self._default_idf = math.log(count + 1) + 1  # a term no document has
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        postings = self._postings
        for index, vector in enumerate(vectors):
            for term, weight in self._weigh(vector).items():
                postings[term].append((index, weight))

    def _weigh(self, vector: Counter) -> dict[str, float]:
        idf, default = self._idf, self._default_idf
        weights = {
            term: (idf.get(term, default) if tf == 1 else (1 + math.log(tf)) * idf.get(term, default))
            for term, tf in vector.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {term: w / norm for term, w in weights.items()} if norm else {}

    def cosines(self, vector: Counter) -> dict[int, float]:
        scores: dict[int, float] = defaultdict(float)
        for term, weight in self._weigh(vector).items():
            for index, other in self._postings.get(term, ()):
                scores[index] += weight * other
        return scores


class Corpus:
    """The contributions and bundles of one procedure, prepared once to compare many texts against them."""

    def __init__(self, documents: Iterable[Document], groups: Iterable[Group] = ()):
        # Entries are the texts compared: each contribution once, each bundle's own texts once each.
        self._entries: list[tuple[Kind, int, int | None]] = []  # (kind, key, bundle key of a contribution)
        features: list[_Features] = []
        self._bundles: set[int] = set()
        for document in documents:
            for text in (document.text, *document.translations):
                self._entries.append((Kind.CONTRIBUTION, document.key, document.bundle))
                features.append(_Features.of(text))
            if document.bundle is not None:
                self._bundles.add(document.bundle)
        for group in groups:
            self._bundles.add(group.key)
            for text in group.texts:
                self._entries.append((Kind.BUNDLE, group.key, None))
                features.append(_Features.of(text))
        self._stems = _Space([f.stems for f in features])
        self._grams = _Space([f.grams for f in features])

    def suggest(
        self,
        text: Text | Sequence[Text],
        *,
        limit: int = DEFAULT_LIMIT,
        threshold: float = DEFAULT_THRESHOLD,
        exclude: Iterable[int] = (),
        exclude_bundles: Iterable[int] = (),
        kinds: Iterable[Kind] = (Kind.CONTRIBUTION, Kind.BUNDLE),
    ) -> list[Suggestion]:
        """The `limit` contributions and bundles (of `kinds`) most similar to `text`, best first, scoring at
        least `threshold` (0–100); ties are broken by kind (bundles first) and key.

        `exclude` are contribution keys never suggested nor used for their bundle's score (the text's own
        contribution); `exclude_bundles` are bundles never suggested (the one it already belongs to).
        Several texts (the original and its translation) are compared each, and the best score counts.
        """
        wanted = set(kinds)
        excluded, excluded_bundles = set(exclude), set(exclude_bundles)
        best: dict[tuple[Kind, int], float] = {}
        for one in [text] if isinstance(text, Text) else text:
            self._score(one, wanted, excluded, excluded_bundles, best)
        ranked = sorted(
            ((round(score, 1), kind, key) for (kind, key), score in best.items() if score >= threshold),
            key=lambda item: (-item[0], item[1] != Kind.BUNDLE, item[2]),
        )
        return [Suggestion(kind=kind, key=key, score=score) for score, kind, key in ranked[:limit]]

    def _score(
        self, text: Text, wanted: set, excluded: set, excluded_bundles: set, best: dict[tuple[Kind, int], float]
    ) -> None:
        query = _Features.of(text)
        if len(query.stems) < MIN_CONTENT_WORDS:
            return
        stem_scores = self._stems.cosines(query.stems)
        gram_scores = self._grams.cosines(query.grams)
        for index in stem_scores.keys() | gram_scores.keys():
            kind, key, bundle = self._entries[index]
            if kind == Kind.CONTRIBUTION and key in excluded:
                continue
            score = 100 * ((1 - NGRAM_SHARE) * stem_scores.get(index, 0.0) + NGRAM_SHARE * gram_scores.get(index, 0.0))
            targets = [(kind, key)]
            if bundle is not None:
                targets.append((Kind.BUNDLE, bundle))  # a member's text speaks for its bundle too
            for target in targets:
                if target[0] not in wanted or (target[0] == Kind.BUNDLE and target[1] in excluded_bundles):
                    continue
                if score > best.get(target, -1.0):
                    best[target] = score


def suggest_similar(
    text: Text,
    documents: Iterable[Document],
    groups: Iterable[Group] = (),
    *,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
    exclude: Iterable[int] = (),
    exclude_bundles: Iterable[int] = (),
    kinds: Iterable[Kind] = (Kind.CONTRIBUTION, Kind.BUNDLE),
) -> list[Suggestion]:
    """`Corpus(documents, groups).suggest(text, …)` for a single comparison."""
    return Corpus(documents, groups).suggest(
        text, limit=limit, threshold=threshold, exclude=exclude, exclude_bundles=exclude_bundles, kinds=kinds
    )
