"""Contributions across languages: offline detection, staff corrections, machine translation for staff through
the city's own LibreTranslate server (a local stand-in here), and justifications in the resident's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from teilhabe.participation import languages, machine_translation, queries, services
from teilhabe.participation.models import Contribution, JustificationTranslation, MachineTranslation
from tests.accounts.factories import AuthorityFactory

from .factories import ContributionFactory, ProcedureFactory, authority_staff, department_admin, evaluate, moderator
from .libretranslate_standin import StandIn

ACCEPTED = ["de", "en", "ar", "tr", "fa", "prs", "ps", "kmr", "ru", "uk", "pl", "ro", "bg", "ti", "so", "fr", "es"]
ARABIC = "نحتاج إلى المزيد من دورات اللغة مع رعاية الأطفال في كل حي"
ARABIC_IN_GERMAN = "Wir brauchen mehr Sprachkurse mit Kinderbetreuung in jedem Stadtteil"
JUSTIFICATION_AR = "سنقدم دورات لغة مع رعاية الأطفال في جميع الأحياء السبعة ابتداءً من الخريف القادم."


@pytest.mark.parametrize(
    ("label", "text", "accepted", "expected"),
    [
        ("German", "Wir brauchen mehr Kitaplätze und längere Öffnungszeiten im Stadtteil", ACCEPTED, "de"),
        ("Arabic", ARABIC, ACCEPTED, "ar"),
        ("Persian", "ما به کلاس های زبان بیشتری با مراقبت از کودکان نیاز داریم", ACCEPTED, "fa"),
        ("Turkish", "Mahallemizde çocuk bakımı olan daha fazla dil kursu istiyoruz", ACCEPTED, "tr"),
        ("Ukrainian", "Нам потрібно більше мовних курсів з доглядом за дітьми", ACCEPTED, "uk"),
        ("Russian", "Нам нужно больше языковых курсов с присмотром за детьми", ACCEPTED, "ru"),
        ("one word tells nothing", "Kita", ACCEPTED, None),
        ("empty", "   ", ACCEPTED, None),
        (
            "only languages the city accepts",
            "Нам нужно больше языковых курсов с присмотром за детьми",
            ["de", "uk"],
            "uk",
        ),
        ("one accepted language needs no detection", "anything at all", ["de"], "de"),
    ],
)
def test_detect_language(label, text, accepted, expected):
    assert languages.detect_language(text, accepted) == expected, label


def test_languages_the_detector_does_not_know_are_left_out_and_dari_counts_as_persian():
    assert languages.detectable(["de", "prs", "ps", "kmr", "ti"]) == {"de", "fa"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("chosen", "text", "page_language", "expected"),
    [
        ("tr", ARABIC, "de", ("tr", "chosen")),  # what the writer chose wins, even over the detector
        ("", ARABIC, "de", ("ar", "detected")),
        ("", "Kita", "uk", ("uk", "assumed")),  # not detectable: the page's language, marked as assumed
        ("", "Kita", "xx", ("de", "assumed")),
    ],
)
def test_settle_language(chosen, text, page_language, expected):
    assert services.settle_language(title="", text=text, chosen=chosen, page_language=page_language) == expected


@pytest.mark.django_db
def test_a_resident_who_does_not_choose_gets_the_detected_language(client):
    """The online form left at 'recognise it from my text' stores the detected language, marked as detected."""
    procedure = ProcedureFactory(is_open_for_contributions=True)
    url = reverse("participation:contribution_create", kwargs={"slug": procedure.slug})
    response = client.post(url, {"kind": "proposal", "title": "", "text": ARABIC, "language": ""})
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.language, contribution.language_origin) == ("ar", "detected")


@pytest.fixture
def people():
    lead = AuthorityFactory(code="schools", name="School authority")
    return {
        "department": department_admin(),
        "lead": authority_staff(lead),
        "outsider": authority_staff(AuthorityFactory(code="housing", name="Housing authority")),
        "moderator": moderator(),
    }


@pytest.mark.django_db
def test_staff_correct_the_language_and_the_history_keeps_it(people):
    contribution = ContributionFactory(text=ARABIC, language="fa")
    services.correct_contribution_language(actor=people["moderator"], contribution=contribution, language="ar")
    contribution.refresh_from_db()
    assert (contribution.language, contribution.language_origin) == ("ar", "corrected")
    assert contribution.history.first().history_user == people["moderator"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "language", "error"),
    [
        ("outsider", "ar", PermissionDenied),  # an authority the item is not assigned to
        ("department", "xx", ValidationError),
        ("department", "fa", ValidationError),  # no change
    ],
)
def test_language_correction_refused_changes_nothing(people, who, language, error):
    contribution = ContributionFactory(text=ARABIC, language="fa")
    with pytest.raises(error):
        services.correct_contribution_language(actor=people[who], contribution=contribution, language=language)
    contribution.refresh_from_db()
    assert (contribution.language, contribution.language_origin) == ("fa", "chosen")


# --- The client against a stand-in LibreTranslate server -------------------------------------------------


def test_client_translates_a_list_of_texts_and_names_the_engine():
    with StandIn(api_key="k3y", dictionary={ARABIC: ARABIC_IN_GERMAN}) as server:
        client = machine_translation.LibreTranslateClient(server.url, api_key="k3y", timeout=5)
        answer = client.translate(["Titel", ARABIC], source="prs", target="de")
    assert answer.texts == ("[de] Titel", ARABIC_IN_GERMAN)
    assert answer.engine == f"LibreTranslate ({server.url.removeprefix('http://')})"
    assert server.requests == [
        {
            "path": "/translate",
            "body": {"q": ["Titel", ARABIC], "source": "fa", "target": "de", "format": "text", "api_key": "k3y"},
        }
    ]


@pytest.mark.parametrize(
    ("label", "setup", "message"),
    [
        ("wrong key", {"api_key": "other"}, "The translation server answered 403: Invalid API key"),
        (
            "error answer",
            {"fail_with": (500, "Cannot translate text: model crashed")},
            "The translation server answered 500: Cannot translate text: model crashed",
        ),
        ("unsupported language", {"source": "ps"}, "The translation server answered 400: ps is not supported"),
        ("timeout", {"delay_seconds": 1.5}, "The translation server did not answer within 0.5 seconds."),
    ],
)
def test_client_reports_errors_and_timeouts(label, setup, message):
    with StandIn(api_key=setup.get("api_key", "")) as server:
        server.fail_with = setup.get("fail_with")
        server.delay_seconds = setup.get("delay_seconds", 0)
        client = machine_translation.LibreTranslateClient(server.url, timeout=0.5)
        with pytest.raises(machine_translation.TranslationError) as raised:
            client.translate([ARABIC], source=setup.get("source", "ar"), target="de")
    assert str(raised.value) == message, label


def test_client_reports_an_unreachable_server():
    with StandIn() as server:
        url = server.url
    client = machine_translation.LibreTranslateClient(url, timeout=2)
    with pytest.raises(machine_translation.TranslationError, match="could not be reached"):
        client.translate([ARABIC], source="ar", target="de")


def test_client_refuses_an_address_that_is_not_http():
    with pytest.raises(machine_translation.TranslationError, match="is not an http"):
        machine_translation.LibreTranslateClient("file:///etc/passwd")


# --- The service: stored with engine and date, for staff only; nothing sent without configuration ----------


@pytest.mark.django_db
def test_without_a_configured_server_nothing_is_sent_and_nothing_shown(
    settings, people, client, django_capture_on_commit_callbacks
):
    settings.TEILHABE_TRANSLATION_URL = ""
    with StandIn() as server, django_capture_on_commit_callbacks(execute=True):
        contribution = services.submit_online_contribution(
            procedure=ProcedureFactory(is_open_for_contributions=True),
            kind="proposal",
            title="",
            text=ARABIC,
            language="",
        )
        with pytest.raises(ValidationError, match="No translation server is configured"):
            services.translate_contribution(contribution=contribution, actor=people["department"])
    assert server.requests == []
    assert not MachineTranslation.objects.exists()
    client.force_login(people["department"])
    page = client.get(contribution.review.get_absolute_url()).content.decode()
    assert "Machine translation into German" not in page


@pytest.mark.django_db
def test_a_new_contribution_is_translated_in_the_background_and_kept_with_engine_and_date(
    settings, django_capture_on_commit_callbacks
):
    with StandIn(dictionary={ARABIC: ARABIC_IN_GERMAN}) as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        with django_capture_on_commit_callbacks(execute=True):  # the job is queued after the commit
            contribution = services.submit_online_contribution(
                procedure=ProcedureFactory(is_open_for_contributions=True),
                kind="proposal",
                title="",
                text=ARABIC,
                language="",
            )
    translation = MachineTranslation.objects.get(contribution=contribution)
    assert (translation.source_language, translation.target_language, translation.text) == (
        "ar",
        "de",
        ARABIC_IN_GERMAN,
    )
    assert translation.engine.startswith("LibreTranslate (127.0.0.1:")
    assert translation.translated_at is not None and translation.requested_by is None
    # Never the resident's words: the public page and the API show the original only.
    contribution.refresh_from_db()
    assert contribution.text == ARABIC


@pytest.mark.django_db
def test_a_german_contribution_is_not_sent(settings, django_capture_on_commit_callbacks):
    with StandIn() as server, django_capture_on_commit_callbacks(execute=True):
        settings.TEILHABE_TRANSLATION_URL = server.url
        services.submit_online_contribution(
            procedure=ProcedureFactory(is_open_for_contributions=True),
            kind="proposal",
            title="",
            text="Wir brauchen mehr Sprachkurse mit Kinderbetreuung.",
            language="de",
        )
    assert server.requests == []


@pytest.mark.django_db
def test_a_failing_server_is_reported_to_staff_and_stores_nothing(settings, people, client):
    contribution = ContributionFactory(text=ARABIC, language="ar")
    with StandIn() as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        server.fail_with = (500, "Cannot translate text")
        client.force_login(people["department"])
        response = client.post(
            reverse("participation:contribution_translate", kwargs={"pk": contribution.pk}), follow=True
        )
    assert response.status_code == 200
    assert "The machine translation failed: The translation server answered 500: Cannot translate text" in (
        response.content.decode()
    )
    assert not MachineTranslation.objects.exists()


@pytest.mark.django_db
def test_an_outsider_cannot_ask_for_a_translation(settings, people):
    contribution = ContributionFactory(text=ARABIC, language="ar")
    with StandIn() as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        with pytest.raises(PermissionDenied):
            services.translate_contribution(contribution=contribution, actor=people["outsider"])
    assert server.requests == []


@pytest.mark.django_db
def test_an_edit_for_anonymisation_removes_the_old_translation(settings, people, django_capture_on_commit_callbacks):
    """The translation of the text as written would keep the removed details; the new one is asked for."""
    contribution = ContributionFactory(text=ARABIC, language="ar")
    with StandIn() as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        services.translate_contribution(contribution=contribution, actor=people["department"])
        assert queries.get_staff_translation(contribution).text == f"[de] {ARABIC}"
        server.fail_with = (503, "busy")  # the re-translation queued by the edit fails (logged, not raised)
        with django_capture_on_commit_callbacks(execute=True):
            services.edit_contribution_for_anonymisation(
                actor=people["department"], contribution=contribution, title="", text=ARABIC + " شكرا"
            )
        assert len(server.requests) == 2
    contribution.refresh_from_db()
    assert queries.get_staff_translation(contribution) is None
    assert not MachineTranslation.objects.exists()  # the translation of the text as written is gone


@pytest.mark.django_db
def test_similar_contributions_meet_through_the_german_translation(settings, people):
    """An Arabic proposal and a German one share no word; their German translations do."""
    procedure = ProcedureFactory()
    german = ContributionFactory(procedure=procedure, text=ARABIC_IN_GERMAN, language="de")
    arabic = ContributionFactory(procedure=procedure, text=ARABIC, language="ar")
    ContributionFactory(procedure=procedure, text="Die Radwege im Norden sind zu schmal und gefährlich.")
    assert [match.contribution for match in queries.list_similar_contributions(arabic)] == []
    with StandIn(dictionary={ARABIC: ARABIC_IN_GERMAN}) as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        services.translate_contribution(contribution=arabic, actor=people["department"])
    assert [match.contribution for match in queries.list_similar_contributions(arabic)] == [german]
    assert [match.contribution for match in queries.list_similar_contributions(german)] == [arabic]


# --- The justification in the resident's language -----------------------------------------------------


@pytest.fixture
def answered(people):
    contribution = ContributionFactory(text=ARABIC, language="ar", contact_email="", title="")
    evaluation = evaluate(contribution.review, department=people["department"], lead=people["lead"])
    return contribution, evaluation


@pytest.mark.django_db
def test_staff_add_the_justification_in_arabic_and_the_receipt_shows_it_first(people, answered, client):
    contribution, evaluation = answered
    services.save_justification_translation(
        actor=people["lead"], evaluation=evaluation, language="ar", text=JUSTIFICATION_AR
    )
    with translation.override("ar"):
        page = client.get(contribution.get_receipt_url()).content.decode()
    assert '<html lang="ar" dir="rtl"' in page
    arabic = page.index(f'<p class="contribution-text" lang="ar" dir="rtl">{JUSTIFICATION_AR}</p>')
    german = page.index(f'<p class="contribution-text" lang="de" dir="ltr">{evaluation.justification}</p>')
    assert arabic < german


@pytest.mark.django_db
def test_a_machine_assisted_translation_is_marked_so(people, answered):
    _contribution, evaluation = answered
    translation = services.save_justification_translation(
        actor=people["department"],
        evaluation=evaluation,
        language="ar",
        text=JUSTIFICATION_AR,
        is_machine_assisted=True,
        engine="LibreTranslate (translate.example.org)",
    )
    assert (translation.origin, translation.approved_by) == ("machine_approved", people["department"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "fields", "error"),
    [
        ("outsider", {"language": "ar", "text": JUSTIFICATION_AR}, PermissionDenied),
        ("moderator", {"language": "ar", "text": JUSTIFICATION_AR}, PermissionDenied),
        ("lead", {"language": "de", "text": JUSTIFICATION_AR}, ValidationError),  # German is the original
        ("lead", {"language": "ar", "text": "قصير"}, ValidationError),  # too short to explain
        ("lead", {"language": "ar", "text": JUSTIFICATION_AR, "is_machine_assisted": True}, ValidationError),
    ],
)
def test_justification_translation_refused_changes_nothing(people, answered, who, fields, error):
    _contribution, evaluation = answered
    with pytest.raises(error):
        services.save_justification_translation(actor=people[who], evaluation=evaluation, **fields)
    assert not JustificationTranslation.objects.exists()


@pytest.mark.django_db
def test_the_mail_to_the_resident_gives_their_language_first_and_german_beside(
    people, django_capture_on_commit_callbacks
):
    contribution = ContributionFactory(text=ARABIC, language="ar")
    Contribution.objects.filter(pk=contribution.pk).update(
        contact_email="r@example.org",
        contact_consent_at="2026-01-01T00:00:00Z",
        contact_confirmed_at="2026-01-01T00:00:00Z",
    )
    evaluation = None
    review = contribution.review
    services.assign_review(actor=people["department"], review=review, lead_authority=people["lead"].authority)
    services.start_review(actor=people["lead"], review=review)
    evaluation = services.draft_evaluation(
        actor=people["lead"],
        review=review,
        disposition="already_in_place",
        justification="Sprachkurse mit Kinderbetreuung gibt es bereits in allen Bezirken der Stadt.",
    )
    services.save_justification_translation(
        actor=people["lead"], evaluation=evaluation, language="ar", text=JUSTIFICATION_AR
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_evaluation(actor=people["department"], review=review)
    body = mail.outbox[-1].body
    assert body.index(JUSTIFICATION_AR) < body.index("Sprachkurse mit Kinderbetreuung gibt es bereits")


@pytest.mark.django_db
def test_a_translation_of_another_text_is_not_shown(settings, people):
    """A text changed by any other way (the admin, a data fix) no longer matches its stored translation."""
    contribution = ContributionFactory(text=ARABIC, language="ar")
    with StandIn() as server:
        settings.TEILHABE_TRANSLATION_URL = server.url
        services.translate_contribution(contribution=contribution, actor=people["department"])
    Contribution.objects.filter(pk=contribution.pk).update(text=ARABIC + " شكرا")
    contribution.refresh_from_db()
    assert queries.get_staff_translation(contribution) is None
    assert MachineTranslation.objects.count() == 1
