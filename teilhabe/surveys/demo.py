"""Illustrative survey data for the demo: the online survey of the participation procedure (about 530 responses)
and two waves of the integration barometer (about 1,000 respondents each, invitation codes), with margins,
a weighting run and the climate index. Every figure is generated from a seed; nothing is real.

Called by `teilhabe load_demo` after the monitoring and participation demos (it uses their current edition,
districts and illustrative procedure when present). Loading again changes nothing unless ``reset`` is given;
`delete_demo()` removes exactly what this module loads.
"""

from __future__ import annotations

import datetime
import hashlib

import numpy as np
from django.conf import settings
from django.db import transaction

from teilhabe.monitoring import queries as monitoring
from teilhabe.monitoring.models import AreaOfAction, Geography

from . import barometer as barometer_services
from . import demo_residents_languages
from .models import (
    AgeBand,
    Answer,
    Barometer,
    ClimateAreaLink,
    ImmigrantBackground,
    IndexDomain,
    IndexItem,
    InvitationCode,
    MarginDimension,
    MatrixRow,
    Option,
    PopulationMargin,
    Question,
    Response,
    Sex,
    Survey,
    Wave,
)
from .services import CODE_ALPHABET

ONLINE_SLUG = "umfrage-integrationskonzept"
BAROMETER_SLUG = "integrationsbarometer"
ONLINE_RESPONSES = 530
WAVE_RESPONSES = {2020: 1012, 2022: 987}
INVITATIONS_PER_WAVE = 1500
DONT_KNOW = 9
FALLBACK_AREAS = (
    ("f1", "Teilhabe und Zusammenhalt", "Participation and cohesion"),
    ("f2", "Bildung von Anfang an", "Education from the start"),
    ("f3", "Arbeit und soziale Sicherung", "Work and social security"),
    ("f4", "Wohnen und Quartier", "Housing and neighbourhood"),
    ("f5", "Gesundheit, Pflege und Sport", "Health, care and sport"),
    ("f6", "Kultur, Medien und interkulturelle Öffnung", "Culture, media and intercultural opening"),
    ("f7", "Erstintegration Geflüchteter", "First integration of refugees"),
)
# How often each area is put first, relative to the others (illustrative).
AREA_APPEAL = (1.0, 2.4, 2.0, 1.7, 0.8, 0.6, 1.3)
RATING_LABELS = (
    ("Stimme überhaupt nicht zu", "Strongly disagree"),
    ("Stimme eher nicht zu", "Tend to disagree"),
    ("Teils, teils", "Neither agree nor disagree"),
    ("Stimme eher zu", "Tend to agree"),
    ("Stimme voll und ganz zu", "Strongly agree"),
)
POLICY_LABELS = (
    ("Sehr schlecht", "Very poor"),
    ("Eher schlecht", "Rather poor"),
    ("Mittel", "Average"),
    ("Eher gut", "Rather good"),
    ("Sehr gut", "Very good"),
)
DONT_KNOW_LABEL = ("Weiß nicht", "Don't know")
FREE_TEXTS = (
    "Mehr Sprachkurse am Abend, damit Berufstätige teilnehmen können.",
    "Die Wartezeiten in der Ausländerbehörde müssen kürzer werden.",
    "Kitaplätze in unserem Stadtteil fehlen, besonders für Kinder unter drei Jahren.",
    "Bitte mehr Begegnungsorte im Quartier, wo Alt und Jung, Alteingesessene und Neue sich treffen.",
    "Schulen brauchen mehr Lehrkräfte für Deutsch als Zweitsprache.",
    "Ausländische Berufsabschlüsse sollten schneller anerkannt werden.",
    "Informationen der Stadt bitte auch in einfacher Sprache.",
    "Die Sportvereine könnten gezielter Mädchen und Frauen einladen.",
    "More information in English at the citizens' office, please.",
    "Affordable housing is the biggest problem for families who just arrived.",
    "Recognition of foreign degrees takes far too long.",
    "Daha fazla Almanca kursu ve çocuk bakımı olanağı olmalı.",
    "Belediyede Türkçe bilgi verilmesi çok yardımcı olur.",
    "نحتاج إلى المزيد من دورات اللغة الألمانية للنساء مع رعاية الأطفال.",
    "يجب تسريع الاعتراف بالشهادات الأجنبية.",
    "Нужно больше консультаций для родителей на русском языке.",
    "Потрібно більше місць у школах для українських дітей.",
    "کلاس‌های زبان بیشتری برای بزرگسالان لازم است.",
    "Plus d'offres culturelles gratuites dans les quartiers.",
    "Więcej informacji o prawach pracowniczych w różnych językach.",
)
FREE_TEXT_LANGUAGES = ("de",) * 8 + ("en",) * 3 + ("tr",) * 2 + ("ar",) * 2 + ("ru", "uk", "fa", "fr", "pl")
# Barometer items: (code, German, English, domain, reversed, effect of an immigrant background, change 2020→2022)
CLIMATE_ITEMS = (
    ("home", "Ich fühle mich in der Stadt zu Hause.", "I feel at home in the city.", "belonging", False, -0.10, 0.10),
    ("belong", "Menschen wie ich gehören hier dazu.", "People like me belong here.", "belonging", False, -0.35, 0.15),
    (
        "administration",
        "Ich vertraue der Stadtverwaltung.",
        "I trust the city administration.",
        "trust",
        False,
        0.05,
        0.05,
    ),
    (
        "schools_fair",
        "Die Schulen behandeln alle Kinder gleich fair.",
        "Schools treat all children equally fairly.",
        "trust",
        False,
        -0.30,
        0.10,
    ),
    (
        "neighbours",
        "In meiner Nachbarschaft hilft man sich.",
        "Neighbours help each other where I live.",
        "coexistence",
        False,
        -0.05,
        0.00,
    ),
    (
        "discrimination",
        "Ich wurde im letzten Jahr benachteiligt.",
        "I was treated unfairly in the last year.",
        "coexistence",
        True,
        0.55,
        -0.10,
    ),
    (
        "jobs",
        "Alle haben die gleichen Chancen auf dem Arbeitsmarkt.",
        "Everyone has equal chances in the job market.",
        "opportunities",
        False,
        -0.45,
        0.20,
    ),
    (
        "housing",
        "Man findet hier eine bezahlbare Wohnung.",
        "You can find an affordable flat here.",
        "opportunities",
        False,
        -0.25,
        -0.15,
    ),
)
DOMAINS = (
    ("belonging", "Zugehörigkeit", "Belonging"),
    ("trust", "Vertrauen in Institutionen", "Trust in institutions"),
    ("coexistence", "Zusammenleben", "Living together"),
    ("opportunities", "Chancen", "Opportunities"),
)
# Which part of the index speaks to which field of action of the demo concept.
AREA_LINKS = (
    ("f1", "domain", "belonging"),
    ("f2", "item", "schools_fair"),
    ("f3", "domain", "opportunities"),
    ("f4", "domain", "coexistence"),
    ("f6", "domain", "trust"),
)
AGE_BANDS = (AgeBand.FROM_18_TO_29, AgeBand.FROM_30_TO_44, AgeBand.FROM_45_TO_64, AgeBand.FROM_65)
POPULATION_AGE_SHARES = (0.19, 0.26, 0.34, 0.21)
SAMPLE_AGE_SHARES = (0.12, 0.22, 0.38, 0.28)  # older people answer more often
DEFAULT_POPULATION = 1_250_000


def _translated(field: str, texts: tuple[str, str], *, residents_languages: bool = True) -> dict[str, str]:
    """German and English, plus the illustrative Arabic and Turkish texts where the model has those columns."""
    german, english = texts
    residents = (
        {f"{field}_{code}": text for code, text in demo_residents_languages.texts_for(german).items()}
        if residents_languages
        else {}
    )
    return {field: german, f"{field}_de": german, f"{field}_en": english, **residents}


@transaction.atomic
def load_demo(*, seed: int, reset: bool = False) -> dict[str, int]:
    """Create the illustrative surveys; returns counts of what was stored (empty: already loaded)."""
    if _is_loaded() and not reset:
        return {}
    rng = np.random.default_rng(seed)
    delete_demo()
    edition = monitoring.get_current_edition()
    districts = list(Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "code"))
    counts: dict[str, int] = {}
    _online, online_counts = _online_survey(rng, edition, districts)
    counts["online survey responses"] = online_counts
    _barometer_object, wave_counts = _barometer(rng, edition, districts)
    counts.update(wave_counts)
    counts["survey answers"] = Answer.objects.filter(response__survey__is_illustrative=True).count()
    return counts


def _is_loaded() -> bool:
    return Survey.objects.filter(slug=ONLINE_SLUG).exists() or Barometer.objects.filter(slug=BAROMETER_SLUG).exists()


@transaction.atomic
def delete_demo() -> None:
    """Remove the demo surveys and barometer (by their short names), with their responses."""
    surveys = list(
        Survey.objects.filter(slug=ONLINE_SLUG) | Survey.objects.filter(slug__startswith=f"{BAROMETER_SLUG}-")
    )
    Barometer.objects.filter(slug=BAROMETER_SLUG).delete()
    for survey in surveys:
        Answer.objects.filter(response__survey=survey).delete()
        Response.objects.filter(survey=survey).delete()
        Question.objects.filter(survey=survey).update(condition_question=None, condition_option=None)
        survey.delete()


# --- The online survey --------------------------------------------------------------------------------------


def _area_options(question: Question, edition) -> list[Option]:
    areas = (
        list(AreaOfAction.objects.filter(edition=edition, parent__isnull=True).order_by("position", "code"))
        if edition
        else []
    )
    options = []
    if areas:
        for position, area in enumerate(areas, start=1):
            options.append(
                Option(
                    question=question,
                    code=f"a{position}",
                    value=position,
                    position=position,
                    area=area,
                    label=area.title,
                    **{
                        f"label_{code}": getattr(area, f"title_{code}", "") or area.title
                        for code in settings.MODELTRANSLATION_LANGUAGES  # the content languages (columns)
                    },
                )
            )
    else:
        for position, (_code, german, english) in enumerate(FALLBACK_AREAS, start=1):
            options.append(
                Option(
                    question=question,
                    code=f"a{position}",
                    value=position,
                    position=position,
                    **_translated("label", (german, english)),
                )
            )
    return Option.objects.bulk_create(options)


def _scale_options(question: Question, labels, *, dont_know: bool = True) -> list[Option]:
    options = [
        Option(question=question, code=f"p{value}", value=value, position=value, **_translated("label", text))
        for value, text in enumerate(labels, start=1)
    ]
    if dont_know:
        options.append(
            Option(
                question=question,
                code="dk",
                value=DONT_KNOW,
                position=10,
                is_dont_know=True,
                **_translated("label", DONT_KNOW_LABEL),
            )
        )
    return Option.objects.bulk_create(options)


def _online_survey(rng: np.random.Generator, edition, districts: list[Geography]) -> tuple[Survey, int]:
    from teilhabe.participation.models import Procedure

    procedure = Procedure.objects.filter(is_illustrative=True).order_by("pk").first()
    survey = Survey.objects.create(
        slug=ONLINE_SLUG,
        status=Survey.Status.OPEN,
        mode=Survey.Mode.OPEN,
        edition=edition,
        procedure=procedure,
        has_demographic_block=True,
        results_are_public=True,
        is_illustrative=True,
        **_translated(
            "title",
            ("Online-Umfrage zum Integrationskonzept (Beispiel)", "Online survey on the integration concept (example)"),
        ),
        **_translated(
            "introduction",
            (
                "Welche Handlungsfelder sind Ihnen am wichtigsten, wie bewerten Sie die Integrationspolitik der Stadt, "
                "und was sollte sich ändern? Die Umfrage dauert etwa fünf Minuten. Dies ist eine Beispielumfrage.",
                "Which areas of action matter most to you, how do you rate the city's integration policy, and what "
                "should change? The survey takes about five minutes. This is an example survey.",
            ),
        ),
        **_translated(
            "thank_you_text",
            (
                "Ihre Antworten fließen in die Fortschreibung des Integrationskonzepts ein.",
                "Your answers feed into the update of the integration concept.",
            ),
        ),
    )
    ranking = Question.objects.create(
        survey=survey,
        page=1,
        position=1,
        code="areas",
        kind=Question.Kind.RANKING,
        rank_places=3,
        is_required=True,
        **_translated(
            "text", ("Welche Handlungsfelder sind Ihnen am wichtigsten?", "Which areas of action matter most to you?")
        ),
        **_translated(
            "help_text",
            ("Wählen Sie bis zu drei, das wichtigste zuerst.", "Choose up to three, the most important first."),
        ),
    )
    areas = _area_options(ranking, edition)
    policy = Question.objects.create(
        survey=survey,
        page=1,
        position=2,
        code="policy",
        kind=Question.Kind.LIKERT,
        **_translated(
            "text",
            (
                "Wie bewerten Sie die Integrationspolitik der Stadt insgesamt?",
                "How do you rate the city's integration policy overall?",
            ),
        ),
    )
    policy_options = _scale_options(policy, POLICY_LABELS)
    attended = Question.objects.create(
        survey=survey,
        page=2,
        position=1,
        code="attended",
        kind=Question.Kind.SINGLE_CHOICE,
        **_translated(
            "text",
            (
                "Haben Sie an einer Veranstaltung des Beteiligungsverfahrens teilgenommen?",
                "Did you take part in an event of the participation procedure?",
            ),
        ),
    )
    yes_no = Option.objects.bulk_create(
        [
            Option(question=attended, code="yes", value=1, position=1, **_translated("label", ("Ja", "Yes"))),
            Option(question=attended, code="no", value=2, position=2, **_translated("label", ("Nein", "No"))),
        ]
    )
    event_rating = Question.objects.create(
        survey=survey,
        page=3,
        position=1,
        code="event_rating",
        kind=Question.Kind.LIKERT,
        condition_question=attended,
        condition_option=yes_no[0],
        **_translated("text", ("Wie hilfreich war die Veranstaltung für Sie?", "How useful was the event for you?")),
    )
    event_options = _scale_options(
        event_rating,
        (
            ("Gar nicht", "Not at all"),
            ("Wenig", "A little"),
            ("Mittel", "Somewhat"),
            ("Ziemlich", "Quite"),
            ("Sehr", "Very"),
        ),
    )
    wish = Question.objects.create(
        survey=survey,
        page=3,
        position=2,
        code="wish",
        kind=Question.Kind.FREE_TEXT,
        max_length=2000,
        **_translated(
            "text", ("Was sollte sich in der Integrationspolitik ändern?", "What should change in integration policy?")
        ),
        **_translated("help_text", ("Sie können in jeder Sprache schreiben.", "You may write in any language.")),
    )

    appeal = np.array(AREA_APPEAL[: len(areas)] + (1.0,) * max(0, len(areas) - len(AREA_APPEAL)))
    start = datetime.date(2016, 10, 10)
    responses = []
    for _index in range(ONLINE_RESPONSES):
        background = rng.random() < 0.46
        responses.append(
            Response(
                survey=survey,
                submitted_on=start + datetime.timedelta(days=int(rng.integers(0, 42))),
                immigrant_background=_maybe(rng, ImmigrantBackground.YES if background else ImmigrantBackground.NO),
                district=districts[int(rng.integers(0, len(districts)))] if districts and rng.random() < 0.9 else None,
                age_band=_maybe(rng, rng.choice(list(AgeBand), p=(0.06, 0.28, 0.31, 0.26, 0.09))),
                sex=_maybe(rng, rng.choice(list(Sex), p=(0.55, 0.43, 0.02))),
            )
        )
    responses = Response.objects.bulk_create(responses)
    answers = []
    for response in responses:
        count = int(rng.choice((1, 2, 3), p=(0.08, 0.12, 0.80)))
        chosen = rng.choice(len(areas), size=count, replace=False, p=appeal / appeal.sum())
        answers += [
            Answer(response=response, question=ranking, option=areas[int(item)], rank=place)
            for place, item in enumerate(chosen, start=1)
        ]
        if rng.random() < 0.95:
            value = int(rng.choice((1, 2, 3, 4, 5, DONT_KNOW), p=(0.08, 0.22, 0.33, 0.26, 0.06, 0.05)))
            answers.append(Answer(response=response, question=policy, option=_by_value(policy_options, value)))
        went = rng.random() < 0.18
        answers.append(Answer(response=response, question=attended, option=yes_no[0 if went else 1]))
        if went and rng.random() < 0.9:
            value = int(rng.choice((1, 2, 3, 4, 5), p=(0.05, 0.1, 0.25, 0.4, 0.2)))
            answers.append(Answer(response=response, question=event_rating, option=_by_value(event_options, value)))
        if rng.random() < 0.32:
            answers.append(
                Answer(response=response, question=wish, text=FREE_TEXTS[int(rng.integers(0, len(FREE_TEXTS)))])
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return survey, len(responses)


def _maybe(rng: np.random.Generator, value: str, *, skip: float = 0.06) -> str:
    """Each demographic question is optional; a few respondents leave it out."""
    return "" if rng.random() < skip else str(value)


def _by_value(options: list[Option], value: int) -> Option:
    return next(option for option in options if option.value == value)


# --- The barometer ----------------------------------------------------------------------------------------------


def _barometer(rng: np.random.Generator, edition, districts: list[Geography]) -> tuple[Barometer, dict[str, int]]:
    barometer = Barometer.objects.create(
        slug=BAROMETER_SLUG,
        is_illustrative=True,
        minimum_domains=3,
        **_translated("title", ("Integrationsbarometer (Beispiel)", "Integration barometer (example)")),
        **_translated(
            "description",
            (
                "Eine repräsentative Befragung zum Integrationsklima, alle zwei Jahre. Die Zahlen sind erfunden.",
                "A representative survey of the integration climate, every two years. The figures are invented.",
            ),
        ),
    )
    domains = {}
    for position, (code, german, english) in enumerate(DOMAINS, start=1):
        domains[code] = IndexDomain.objects.create(
            barometer=barometer,
            code=code,
            position=position,
            minimum_answered=1,
            **_translated("title", (german, english), residents_languages=False),  # the index stays de/en
        )
    items = {}
    for position, (code, german, english, domain, is_reversed, _effect, _change) in enumerate(CLIMATE_ITEMS, 1):
        items[code] = IndexItem.objects.create(
            domain=domains[domain],
            variable=f"climate_{code}",
            scale_min=1,
            scale_max=5,
            is_reversed=is_reversed,
            position=position,
            **_translated("title", (german, english), residents_languages=False),
        )
    if edition is not None:
        areas = {area.code: area for area in AreaOfAction.objects.filter(edition=edition, parent__isnull=True)}
        for area_code, kind, code in AREA_LINKS:
            if area_code in areas:
                ClimateAreaLink.objects.create(
                    barometer=barometer,
                    area=areas[area_code],
                    domain=domains[code] if kind == "domain" else None,
                    item=items[code] if kind == "item" else None,
                )
    counts: dict[str, int] = {}
    for year, size in WAVE_RESPONSES.items():
        wave = _wave(rng, barometer, year, size, districts)
        barometer_services.run_weighting(actor=None, wave=wave)
        barometer_services.compute_climate_index(actor=None, wave=wave)
        counts[f"barometer {year} responses"] = size
    return barometer, counts


def _wave(rng: np.random.Generator, barometer: Barometer, year: int, size: int, districts: list[Geography]) -> Wave:
    survey = Survey.objects.create(
        slug=f"{BAROMETER_SLUG}-{year}",
        status=Survey.Status.CLOSED,
        mode=Survey.Mode.INVITATION,
        has_demographic_block=True,
        results_are_public=True,
        is_illustrative=True,
        is_resumable=False,
        opens_on=datetime.date(year, 5, 4),
        closes_on=datetime.date(year, 6, 28),
        **_translated("title", (f"Integrationsbarometer {year} (Beispiel)", f"Integration barometer {year} (example)")),
    )
    wave = Wave.objects.create(barometer=barometer, year=year, survey=survey)
    matrix = Question.objects.create(
        survey=survey,
        page=1,
        position=1,
        code="climate",
        kind=Question.Kind.MATRIX,
        is_required=False,
        **_translated(
            "text",
            ("Wie sehr stimmen Sie den folgenden Aussagen zu?", "How far do you agree with the following statements?"),
        ),
    )
    scale = _scale_options(matrix, RATING_LABELS)
    rows = MatrixRow.objects.bulk_create(
        [
            MatrixRow(question=matrix, code=code, position=position, **_translated("text", (german, english)))
            for position, (code, german, english, *_rest) in enumerate(CLIMATE_ITEMS, start=1)
        ]
    )

    population = sum(d.population or 0 for d in districts) or DEFAULT_POPULATION
    background_share = (
        sum((d.population or 0) * _immigrant_share(d) for d in districts) / population
        if districts and all(d.population for d in districts)
        else 0.36
    )
    _margins(wave, districts, population, background_share)
    _invitations(rng, survey, size, year)

    district_weights = np.array([d.population or 1 for d in districts], dtype=float)
    # The sample over-represents people without an immigrant background, older people and some districts.
    district_bias = np.linspace(1.3, 0.7, len(districts)) if districts else np.array([])
    responses = []
    backgrounds = []
    for _index in range(size):
        background = rng.random() < background_share * 0.75
        backgrounds.append(background)
        district = None
        if districts:
            p = district_weights * district_bias
            district = districts[int(rng.choice(len(districts), p=p / p.sum()))]
        responses.append(
            Response(
                survey=survey,
                submitted_on=datetime.date(year, 5, 4) + datetime.timedelta(days=int(rng.integers(0, 55))),
                immigrant_background=ImmigrantBackground.YES if background else ImmigrantBackground.NO,
                district=district,
                age_band=str(rng.choice(AGE_BANDS, p=SAMPLE_AGE_SHARES)),
                sex=Sex.FEMALE if rng.random() < 0.54 else Sex.MALE,
            )
        )
    responses = Response.objects.bulk_create(responses)
    answers = []
    wave_shift = 0.0 if year <= 2020 else 1.0
    for response, background in zip(responses, backgrounds, strict=True):
        mood = rng.normal(0.0, 0.6)
        for row, (_code, _german, _english, _domain, is_reversed, effect, change) in zip(
            rows, CLIMATE_ITEMS, strict=True
        ):
            if rng.random() < 0.06:
                answers.append(Answer(response=response, question=matrix, row=row, option=_by_value(scale, DONT_KNOW)))
                continue
            latent = 3.3 + mood + (effect if background else 0.0) + change * wave_shift + rng.normal(0.0, 0.8)
            if is_reversed:
                latent = 2.0 + (effect if background else 0.0) + change * wave_shift + rng.normal(0.0, 0.9) - mood / 2
            value = int(min(5, max(1, round(latent))))
            answers.append(Answer(response=response, question=matrix, row=row, option=_by_value(scale, value)))
    Answer.objects.bulk_create(answers, batch_size=4000)
    return wave


def _immigrant_share(district: Geography) -> float:
    try:
        from teilhabe.monitoring.demo.content import DISTRICTS
    except ImportError:  # the monitoring demo content is optional
        return 0.36
    return next((spec.immigrant_share for spec in DISTRICTS if spec.code == district.code), 0.36)


def _margins(wave: Wave, districts: list[Geography], population: float, background_share: float) -> None:
    rows = []
    if districts:
        total = sum(d.population or 0 for d in districts)
        for district in districts:
            share = (district.population or 0) / total if total else 1 / len(districts)
            rows.append((MarginDimension.DISTRICT, district.code, population * share))
    for band, share in zip(AGE_BANDS, POPULATION_AGE_SHARES, strict=True):
        rows.append((MarginDimension.AGE_BAND, band.value, population * share))
    rows += [
        (MarginDimension.SEX, Sex.FEMALE.value, population * 0.51),
        (MarginDimension.SEX, Sex.MALE.value, population * 0.49),
    ]
    rows += [
        (MarginDimension.IMMIGRANT_BACKGROUND, ImmigrantBackground.YES.value, population * background_share),
        (MarginDimension.IMMIGRANT_BACKGROUND, ImmigrantBackground.NO.value, population * (1 - background_share)),
    ]
    PopulationMargin.objects.bulk_create(
        PopulationMargin(wave=wave, dimension=dimension, category=category, population=value)
        for dimension, category, value in rows
    )


def _invitations(rng: np.random.Generator, survey: Survey, used: int, year: int) -> None:
    """Invitation codes of the sample; ``used`` of them marked used (day only). The demo keeps no readable code."""
    codes = []
    used_days = [datetime.date(year, 5, 4) + datetime.timedelta(days=int(day)) for day in rng.integers(0, 55, used)]
    for index in range(INVITATIONS_PER_WAVE):
        code = "".join(CODE_ALPHABET[int(i)] for i in rng.integers(0, len(CODE_ALPHABET), 12))
        codes.append(
            InvitationCode(
                survey=survey,
                code_hash=hashlib.sha256(f"demo-{year}-{index}-{code}".encode()).hexdigest(),
                used_on=used_days[index] if index < used else None,
            )
        )
    InvitationCode.objects.bulk_create(codes, batch_size=2000)
