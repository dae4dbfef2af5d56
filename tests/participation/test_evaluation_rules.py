"""The rules of a disposition, enforced by the service, and the evaluation form's pickers without JavaScript."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import translation

from teilhabe.participation import services
from teilhabe.participation.forms import EvaluationForm
from teilhabe.participation.models import Evaluation
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    EditionFactory,
    IndicatorVersionFactory,
    MeasureFactory,
)

from .factories import ContributionFactory, ProcedureFactory, authority_staff, department_admin

pytestmark = pytest.mark.django_db

LONG = "Wir bauen das Angebot an Sprachkursen mit Kinderbetreuung in allen Bezirken aus."


@pytest.fixture
def item():
    edition = EditionFactory(code="e2017")
    kita = AreaOfActionFactory(edition=edition, code="kita", title="Frühkindliche Bildung")
    work = AreaOfActionFactory(edition=edition, code="arbeit", title="Arbeitsmarkt")
    procedure = ProcedureFactory(slug="konzept", edition=edition)
    contribution = ContributionFactory(procedure=procedure, areas=[kita])
    department, lead = department_admin(), authority_staff(AuthorityFactory(code="schools", name="Schulbehörde"))
    services.assign_review(actor=department, review=contribution.review, lead_authority=lead.authority)
    services.start_review(actor=lead, review=contribution.review)
    kita_indicator = IndicatorVersionFactory(edition=edition, area=kita, title="Kita-Besuchsquote").indicator
    work_indicator = IndicatorVersionFactory(edition=edition, area=work, title="Erwerbstätigenquote").indicator
    return {
        "review": contribution.review,
        "lead": lead,
        "procedure": procedure,
        "kita_indicator": kita_indicator,
        "work_indicator": work_indicator,
        "measure": MeasureFactory(title="Sprachcafé", authority=lead.authority),
    }


BROKEN = [
    pytest.param(
        {"disposition": "taken_up_as_measure", "justification": LONG}, "measures", id="measure-without-measure"
    ),
    pytest.param({"disposition": "informs_indicator", "justification": LONG}, "indicators", id="informs-without-link"),
    pytest.param(
        {"disposition": "outside_competence", "justification": LONG, "competent_level": "  "},
        "competent_level",
        id="outside-without-level",
    ),
    pytest.param({"disposition": "no_data", "justification": LONG}, "data_needed", id="no-data-without-data"),
    pytest.param({"disposition": "declined", "justification": "x"}, "justification", id="one-letter-justification"),
    pytest.param(
        {"disposition": "declined", "justification": "Zu kurz begründet, siehe oben."},
        "justification",
        id="justification-under-minimum",
    ),
    pytest.param(
        {"disposition": "declined", "justification": LONG, "justification_en": "Too short."},
        "justification_en",
        id="english-under-minimum",
    ),
]


@pytest.mark.parametrize(("arguments", "field"), BROKEN)
def test_each_rule_refuses_and_nothing_is_stored(item, arguments, field):
    """The service refuses, names the field, and neither the draft nor the state changes."""
    review = item["review"]
    log_before = review.log.count()
    with pytest.raises(ValidationError) as caught:
        services.draft_evaluation(actor=item["lead"], review=review, **arguments)
    assert field in caught.value.message_dict
    review.refresh_from_db()
    assert review.state == "in_review" and review.log.count() == log_before
    assert not Evaluation.objects.exists()


def test_a_refused_redraft_keeps_the_earlier_draft(item):
    review, lead = item["review"], item["lead"]
    services.draft_evaluation(
        actor=lead, review=review, disposition="taken_up_as_measure", justification=LONG, measures=[item["measure"]]
    )
    with pytest.raises(ValidationError):
        services.draft_evaluation(actor=lead, review=review, disposition="taken_up_as_measure", justification=LONG)
    draft = Evaluation.objects.get()
    assert list(draft.measures.all()) == [item["measure"]] and draft.disposition == "taken_up_as_measure"


def test_minimum_length_is_a_setting(item, settings):
    settings.TEILHABE_MIN_JUSTIFICATION_LENGTH = 5
    services.draft_evaluation(actor=item["lead"], review=item["review"], disposition="declined", justification="Nein.")
    assert Evaluation.objects.get().justification == "Nein."


@pytest.mark.parametrize(
    ("arguments", "stored"),
    [
        ({"disposition": "informs_indicator", "targets": []}, "indicators"),
        ({"disposition": "outside_competence", "competent_level": "Bund"}, "competent_level"),
        ({"disposition": "no_data", "data_needed": "Kita-Besuch nach Herkunft"}, "data_needed"),
    ],
)
def test_what_the_rules_ask_for_is_stored(item, arguments, stored):
    if stored == "indicators":
        arguments = {**arguments, "indicators": [item["kita_indicator"]]}
    services.draft_evaluation(actor=item["lead"], review=item["review"], justification=LONG, **arguments)
    evaluation = Evaluation.objects.get()
    value = list(evaluation.indicators.all()) if stored == "indicators" else getattr(evaluation, stored)
    assert value == arguments[stored]


def test_justification_in_german_and_english(item):
    english = "We are expanding language courses with childcare in every district."
    services.draft_evaluation(
        actor=item["lead"], review=item["review"], disposition="declined", justification=LONG, justification_en=english
    )
    evaluation = Evaluation.objects.get()
    with translation.override("de"):
        assert evaluation.justification == LONG
    with translation.override("en"):
        assert evaluation.justification == english
    assert (evaluation.justification_de, evaluation.justification_en) == (LONG, english)


def test_english_pages_fall_back_to_the_german_justification(item):
    services.draft_evaluation(actor=item["lead"], review=item["review"], disposition="declined", justification=LONG)
    with translation.override("en"):
        assert Evaluation.objects.get().justification == LONG


# --- The form, rendered as a browser without JavaScript gets it -----------------------------------------


def _rendered(form: EvaluationForm) -> str:
    return form.render()


def test_pickers_label_indicators_measures_and_targets_for_people(item):
    from tests.monitoring.factories import TargetFactory

    target = TargetFactory(indicator=item["kita_indicator"], edition=item["procedure"].edition, target_value=54.7)
    form = EvaluationForm(procedure=item["procedure"], review=item["review"])
    html = _rendered(form)
    version = item["kita_indicator"].versions.get()
    assert f"{item['kita_indicator'].code} – Kita-Besuchsquote (Frühkindliche Bildung)" in html
    assert "Sprachcafé – Schulbehörde" in html
    # The target's value in its unit as English writes it (CLDR: "54.7%", no space), then its year.
    assert version.unit == "%"
    assert f"54.7% ({target.target_year})" in html


def test_the_items_own_areas_come_first(item):
    form = EvaluationForm(procedure=item["procedure"], review=item["review"])
    indicators = next(picker for picker in form.pickers if picker["name"] == "indicators")
    assert [option["value"] for option in indicators["own"]] == [str(item["kita_indicator"].pk)]
    assert str(item["work_indicator"].pk) in [option["value"] for option in indicators["other"]]


def test_search_narrows_the_list_and_keeps_what_is_chosen(item):
    """The search button sends the form back: the list narrows, chosen items and typed text stay, no errors."""
    data = QueryDict(mutable=True)
    data.update({"disposition": "informs_indicator", "justification": "Entwurf", "indicators_search": "erwerbs"})
    data.setlist("measures", [str(item["measure"].pk)])
    data["picker_search"] = "indicators"
    form = EvaluationForm.for_search(data, procedure=item["procedure"], review=item["review"])
    html = _rendered(form)
    assert "Erwerbstätigenquote" in html and "Kita-Besuchsquote" not in html
    assert f'value="{item["measure"].pk}" id="id_measures_{item["measure"].pk}" checked' in html
    assert "Entwurf</textarea>" in html and 'value="erwerbs"' in html
    assert "errorlist" not in html


def test_every_disposition_is_shown_with_what_it_means(item):
    html = _rendered(EvaluationForm(procedure=item["procedure"], review=item["review"]))
    for value, _label in Evaluation.Disposition.choices:
        assert 'id="id_disposition_' in html and f'value="{value}"' in html
    assert "name the level that can" in html and "say which data would be needed" in html


def test_the_service_error_is_shown_at_its_field(item, client):
    client.force_login(item["lead"])
    response = client.post(
        f"/en/beteiligung/arbeit/vorgaenge/{item['review'].pk}/aktion/draft/",
        {"disposition": "taken_up_as_measure", "justification": LONG},
    )
    assert response.status_code == 400
    assert "id_measures_error" in response.content.decode()
    assert not Evaluation.objects.exists()
