"""Open SDG attribute columns and translations (teilhabe/monitoring/opensdg_import.py, issue 14 item 1).

Units and Series describe a series, they do not split it: an indicator whose file has a Units column
still has its total series (empty breakdown key) and is assessed. Columns the repository's configuration
declares in `data_non_disaggregation_columns` are observation attributes (the note). Metadata that are
translation keys get their text from translations/<language>/.
"""

import json

import pytest

from teilhabe.monitoring import services
from teilhabe.monitoring.models import Assessment, BreakdownDimension, IndicatorVersion, Observation
from tests.monitoring.test_opensdg import make_repository
from tests.monitoring.test_opensdg_import import run

OPTIONS = """
    indicator_name: Poverty rate
    auto_progress_calculation: true
    progress_calculation_options:
    - direction: negative
      target: 5
      unit: Percent
"""


@pytest.fixture
def actor(db):
    return services.get_system_actor("import_opensdg")


def keys() -> list[str]:
    return sorted(set(Observation.objects.values_list("breakdown_key", flat=True)))


def test_a_units_column_with_one_value_is_an_attribute_and_the_total_is_assessed(tmp_path, actor):
    make_repository(
        tmp_path,
        "Year,Units,Series,Sex,Value\n2015,Percent,SI_POV,,20\n2020,Percent,SI_POV,,15\n2020,Percent,SI_POV,Women,16\n",
        OPTIONS,
    )

    run(tmp_path, actor, strict=True)

    assert keys() == ["", "sex=women"]
    assert not BreakdownDimension.objects.filter(name_en__in=["Units", "Series"]).exists()
    version = IndicatorVersion.objects.get(indicator__code="1-1-1")
    assert version.profile_parameters["opensdg"]["attributes"] == {"Units": "Percent", "Series": "SI_POV"}
    # No computation_units in the metadata: the Units attribute is the unit.
    assert version.unit_en == "Percent"
    # The option selects unit 'Percent': the rebuilt rows carry it, so the total series is assessed.
    assessment = Assessment.objects.get(indicator__code="1-1-1", series_kind="total")
    assert assessment.status != "not_available" and assessment.score is not None
    assert "1-1-1 / Percent" in assessment.components["opensdg"]


def test_a_units_column_with_several_values_tells_series_apart(tmp_path, actor):
    make_repository(tmp_path, "Year,Units,Value\n2015,Percent,20\n2020,Percent,15\n2015,Number,2000\n", OPTIONS)

    run(tmp_path, actor, strict=True)

    # One cell holds one observation: two units in one year need the unit in the key.
    assert keys() == ["units=number", "units=percent"]
    assert Assessment.objects.get(indicator__code="1-1-1", series_kind="total").score is not None


def test_configured_attribute_columns_go_to_the_note(tmp_path, actor):
    make_repository(tmp_path, "Year,Notes,Source note,Value\n2015,estimated,Census,20\n2016,,,18\n", "")
    (tmp_path / "config_data.yml").write_text(
        "data_non_disaggregation_columns:\n- Notes\n- column: Source note\n", encoding="utf-8"
    )

    run(tmp_path, actor, strict=True)

    assert keys() == [""]
    assert Observation.objects.get(period="2015").note == "Notes: estimated; Source note: Census"
    assert not BreakdownDimension.objects.filter(name_en="Notes").exists()
    version = IndicatorVersion.objects.get(indicator__code="1-1-1")
    assert version.profile_parameters["opensdg"]["attribute_columns"] == ["Notes", "Source note"]


def test_without_configuration_such_a_column_is_a_breakdown(tmp_path, actor):
    make_repository(tmp_path, "Year,Notes,Value\n2015,estimated,20\n", "")

    run(tmp_path, actor, strict=True)

    assert keys() == ["notes=estimated"]


def test_metadata_translation_keys_are_resolved_in_every_language(tmp_path, actor):
    make_repository(
        tmp_path,
        "Year,Value\n2015,1\n",
        """
        indicator_name: global_indicators.1-1-1-title
        indicator_definition: global_indicators.1-1-1-definition
        computation_units: units.percent
        """,
    )
    (tmp_path / "translations" / "en").mkdir(parents=True)
    (tmp_path / "translations" / "de").mkdir()
    (tmp_path / "translations" / "fr").mkdir()
    (tmp_path / "translations" / "en" / "global_indicators.yml").write_text(
        "1-1-1-title: Poverty rate\n1-1-1-definition: Share below the poverty line.\n", encoding="utf-8"
    )
    (tmp_path / "translations" / "en" / "units.json").write_text(json.dumps({"percent": "Percent"}), encoding="utf-8")
    (tmp_path / "translations" / "de" / "global_indicators.json").write_text(
        json.dumps({"1-1-1-title": "Armutsquote"}), encoding="utf-8"
    )
    (tmp_path / "translations" / "fr" / "global_indicators.yml").write_text(
        "1-1-1-title: Taux de pauvreté\n", encoding="utf-8"
    )

    run(tmp_path, actor, strict=True)

    version = IndicatorVersion.objects.get(indicator__code="1-1-1")
    assert (version.title_en, version.title_de) == ("Poverty rate", "Armutsquote")
    assert (version.definition_en, version.unit_en) == ("Share below the poverty line.", "Percent")
    assert version.profile_parameters["opensdg"]["names"] == {"fr": "Taux de pauvreté"}
