"""Suggest contributions that raise the same concern, by text similarity (rapidfuzz).

Pure: strings in, ranked keys out. The service passes a bounded list of candidates (the same procedure,
already normalised and stored with each contribution), so a suggestion costs milliseconds even with
10,000 contributions.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# Frequent function words of the languages contributions arrive in most; they make unrelated texts look alike.
STOP_WORDS = frozenset(
    """
    der die das den dem des ein eine einen einem einer eines und oder aber auch nicht kein keine mit von vom zu zum
    zur für fur auf an am im in ist sind wird werden wurde sollte sollten soll muss müssen es sie wir ich ihr man
    dass daß als wie so mehr sehr noch nur schon bei nach über aus um es gibt haben hat hier da
    the a an and or but not no with of to for on at in is are be was were should must it they we i you that as
    so more very only also there here has have
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)

DEFAULT_LIMIT = 5
DEFAULT_THRESHOLD = 70.0
# Texts with fewer content words than this match almost anything under a token-set comparison.
MIN_CONTENT_WORDS = 2


@dataclass(frozen=True)
class Suggestion:
    key: int
    score: float


def normalise(text: str) -> str:
    """Lower-cased content words in their original order, accents folded, punctuation and stop words dropped."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    words = [word for word in _WORD.findall(folded) if word not in STOP_WORDS and not word.isdigit()]
    return " ".join(words)


def suggest_similar(
    text: str,
    candidates: Iterable[tuple[int, str]],
    *,
    limit: int = DEFAULT_LIMIT,
    threshold: float = DEFAULT_THRESHOLD,
    exclude: Iterable[int] = (),
) -> list[Suggestion]:
    """The `limit` candidates most similar to `text`, best first, scoring at least `threshold` (0–100).

    `candidates` are (key, normalised text) pairs; `text` is normalised here. The score is the mean of
    rapidfuzz's token-set ratio (shared concern despite extra words) and token-sort ratio (penalises a
    short text that is merely contained in a long one).
    """
    query = normalise(text)
    if len(query.split()) < MIN_CONTENT_WORDS:
        return []
    excluded = set(exclude)
    choices = {key: value for key, value in candidates if key not in excluded and value}
    if not choices:
        return []
    matches = process.extract(query, choices, scorer=_score, limit=limit, score_cutoff=threshold)
    ranked = sorted(((key, round(score, 1)) for _choice, score, key in matches), key=lambda pair: (-pair[1], pair[0]))
    return [Suggestion(key=key, score=score) for key, score in ranked]


def _score(query: str, choice: str, **kwargs) -> float:
    score_cutoff = kwargs.get("score_cutoff") or 0
    score = (fuzz.token_set_ratio(query, choice) + fuzz.token_sort_ratio(query, choice)) / 2
    return score if score >= score_cutoff else 0.0
