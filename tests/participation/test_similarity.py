"""Similarity suggestions: normalisation and ranking (pure)."""

import pytest

from teilhabe.participation.similarity import normalise, suggest_similar


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("stop words and punctuation go", "Die Kita-Plätze sind zu wenig!", "kita plätze wenig"),
        ("case is folded", "MEHR Sprachkurse", "sprachkurse"),
        ("numbers go", "10 neue Stellen", "neue stellen"),
        ("arabic stays", "نحتاج دورات لغة", "نحتاج دورات لغة"),
        ("empty", "", ""),
    ],
)
def test_normalise(label, text, expected):
    assert normalise(text) == expected


CANDIDATES = [
    (1, normalise("Mehr Kita-Plätze im Stadtteil, die Wartelisten sind zu lang")),
    (2, normalise("Sprachkurse am Abend für Berufstätige anbieten")),
    (3, normalise("Wartelisten für Kita-Plätze im Stadtteil sind lang")),
    (4, normalise("Bessere Busverbindungen zur Erstaufnahme")),
]


def test_similar_texts_rank_first_and_unrelated_are_left_out():
    suggestions = suggest_similar("Die Wartelisten für Kitaplätze im Stadtteil sind viel zu lang", CANDIDATES)
    # 1 and 3 hold the same words in another order: an equal score, ties broken by key.
    assert [(s.key, s.score) for s in suggestions] == [(1, 86.2), (3, 86.2)]


def test_excluded_keys_and_limit():
    suggestions = suggest_similar("Wartelisten Kita-Plätze Stadtteil lang", CANDIDATES, exclude=[3], limit=1)
    assert [s.key for s in suggestions] == [1]


def test_too_short_text_gives_no_suggestions():
    assert suggest_similar("Kita", CANDIDATES) == []


def test_no_candidates():
    assert suggest_similar("Mehr Kita-Plätze im Stadtteil", []) == []
