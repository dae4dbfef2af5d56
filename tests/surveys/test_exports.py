"""Downloads: the .sav read back with its labels, CSV and XLSX with the same layout, formulas kept as text."""

import csv
import datetime
import io
import itertools
import math

import openpyxl
import pyreadstat
import pytest

from teilhabe.surveys import exports, services
from teilhabe.surveys.models import Response
from tests.monitoring.factories import DistrictFactory
from tests.surveys.factories import all_kinds_survey

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 5, 6)


@pytest.fixture
def answered():
    """Two responses: one answering everything, one answering little (so missing values show)."""
    kinds = all_kinds_survey(has_demographic_block=True)
    district = DistrictFactory(name="Nord", position=1)
    services.submit_response(
        survey=kinds.survey,
        on=DAY,
        answers={
            kinds.single.pk: kinds.option(kinds.single, "yes").pk,
            kinds.multiple.pk: (kinds.option(kinds.multiple, "web").pk,),
            kinds.ranking.pk: (kinds.option(kinds.ranking, "work").pk, kinds.option(kinds.ranking, "health").pk),
            kinds.likert.pk: kinds.option(kinds.likert, "dk").pk,
            kinds.matrix.pk: {kinds.row("welcome").pk: kinds.option(kinds.matrix, "p4").pk},
            kinds.number.pk: 12.5,
            kinds.free_text.pk: '=HYPERLINK("http://evil")',
        },
        demographics=services.Demographics(
            immigrant_background="yes", district=district, age_band="45_64", sex="female"
        ),
    )
    services.submit_response(
        survey=kinds.survey,
        on=DAY,
        answers={
            kinds.single.pk: kinds.option(kinds.single, "no").pk,
        },
    )
    return kinds


def read_sav(survey, tmp_path):
    path = tmp_path / "export.sav"
    path.write_bytes(exports.export_survey(survey, "sav"))
    return pyreadstat.read_sav(str(path), user_missing=True)


def test_sav_has_one_variable_per_answer_with_codes(answered, tmp_path):
    frame, meta = read_sav(answered.survey, tmp_path)
    assert meta.column_names == [
        "response_id",
        "submitted_on",
        "single",
        "channels_press",
        "channels_web",
        "channels_friends",
        "areas_school",
        "areas_work",
        "areas_housing",
        "areas_health",
        "policy",
        "climate_welcome",
        "climate_neighbours",
        "years",
        "wish",
        "immigrant_background",
        "district",
        "age_band",
        "sex",
    ]
    # Rows come in a random order: the full answers are the row with single = 1.
    (first,) = [row for row in frame.to_dict("records") if row["single"] == 1]
    (second,) = [row for row in frame.to_dict("records") if row["single"] == 2]
    assert (first["single"], first["channels_press"], first["channels_web"], first["channels_friends"]) == (1, 0, 1, 0)
    assert (first["areas_work"], first["areas_health"]) == (1, 2)  # one place variable per item
    assert math.isnan(first["areas_school"]) and math.isnan(first["areas_housing"])  # not ranked
    assert first["policy"] == 9  # "don't know" keeps its code ...
    assert first["climate_welcome"] == 4 and math.isnan(first["climate_neighbours"])
    assert first["years"] == 12.5
    assert first["wish"] == '=HYPERLINK("http://evil")'  # the .sav keeps text as it was written
    assert (first["immigrant_background"], first["district"], first["age_band"], first["sex"]) == (1, 1, 4, 1)
    assert first["submitted_on"] == DAY
    assert second["single"] == 2
    assert all(math.isnan(second[name]) for name in ("channels_press", "areas_work", "policy", "years"))
    assert second["wish"] == ""


def test_sav_carries_variable_labels_value_labels_and_user_missing(answered, tmp_path):
    _frame, meta = read_sav(answered.survey, tmp_path)
    labels = meta.column_names_to_labels
    assert labels["single"] == "Do you live in the city?"  # the language of the download; German where no English
    assert labels["channels_web"] == "Wie haben Sie von der Umfrage erfahren?: Internet"
    assert labels["areas_work"] == "Welche Handlungsfelder sind am wichtigsten?: Arbeit (place)"
    assert labels["climate_welcome"] == "Wie sehr stimmen Sie zu?: Ich fühle mich willkommen."
    values = meta.variable_value_labels
    assert values["single"] == {1.0: "yes", 2.0: "no"}
    assert values["channels_web"] == {0.0: "not selected", 1.0: "selected"}
    assert values["policy"] == {
        1.0: "stimme gar nicht zu",
        2.0: "eher nicht",
        3.0: "teils, teils",
        4.0: "eher",
        5.0: "stimme voll zu",
        9.0: "weiß nicht",
    }
    assert values["immigrant_background"] == {
        1.0: "With an immigrant background",
        2.0: "Without an immigrant background",
    }
    assert values["district"] == {1.0: "Nord"}
    assert meta.missing_ranges == {
        "policy": [{"lo": 9.0, "hi": 9.0}],
        "climate_welcome": [{"lo": 9.0, "hi": 9.0}],
        "climate_neighbours": [{"lo": 9.0, "hi": 9.0}],
    }
    assert meta.variable_measure["policy"] == "ordinal" and meta.variable_measure["years"] == "scale"
    assert "areas_work" not in values


def test_dont_know_is_missing_when_spss_applies_user_missing(answered, tmp_path):
    path = tmp_path / "export.sav"
    path.write_bytes(exports.export_survey(answered.survey, "sav"))
    frame, _meta = pyreadstat.read_sav(str(path), user_missing=False)
    assert frame["policy"].isna().all()


def test_csv_has_the_same_columns_and_codes_and_defuses_formulas(answered):
    content = exports.export_survey(answered.survey, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 2
    (first,) = [row for row in rows if row["single"] == "1"]
    assert (
        first["single"],
        first["channels_web"],
        first["areas_work"],
        first["areas_school"],
        first["policy"],
        first["years"],
        first["submitted_on"],
    ) == ("1", "1", "1", "", "9", "12.5", "2024-05-06")
    assert first["wish"] == '\'=HYPERLINK("http://evil")'


def test_xlsx_has_data_variables_and_values_sheets_and_text_stays_text(answered):
    workbook = openpyxl.load_workbook(io.BytesIO(exports.export_survey(answered.survey, "xlsx")))
    assert workbook.sheetnames == ["data", "variables", "values"]
    data = list(workbook["data"].iter_rows(values_only=True))
    header = data[0]
    (position,) = [number for number, row in enumerate(data[1:], start=2) if row[header.index("single")] == 1]
    first = dict(zip(header, data[position - 1], strict=True))
    assert header[:3] == ("response_id", "submitted_on", "single")
    assert (first["single"], first["areas_health"], first["policy"], first["years"]) == (1, 2, 9, 12.5)
    cell = workbook["data"].cell(row=position, column=header.index("wish") + 1)
    assert cell.data_type == "s" and cell.value == '\'=HYPERLINK("http://evil")'
    variables = {row[0]: row for row in workbook["variables"].iter_rows(min_row=2, values_only=True)}
    assert variables["policy"][1:] == ("Die Integrationspolitik der Stadt ist gut.", "ordinal", "9")
    values = [row for row in workbook["values"].iter_rows(min_row=2, values_only=True) if row[0] == "single"]
    assert values == [("single", 1, "yes"), ("single", 2, "no")]


def test_an_export_of_a_survey_without_responses_has_the_columns_only(tmp_path):
    kinds = all_kinds_survey()
    frame, meta = read_sav(kinds.survey, tmp_path)
    assert len(frame) == 0 and "areas_work" in meta.column_names
    assert exports.export_survey(kinds.survey, "csv").decode("utf-8-sig").startswith("response_id,submitted_on,")
    assert Response.objects.count() == 0


def test_the_download_is_an_attachment_not_cached(answered, client):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory(roles=["analyst"]))
    response = client.get(f"/en/umfragen/{answered.survey.slug}/export.sav")
    assert response["Content-Type"] == "application/x-spss-sav"
    assert response["Content-Disposition"].startswith(f'attachment; filename="{answered.survey.slug}-')
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response.content[:4] == b"$FL2"


# --- Issue 11 finding 9: submission order cannot be read from a download ---------------------------------------


def test_downloads_name_responses_by_random_ids_in_no_order_of_submission(tmp_path):
    # given: five responses submitted one after another (the attacker matches their order to access logs)
    kinds = all_kinds_survey()
    submitted = []
    for _ in range(5):
        services.submit_response(
            survey=kinds.survey, on=DAY, answers={kinds.single.pk: kinds.option(kinds.single, "yes").pk}
        )
        submitted.append(Response.objects.latest("pk"))
    primary_keys = {str(response.pk) for response in submitted}
    in_order_of_submission = [str(response.public_id) for response in submitted]
    # when: the analyst downloads every format
    csv_ids = [
        row["response_id"]
        for row in csv.DictReader(io.StringIO(exports.export_survey(kinds.survey, "csv").decode("utf-8-sig")))
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(exports.export_survey(kinds.survey, "xlsx")))["data"]
    xlsx_ids = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    frame, meta = read_sav(kinds.survey, tmp_path)
    sav_ids = list(frame["response_id"])
    # then: every format shows the random ids, none is a primary key or a number at all ...
    for ids in (csv_ids, xlsx_ids, sav_ids):
        assert sorted(ids) == sorted(in_order_of_submission)
        assert not primary_keys & set(ids)
        assert not any(str(identifier).isdigit() for identifier in ids)
    assert meta.readstat_variable_types["response_id"] == "string"
    # ... and the rows are in the order of those random ids, which is not the order of submission:
    # the same order in every format, unrelated to the primary keys that grow with each submission.
    assert csv_ids == xlsx_ids == sav_ids == sorted(in_order_of_submission)


def test_random_ids_put_submissions_in_a_different_order_than_they_arrived():
    # 40 responses: rows in submission order would give 39 ascending neighbours (0 if newest first).
    kinds = all_kinds_survey()
    for _ in range(40):
        services.submit_response(
            survey=kinds.survey, on=DAY, answers={kinds.single.pk: kinds.option(kinds.single, "yes").pk}
        )
    by_key = {str(public_id): pk for pk, public_id in Response.objects.values_list("pk", "public_id")}
    ids = [
        row["response_id"]
        for row in csv.DictReader(io.StringIO(exports.export_survey(kinds.survey, "csv").decode("utf-8-sig")))
    ]
    keys_in_export_order = [by_key[identifier] for identifier in ids]
    assert keys_in_export_order != sorted(keys_in_export_order)
    assert keys_in_export_order != sorted(keys_in_export_order, reverse=True)
    ascending_neighbours = sum(a < b for a, b in itertools.pairwise(keys_in_export_order))
    assert 5 < ascending_neighbours < 34  # a random order: about half of 39 neighbours ascend
