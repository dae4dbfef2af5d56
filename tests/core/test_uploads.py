"""Uploaded zip-based office files are checked before anything parses them (issue 11, finding 7)."""

from __future__ import annotations

import functools
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from teilhabe.core.uploads import check_archive, validate_upload
from teilhabe.monitoring.models import Edition
from tests.accounts.factories import UserFactory

MIB = 1024 * 1024

CONTENT_TYPES = b"""<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"></Types>"""


@functools.cache
def bomb(megabytes: int = 200) -> bytes:
    """A workbook-shaped zip whose sheet is `megabytes` MiB of zeros: about 200 KB on the wire."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            block = b"0" * MIB
            for _ in range(megabytes):
                part.write(block)
    return buffer.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>
<sheet name="&lol4;" sheetId="1"/></sheets></workbook>"""


def entity_workbook() -> bytes:
    """A real workbook whose workbook.xml is replaced by one declaring nested entities."""
    from openpyxl import Workbook

    source = io.BytesIO()
    Workbook().save(source)
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in original.namelist():
            archive.writestr(name, BILLION_LAUGHS if name == "xl/workbook.xml" else original.read(name))
    return buffer.getvalue()


@pytest.fixture
def bomb_bytes() -> bytes:
    return bomb()


def test_the_bomb_is_small_on_the_wire(bomb_bytes):
    assert len(bomb_bytes) < 1 * MIB


def test_a_decompression_bomb_is_refused_by_ratio_in_bounded_memory(bomb_bytes):
    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as refusal, translation.override("en"):
            validate_upload(SimpleUploadedFile("observations.xlsx", bomb_bytes), allowed=("xlsx",))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert refusal.value.messages[0].startswith("observations.xlsx: the part xl/worksheets/sheet1.xml is compressed")
    assert peak < 20 * MIB


def test_the_total_unpacked_size_is_limited(settings):
    settings.TEILHABE_ARCHIVE_MAX_UNCOMPRESSED_BYTES = 2 * MIB
    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        check_archive(io.BytesIO(bomb(3)), name="big.xlsx")
    assert refusal.value.messages == [
        f"big.xlsx unpacks to {3 * MIB + len(CONTENT_TYPES)} bytes; at most {2 * MIB} bytes are allowed."
    ]


def test_the_number_of_parts_is_limited(settings):
    settings.TEILHABE_ARCHIVE_MAX_MEMBERS = 3
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(4):
            archive.writestr(f"part{index}.xml", b"<a/>")
    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        check_archive(buffer, name="many.xlsx")
    assert refusal.value.messages == ["many.xlsx holds 4 parts; at most 3 are allowed."]


def test_xml_entity_declarations_are_refused():
    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        check_archive(io.BytesIO(entity_workbook()), name="laughs.xlsx")
    assert refusal.value.messages == [
        "laughs.xlsx: the part xl/workbook.xml declares XML entities (a DTD), which are not accepted."
    ]


def test_openpyxl_parses_through_defusedxml():
    """Even past the check, openpyxl refuses entity declarations (defusedxml is installed and used)."""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    with pytest.raises(ValueError) as refusal:
        load_workbook(io.BytesIO(entity_workbook()))
    assert isinstance(refusal.value.__context__, DefusedXmlException)


def test_a_real_workbook_passes():
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["indicator", "period", "value"] * 10)
    for row in range(500):
        workbook.active.append(["S1", 2016, row] * 10)
    workbook.save(buffer)
    check_archive(io.BytesIO(buffer.getvalue()), name="observations.xlsx")


# --- As the department admin experiences it: the import page -----------------------------------


@pytest.fixture
def officer(db, client, settings, tmp_path):
    settings.TEILHABE_IMPORT_DIR = tmp_path / "imports"
    user = UserFactory(username="officer", roles=["department_admin"], is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # The admin speaks the site's default language (German) whatever the browser sends.
        (bomb, "observations.xlsx: Der Teil xl/worksheets/sheet1.xml ist im Verhältnis"),
        (entity_workbook, "observations.xlsx: Der Teil xl/workbook.xml deklariert XML-Entitäten"),
    ],
    ids=["bomb", "billion laughs"],
)
def test_the_import_page_refuses_with_a_message_and_changes_nothing(officer, client, make, message, settings):
    upload = SimpleUploadedFile("observations.xlsx", make())
    response = client.post(
        reverse("admin:monitoring_import_upload"),
        {"files": [upload], "encoding": "utf-8", "decimal": "auto"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Edition.objects.exists()
    assert not any((settings.TEILHABE_IMPORT_DIR).glob("**/*.xlsx"))


def test_the_file_importer_refuses_a_bomb_with_a_problem(db, tmp_path):
    """The command line and stored uploads read through sources: the same check, reported as a problem."""
    from teilhabe.monitoring.importing.problems import ProblemLog
    from teilhabe.monitoring.importing.sources import _sources_of_file

    path = tmp_path / "observations.xlsx"
    path.write_bytes(entity_workbook())
    problems = ProblemLog()
    with translation.override("en"):
        assert _sources_of_file(path, "observations.xlsx", problems) == []
    assert "declares XML entities" in problems.problems[0].message


# --- Files must parse as what they claim (issue 11, finding 15) --------------------------------


def _png(prefix_chunk: bytes = b"") -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "photo.png is not a readable PNG file."),
        (
            "photo.jpg",
            b"\xff\xd8\xff<html><script>x</script>",
            "photo.jpg contains HTML at its start; a JPG file must not.",
        ),
        ("photo.jpg", _png(), "The content of photo.jpg is not a JPG file."),
    ],
    ids=["truncated png", "jpeg-html polyglot", "png named jpg"],
)
def test_images_must_decode(name, content, message):
    with pytest.raises(ValidationError) as refusal, translation.override("en"):
        validate_upload(SimpleUploadedFile(name, content))
    assert refusal.value.messages == [message]


def test_a_real_image_passes():
    assert validate_upload(SimpleUploadedFile("photo.png", _png())) == "png"
