"""Open data downloads: the public export as a Frictionless data package (zip), an XLSX workbook and an
Open-SDG CSV per indicator, built once per data version and kept under MEDIA_ROOT/downloads/.

The files come from monitoring.exporting.export_concept(public_only=True), which reads the public
observations gateway: nothing before its release date, no figure of a withheld observation. The package's CSV files lie at the top of the zip, so the unpacked folder
re-imports with `teilhabe import_data <folder>`.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import time
import uuid
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify

from teilhabe.core.cache import get_data_version
from teilhabe.core.data_licence import LICENCES, licence  # noqa: F401 -- the package states the licence
from teilhabe.core.models import SiteProfile
from teilhabe.monitoring.exporting import (
    CSV_DIRECTORY,
    OPENSDG_DIRECTORY,
    _file_code,  # the exporter's naming of Open-SDG files
    export_concept,
)
from teilhabe.monitoring.importing.concept import TABLES
from teilhabe.monitoring.importing.observations import COLUMNS as OBSERVATION_COLUMNS
from teilhabe.monitoring.models import IndicatorVersion

PACKAGE_NAME = "datapackage.zip"
DESCRIPTOR_NAME = "datapackage.json"

# Column kinds of the import format → Frictionless Table Schema field types.
FIELD_TYPES = {"int": "integer", "number": "number", "date": "date", "bool": "boolean", "json": "object"}


# A build that has not finished after this long is taken as failed and may be started again.
PENDING_SECONDS = 15 * 60


def _root() -> Path:
    return Path(settings.MEDIA_ROOT) / "downloads"


def current_version() -> str:
    return get_data_version().token


def built_directory(version: str) -> Path | None:
    """The export of this data version if it has been built."""
    target = _root() / version
    return target if target.is_dir() else None


def claim_build(version: str) -> bool:
    """Mark the build of this version as started; False while another build of it is under way."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    marker = root / f".pending-{version}"
    try:
        if time.time() - marker.stat().st_mtime > PENDING_SECONDS:
            marker.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def build(version: str) -> Path:
    """Export the public data (for the version current now, stored under `version`) and pack it.

    Written to a temporary directory and renamed into place, so a reader sees all files or none;
    older versions are removed.
    """
    root = _root()
    target = root / version
    try:
        if target.is_dir():
            return target
        building = root / f".build-{uuid.uuid4().hex}"
        export = export_concept(building, formats=("csv", "xlsx"), public_only=True, opensdg=True)
        write_package(building, export.files, version)
        try:
            os.rename(building, target)
        except OSError:  # the same version was finished meanwhile
            shutil.rmtree(building, ignore_errors=True)
        for older in root.iterdir():
            if older.name != version and older.is_dir() and not older.name.startswith(".build-"):
                shutil.rmtree(older, ignore_errors=True)
        return target
    finally:
        (root / f".pending-{version}").unlink(missing_ok=True)


def opensdg_name(indicator_code: str) -> str:
    return f"{OPENSDG_DIRECTORY}/indicator_{_file_code(indicator_code)}.csv"


def write_package(directory: Path, files: list[Path], version: str) -> None:
    """datapackage.json and the zip: the tables at the top level, the Open-SDG files under opensdg/."""
    tables = sorted(path for path in files if path.parts[0] == CSV_DIRECTORY)
    opensdg = sorted(path for path in files if path.parts[0] == OPENSDG_DIRECTORY)
    descriptor = _descriptor(directory, tables, opensdg, version)
    with zipfile.ZipFile(directory / PACKAGE_NAME, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(DESCRIPTOR_NAME, json.dumps(descriptor, ensure_ascii=False, indent=2))
        for path in tables:
            package.write(directory / path, arcname=path.name)
        for path in opensdg:
            package.write(directory / path, arcname=f"{OPENSDG_DIRECTORY}/{path.name}")
    (directory / DESCRIPTOR_NAME).write_text(json.dumps(descriptor, ensure_ascii=False, indent=2), encoding="utf-8")


def _descriptor(directory: Path, tables: list[Path], opensdg: list[Path], version: str) -> dict:
    site = SiteProfile.current()
    sources = [{"title": site.department_name or site.city_name}]
    for title, url in (
        IndicatorVersion.objects.exclude(data_source="")
        .order_by("data_source")
        .values_list("data_source", "source_url")
        .distinct()
    ):
        sources.append({"title": title, **({"path": url} if url else {})})
    resources = [_table_resource(directory / path, path.stem) for path in tables]
    resources += [
        {
            "name": "opensdg-" + slugify(path.stem).replace("_", "-"),
            "path": f"{OPENSDG_DIRECTORY}/{path.name}",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": "Open SDG layout: Year, breakdown columns, GeoCode (empty for the city), Value.",
            "schema": {"fields": _opensdg_fields(directory / path)},
        }
        for path in opensdg
    ]
    return {
        "profile": "tabular-data-package",
        "name": f"teilhabe-{slugify(site.city_name) or 'city'}",
        "title": f"{site.city_name}: integration monitoring – open data",
        "description": (
            "Concept (editions, areas of action, sub-goals, indicators, targets, measures) and released "
            "observations in the teilhabe import format; an observation with a count below "
            f"{settings.TEILHABE_MIN_PUBLIC_COUNT} (and those that would give it away) is withheld: left out of "
            "the tables, blank in the Open SDG files. Re-import with `teilhabe import_data <folder>`."
            + (" Illustrative data, not official statistics." if site.is_illustrative else "")
        ),
        "version": version,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "licenses": [licence()],
        "sources": sources,
        "resources": resources,
    }


def _header(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle), [])


def _table_resource(path: Path, kind: str) -> dict:
    table = TABLES.get(kind)
    columns = {column.name: column for column in (table.columns() if table else OBSERVATION_COLUMNS)}
    fields = []
    for name in _header(path):
        column = columns.get(name)
        field = {"name": name, "type": FIELD_TYPES.get(column.kind, "string") if column else "string"}
        if column is None and kind == "observations":
            field["description"] = "A breakdown dimension: the category code, empty for the total."
        if column is not None and column.required:
            field["constraints"] = {"required": True}
        if column is not None and column.kind == "choice":
            field.setdefault("constraints", {})["enum"] = list(column.choices)
        fields.append(field)
    return {
        "name": kind.replace("_", "-"),
        "path": path.name,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields},
    }


def _opensdg_fields(path: Path) -> list[dict]:
    types = {"Year": "integer", "Value": "number"}
    return [{"name": name, "type": types.get(name, "string")} for name in _header(path)]
