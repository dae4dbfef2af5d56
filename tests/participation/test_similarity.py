"""Similarity suggestions (pure): analysis, paraphrases in German and English, bundles, and texts that must not match."""

import pytest

from teilhabe.participation.similarity import (
    Corpus,
    Document,
    Group,
    Kind,
    Suggestion,
    Text,
    analyse,
    normalise,
    suggest_similar,
)


@pytest.mark.parametrize(
    ("label", "text", "expected"),
    [
        ("stop words and punctuation go", "Die Kita-Plätze sind zu wenig!", "kita plätze"),
        ("case is folded", "MEHR Sprachkurse", "sprachkurse"),
        ("numbers go", "10 neue Stellen", "neue stellen"),
        ("arabic stays", "نحتاج دورات لغة", "نحتاج دورات لغة"),
        ("empty", "", ""),
    ],
)
def test_normalise(label, text, expected):
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("label", "text", "language", "expected"),
    [
        ("german plural and umlaut", "Kita-Plätze", "de", ["kita", "platz"]),
        ("umlaut written as ae", "Kita-Plaetze", "de", ["kita", "platz"]),
        ("sharp s folded", "Straßenfest", "de", ["strassenf"]),
        ("german compound keeps one stem", "Deutschkurse", "de", ["deutschkurs"]),
        ("hyphenated compound gives two", "Deutsch-Kurse", "de", ["deutsch", "kurs"]),
        ("english plural", "German courses with childcare", "en", ["german", "cours", "childcar"]),
        ("english verb forms", "waiting lists", "en", ["wait", "list"]),
        ("no stemmer for tigrinya: whole words", "ትምህርቲ ቋንቋ", "ti", ["ትምህርቲ", "ቋንቋ"]),
    ],
)
def test_analyse(label, text, language, expected):
    assert analyse(text, language) == expected


# A small procedure: two concerns with several wordings, and unrelated contributions sharing everyday words.
DOCUMENTS = [
    Document(1, Text("There are too few German courses with childcare.", "en"), bundle=10),
    Document(2, Text("Es gibt zu wenige Deutschkurse mit Kinderbetreuung.", "de"), bundle=10),
    Document(3, Text("Deutsch-Kurse mit Kinderbetreuung und Abendkurse für Berufstätige.", "de")),
    Document(4, Text("Die Wartelisten für Kita-Plätze sind viel zu lang.", "de"), bundle=20),
    Document(5, Text("Mehr Kitaplaetze und Beratung zur Anmeldung in mehreren Sprachen.", "de"), bundle=20),
    Document(6, Text("Bessere Busverbindungen zur Erstaufnahme am Abend.", "de")),
    Document(7, Text("Finding an affordable flat is almost impossible.", "en")),
    Document(8, Text("The waiting lists for day-care places are far too long.", "en")),
    Document(9, Text("Sports clubs offer too little for girls.", "en")),
    Document(11, Text("Der Spielplatz im Park ist kaputt und zu klein.", "de")),
]
GROUPS = [
    Group(10, (Text("Deutschkurse mit Kinderbetreuung", "de"), Text("German courses with childcare", "en"))),
    Group(20, (Text("Mehr Kita-Plätze", "de"), Text("More day-care places", "en"))),
]
CORPUS = Corpus(DOCUMENTS, GROUPS)


@pytest.mark.parametrize(
    ("label", "text", "language", "expected"),
    [
        (
            "english paraphrase finds the english contribution and the bundle",
            "Free German courses with childcare",
            "en",
            {(Kind.BUNDLE, 10), (Kind.CONTRIBUTION, 1)},
        ),
        (
            "german compound finds its hyphenated form",
            "Kostenlose Deutschkurse mit Kinderbetreuung",
            "de",
            {(Kind.CONTRIBUTION, 3)},
        ),
        ("hyphenated form finds the compound", "Deutsch-Kurse mit Kinderbetreuung!", "de", {(Kind.CONTRIBUTION, 2)}),
        ("inflected german finds the bundle", "Ein Deutschkurs mit Kinderbetreuung fehlt", "de", {(Kind.BUNDLE, 10)}),
        (
            "umlaut spelling does not matter",
            "Kitaplätze: die Warteliste ist lang",
            "de",
            {(Kind.CONTRIBUTION, 4), (Kind.BUNDLE, 20)},
        ),
        ("english plural and tense", "Waiting list for a day care place is too long", "en", {(Kind.CONTRIBUTION, 8)}),
    ],
)
def test_paraphrases_are_found(label, text, language, expected):
    found = {(s.kind, s.key) for s in CORPUS.suggest(Text(text, language))}
    assert expected <= found


@pytest.mark.parametrize(
    ("label", "text", "language", "unwanted"),
    [
        ("other concern sharing 'Abend'", "Längere Öffnungszeiten der Bibliothek am Abend", "de", {3, 6}),
        ("'Platz' in another sense", "Ein neuer Spielplatz für den Stadtteil", "de", {4, 5}),
        ("'courses' in another sense", "Golf courses should be open to everyone", "en", {1}),
        ("flats, not day care", "Affordable flats for large families", "en", {8}),
        ("everyday words only", "Es ist viel zu wenig und zu lang", "de", set(range(1, 12))),
    ],
)
def test_unrelated_texts_are_not_suggested(label, text, language, unwanted):
    found = {s.key for s in CORPUS.suggest(Text(text, language)) if s.kind == Kind.CONTRIBUTION}
    assert not found & unwanted


def test_a_bundle_scores_through_its_members_but_never_through_the_text_itself():
    """Contribution 1 compared as if new: its bundle is found through the other member, not through itself."""
    corpus = Corpus(
        [
            Document(1, Text("Deutschkurse mit Kinderbetreuung fehlen", "de"), bundle=5),
            Document(2, Text("Mehr Deutschkurse mit Kinderbetreuung am Abend", "de"), bundle=5),
            Document(3, Text("Der Spielplatz im Park ist kaputt", "de")),
        ],
        [Group(5, ())],
    )
    text = Text("Deutschkurse mit Kinderbetreuung fehlen", "de")
    with_self = corpus.suggest(text, kinds=[Kind.BUNDLE])
    without_self = corpus.suggest(text, kinds=[Kind.BUNDLE], exclude=[1])
    assert with_self == [Suggestion(Kind.BUNDLE, 5, 100.0)]
    assert [s.key for s in without_self] == [5] and 30 <= without_self[0].score < 100


def test_own_bundle_and_members_can_be_left_out():
    suggestions = CORPUS.suggest(Text("Deutschkurse mit Kinderbetreuung", "de"), exclude=[1, 2], exclude_bundles=[10])
    assert (Kind.BUNDLE, 10) not in {(s.kind, s.key) for s in suggestions}
    assert {s.key for s in suggestions} == {3}


def test_ranking_is_best_first_and_limited():
    suggestions = CORPUS.suggest(Text("Deutschkurse mit Kinderbetreuung", "de"), limit=2)
    assert len(suggestions) == 2
    assert suggestions[0].score >= suggestions[1].score


def test_too_short_text_gives_no_suggestions():
    assert CORPUS.suggest(Text("Kita", "de")) == []


def test_no_candidates():
    assert suggest_similar(Text("Mehr Kita-Plätze im Stadtteil", "de"), []) == []
