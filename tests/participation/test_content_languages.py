"""Procedure, phase and event texts in the residents' languages (docs/translations.md): each page shows the
text written for its language, German (marked lang="de") where there is none, and staff enter the texts per
language in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation

from tests.accounts.factories import UserFactory

from .factories import EventFactory, PhaseFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

DIRECTION = {"ar": "rtl", "fa": "rtl", "tr": "ltr", "uk": "ltr", "ru": "ltr"}


@pytest.fixture
def procedure():
    procedure = ProcedureFactory(
        slug="konzept",
        title_de="Fortschreibung des Konzepts",
        title_en="Update of the concept",
        title_ar="تحديث المفهوم",
        title_tr="Konseptin güncellenmesi",
        title_uk="Оновлення концепції",
        title_ru="Обновление концепции",
        # no Farsi title: the Farsi page shows the German one
        description_de="Wir schreiben das Konzept gemeinsam fort.",
        description_ar="نكتب المفهوم معًا.",
    )
    PhaseFactory(
        procedure=procedure,
        title_de="Veranstaltungen",
        title_en="Events",
        title_tr="Etkinlikler",
        starts_on=datetime.date.today() - datetime.timedelta(days=10),
        ends_on=datetime.date.today() + datetime.timedelta(days=10),
    )
    EventFactory(procedure=procedure, title_de="Stadtteilkonferenz Nord", title_ar="مؤتمر الحي الشمالي")
    return procedure


def page(client, language, name, *args):
    with translation.override(language):
        path = reverse(f"participation:{name}", args=args)
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize("language", list(DIRECTION))
def test_the_procedure_page_answers_in_each_residents_language_with_its_lang_and_dir(client, procedure, language):
    html = page(client, language, "procedure_detail", procedure.slug)
    assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in html
    title = re.search(r"<h1([^>]*)>([^<]*)</h1>", html)
    if language == "fa":
        assert title.groups() == (' lang="de" dir="ltr"', "Fortschreibung des Konzepts")
    else:
        assert title.groups() == ("", getattr(procedure, f"title_{language}"))


def test_the_arabic_procedure_page_marks_each_german_fallback(client, procedure):
    html = page(client, "ar", "procedure_detail", procedure.slug)
    assert "<p>نكتب المفهوم معًا.</p>" in html
    # the phase has no Arabic title: German, marked, also inside the translated sentence about the current one
    assert '<strong lang="de" dir="ltr">Veranstaltungen</strong>' in html
    assert re.search(r'<p class="state">[^<]*<span lang="de" dir="ltr">Veranstaltungen</span>', html)
    # the event has an Arabic title
    assert re.search(r'<a href="/ar/beteiligung/[^"]+">مؤتمر الحي الشمالي</a>', html)


def test_the_turkish_pages_mark_german_fallbacks_with_lang_only(client, procedure):
    html = page(client, "tr", "procedure_detail", procedure.slug)
    assert "<strong>Etkinlikler</strong>" in html
    assert '<p lang="de">Wir schreiben das Konzept gemeinsam fort.</p>' in html  # no dir: both run left to right
    event = procedure.events.get()
    html = page(client, "tr", "event_detail", procedure.slug, event.pk)
    assert '<h1 lang="de">Stadtteilkonferenz Nord</h1>' in html
    assert '<a href="/tr/beteiligung/konzept/">Konseptin güncellenmesi</a>' in html


def test_the_contribution_form_in_farsi_names_the_procedure_in_german_marked(client, procedure):
    html = page(client, "fa", "contribution_create", procedure.slug)
    assert '<a href="/fa/beteiligung/konzept/" lang="de" dir="ltr">Fortschreibung des Konzepts</a>' in html


def test_staff_enter_procedure_phase_and_event_texts_per_language_in_the_admin(client, procedure):
    client.force_login(UserFactory(roles=["department_admin"], is_staff=True))
    html = client.get(reverse("admin:participation_procedure_change", args=[procedure.pk])).content.decode()
    for name in ("title_de", "title_ar", "title_fa", "description_tr", "description_uk", "phases-0-title_ru"):
        assert f'name="{name}"' in html, name
    event = procedure.events.get()
    html = client.get(reverse("admin:participation_event_change", args=[event.pk])).content.decode()
    for name in ("title_fa", "summary_ar", "summary_ru"):
        assert f'name="{name}"' in html, name
