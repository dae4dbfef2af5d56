"""Upload observations (authority staff, token): JSON rows or a CSV file, validated and written like a file import."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from teilhabe.api import idempotency
from teilhabe.api.errors import csv_rows, scrub_problems, strings, submitted_texts
from teilhabe.api.permissions import CanUploadObservations
from teilhabe.api.views import requested_language
from teilhabe.core.tabular import CSVWriter
from teilhabe.monitoring import services
from teilhabe.monitoring.breakdowns import BreakdownKeyError, parse_key
from teilhabe.monitoring.importing.observations import COLUMN_NAMES
from teilhabe.monitoring.importing.problems import ImportFailed

UPLOAD_NAME = "observations.csv"


class ObservationRowInput(serializers.Serializer):
    """One observation, with the columns of an observations file (docs/data-formats.md)."""

    indicator = serializers.CharField(max_length=50)
    period = serializers.CharField(max_length=20, help_text="2016, 2016/17 or 2016-12-31.")
    geography = serializers.CharField(max_length=50)
    breakdown_key = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="The group, e.g. `migration_background=yes|sex=female`; empty or absent for the total.",
    )
    value = serializers.FloatField()
    numerator = serializers.FloatField(required=False, allow_null=True)
    denominator = serializers.FloatField(required=False, allow_null=True)
    standard_error = serializers.FloatField(required=False, allow_null=True)
    sample_size = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    progress_value = serializers.FloatField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=["final", "provisional"], required=False)
    source = serializers.CharField(required=False, allow_blank=True, max_length=300)
    released_on = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [gettext_lazy("Unknown field.")] for name in unknown})
        return super().to_internal_value(data)

    def validate_breakdown_key(self, value: str) -> dict[str, str]:
        try:
            return parse_key(value.strip())
        except BreakdownKeyError as error:
            raise serializers.ValidationError(str(error)) from None


class CsvUploadInput(serializers.Serializer):
    file = serializers.FileField(help_text="An observations CSV file (UTF-8), as for `teilhabe import_data`.")


class UploadResult(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class UploadProblem(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True, help_text="JSON: position in the list (from 1); CSV: file row.")
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class UploadRefusal(serializers.Serializer):
    detail = serializers.CharField()
    errors = UploadProblem(many=True)


class ObservationUpload(APIView):
    """Write observations for your authority's indicators; all or nothing, like the file import."""

    permission_classes = [CanUploadObservations]
    parser_classes = [JSONParser, MultiPartParser]
    renderer_classes = [JSONRenderer]

    def dispatch(self, request, *args, **kwargs):
        language = requested_language(request)  # messages in the client's language (Accept-Language)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = language
        return response

    @extend_schema(
        request={"application/json": ObservationRowInput(many=True), "multipart/form-data": CsvUploadInput},
        responses={200: UploadResult, 400: UploadRefusal},
        parameters=[
            OpenApiParameter(
                idempotency.HEADER,
                str,
                OpenApiParameter.HEADER,
                required=False,
                description="Send the same key with a retry: the first response is "
                "returned and nothing is written again (kept for a day).",
            )
        ],
    )
    def post(self, request):
        with tempfile.TemporaryDirectory(prefix="teilhabe-upload-") as directory:
            if "file" in request.FILES:
                upload = request.FILES["file"]
                self._check_file(upload)
                content = upload.read()
                path = Path(directory) / UPLOAD_NAME
                path.write_bytes(content)
                first_row = 1  # rows as the file numbers them (header = row 1)
            else:
                rows, refusal = self._rows(request.data)
                if refusal is not None:
                    return Response(_without_input(request, refusal), status=status.HTTP_400_BAD_REQUEST)
                content = json.dumps(request.data, sort_keys=True, default=str).encode()
                path = Path(directory) / UPLOAD_NAME
                _write_csv(path, rows)
                first_row = 2  # file row 2 is the first row sent
            return idempotency.run_once(
                request, idempotency.fingerprint(content), lambda: self._import(request, path, first_row)
            )

    def _import(self, request, path: Path, first_row: int) -> Response:
        try:
            report = services.upload_observations(path=path, user=request.user)
        except DjangoPermissionDenied as denied:
            raise exceptions.PermissionDenied(str(denied) or None) from None
        except ImportFailed as failure:
            return Response(_without_input(request, _refusal(failure, first_row)), status=status.HTTP_400_BAD_REQUEST)
        table = next((table for table in report.tables if table.kind == "observations"), None)
        counts = (table.created, table.updated, table.unchanged) if table else (0, 0, 0)
        return Response(dict(zip(("created", "updated", "unchanged"), counts, strict=True)))

    @staticmethod
    def _check_file(upload) -> None:
        if upload.size > settings.TEILHABE_MAX_UPLOAD_BYTES:
            raise exceptions.ValidationError(
                {
                    "file": [
                        _("The file is %(size)s bytes; at most %(limit)s bytes are allowed.")
                        % {"size": upload.size, "limit": settings.TEILHABE_MAX_UPLOAD_BYTES}
                    ]
                }
            )
        if not upload.name.lower().endswith(".csv"):
            raise exceptions.ValidationError({"file": [_("Upload a .csv file (or send the rows as JSON).")]})

    @staticmethod
    def _rows(data) -> tuple[list[dict], dict | None]:
        """The rows sent, or a refusal naming row and field of every malformed value."""
        if not isinstance(data, list) or not data:
            return [], {
                "detail": _("Send a non-empty JSON list of observation rows, or a CSV file in the field 'file'."),
                "errors": [],
            }
        checked = ObservationRowInput(data=data, many=True)
        if checked.is_valid():
            return checked.validated_data, None
        return [], {
            "detail": _("Nothing was written; fix these rows and send them again."),
            "errors": [
                {"row": index + 1, "field": name, "message": message}
                for index, errors in _by_row(checked.errors)
                for name, messages in errors.items()
                for message in messages
            ],
        }


def _by_row(errors) -> list[tuple[int, dict]]:
    """(index, errors of that row) for the rows with errors; DRF gives a list or a dict by index."""
    pairs = errors.items() if isinstance(errors, dict) else enumerate(errors)
    return sorted((index, row_errors) for index, row_errors in pairs if row_errors)


def _write_csv(path: Path, rows: list[dict]) -> None:
    """The rows as one observations file. A field that any row gives is a column, so a row that leaves
    it out (or sends null) blanks it, as an empty cell in a file does; a field no row gives keeps the
    stored values. Breakdown dimensions become one column each, as in the file format."""
    dimensions = sorted({dimension for row in rows for dimension in row.get("breakdown_key", {})})
    columns = [name for name in COLUMN_NAMES if any(name in row for row in rows)]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = CSVWriter(handle, lineterminator="\n", guard_formulas=False)  # read back by the importer only
        writer.writerow(columns[:3] + dimensions + columns[3:])
        for row in rows:
            categories = row.get("breakdown_key", {})
            writer.writerow(
                [_cell(row.get(name)) for name in columns[:3]]
                + [categories.get(dimension, "") for dimension in dimensions]
                + [_cell(row.get(name)) for name in columns[3:]]
            )


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _without_input(request, refusal: dict) -> dict:
    """The refusal with no text the client sent in it (teilhabe.api.errors): each problem's message is
    cleaned of the texts of its row (JSON: the row's values and keys; CSV: the record's cells)."""
    if "file" in request.FILES:
        records = csv_rows(request.FILES["file"])
        by_row = {number: set(record) for number, record in enumerate(records, start=1)}
    elif isinstance(request.data, list):
        by_row = {number: set(strings(row)) for number, row in enumerate(request.data, start=1)}
    else:
        by_row = {}
    return scrub_problems(refusal, submitted_texts(request), by_row)


def _refusal(failure: ImportFailed, first_row: int) -> dict:
    """Problems by row and field: a CSV file's rows as numbered there (header = 1); JSON rows from 1."""

    def row(number: int | None) -> int | None:
        if number is None or number < first_row:
            return None
        return number - first_row + 1

    return {
        "detail": _("Nothing was written; %(count)s problem(s) found.") % {"count": len(failure.problems)},
        "errors": [
            {"row": row(problem.row), "field": problem.column, "message": problem.message}
            for problem in failure.problems
        ],
    }
