"""Downloads of survey responses: CSV, XLSX and SPSS .sav, all built from the same dataset (queries.load_dataset).

Layout (docs/surveys.md): one row per response; single choice and ratings as the option's numeric code;
multiple choice as one 0/1 variable per option; ranking as one place variable per item; matrix items as one
variable each; "don't know" keeps its code and is declared user-missing in the .sav; the .sav carries variable
and value labels. CSV and XLSX come from teilhabe.core.tabular: text never becomes a formula.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile

import pandas as pd
import pyreadstat
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.core.tabular import CSVWriter, WorkbookWriter, csv_text

from .models import Survey
from .queries import Dataset, Measure, load_dataset

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}


def _number(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def dataset_frame(dataset: Dataset) -> pd.DataFrame:
    """The dataset as a data frame: numeric columns as floats (NaN missing), text as str, the day as a date."""
    data = {}
    for variable in dataset.variables:
        column = dataset.columns[variable.name]
        if variable.is_text:
            data[variable.name] = pd.Series([value or "" for value in column], dtype=object)
        elif variable.is_date:
            data[variable.name] = pd.Series(list(column), dtype=object)
        else:
            data[variable.name] = pd.Series(
                [float("nan") if value is None else float(value) for value in column], dtype=float
            )
    return pd.DataFrame(data, columns=[variable.name for variable in dataset.variables])


def write_csv(dataset: Dataset) -> bytes:
    buffer = io.StringIO()
    writer = CSVWriter(buffer, lineterminator="\n")
    writer.writerow([variable.name for variable in dataset.variables])
    columns = [dataset.columns[variable.name] for variable in dataset.variables]
    for position in range(dataset.size):
        row = []
        for variable, column in zip(dataset.variables, columns, strict=True):
            value = column[position]
            if value is None:
                row.append("")
            elif variable.is_date:
                row.append(value.isoformat())
            elif variable.is_text:
                row.append(value)
            else:
                row.append(_number(value))
        writer.writerow(row)
    # A byte-order mark makes spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_xlsx(dataset: Dataset) -> bytes:
    """Sheet "data" (codes, as in the .sav), sheet "variables" (labels) and sheet "values" (value labels)."""
    workbook = WorkbookWriter()
    data = workbook.add_sheet("data")
    data.append([variable.name for variable in dataset.variables])
    columns = [dataset.columns[variable.name] for variable in dataset.variables]
    for position in range(dataset.size):
        data.append([_number(column[position]) for column in columns])
    described = workbook.add_sheet("variables")
    described.append([_("variable"), _("label"), _("measure"), _("user-missing codes")])
    for variable in dataset.variables:
        described.append(
            [variable.name, variable.label, variable.measure, ", ".join(str(code) for code in variable.missing_values)]
        )
    values = workbook.add_sheet("values")
    values.append([_("variable"), _("code"), _("label")])
    for variable in dataset.variables:
        for code, label in variable.value_labels.items():
            values.append([variable.name, code, label])
    return workbook.to_bytes()


def write_sav(dataset: Dataset) -> bytes:
    """An SPSS system file with variable labels, value labels, measurement levels and "don't know" user-missing."""
    frame = dataset_frame(dataset)
    for variable in dataset.variables:
        if variable.is_date:
            frame[variable.name] = pd.to_datetime(frame[variable.name]).dt.date
    measures = {
        variable.name: variable.measure
        if variable.measure in (Measure.NOMINAL, Measure.ORDINAL, Measure.SCALE)
        else "unknown"
        for variable in dataset.variables
    }
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=dataset.survey.title[:64],
            column_labels={variable.name: variable.label[:256] for variable in dataset.variables},
            variable_value_labels={
                variable.name: {float(code): label for code, label in variable.value_labels.items()}
                for variable in dataset.variables
                if variable.value_labels
            },
            missing_ranges={
                variable.name: [float(code) for code in variable.missing_values[:3]]
                for variable in dataset.variables
                if variable.missing_values
            },
            variable_measure=measures,
        )
        with open(path, "rb") as handle_file:
            return handle_file.read()
    finally:
        os.unlink(path)


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "sav": write_sav}


def export_survey(survey: Survey, format: str) -> bytes:
    return WRITERS[format](load_dataset(survey))


def export_response(survey: Survey, format: str) -> HttpResponse:
    content = export_survey(survey, format)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-{stamp}.{format}"'
    response["Cache-Control"] = "no-store"
    return response


def codes_response(survey: Survey, codes: list[str]) -> HttpResponse:
    """Newly created invitation codes as a CSV download: the only time they exist in readable form."""
    text = csv_text(([code] for code in codes), ["code"], lineterminator="\n")
    response = HttpResponse(("\ufeff" + text).encode("utf-8"), content_type=CONTENT_TYPES["csv"])
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{survey.slug}-codes-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response
