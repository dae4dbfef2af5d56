"""The licence of the open data (settings.TEILHABE_DATA_LICENCE): the data package states it, the open-data
page names it and tells how to cite."""

from __future__ import annotations

from django.conf import settings

# Known licence identifiers with their Open Definition id, title and text.
LICENCES = {
    "dl-de/by-2-0": (
        "dl-de-by-2.0",
        "Datenlizenz Deutschland – Namensnennung – Version 2.0",
        "https://www.govdata.de/dl-de/by-2-0",
    ),
    "dl-de/zero-2-0": (
        "dl-de-zero-2.0",
        "Datenlizenz Deutschland – Zero – Version 2.0",
        "https://www.govdata.de/dl-de/zero-2-0",
    ),
    "cc-by-4.0": ("CC-BY-4.0", "Creative Commons Attribution 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "cc0-1.0": ("CC0-1.0", "Creative Commons Zero 1.0", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "odbl-1.0": (
        "ODbL-1.0",
        "Open Data Commons Open Database License 1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}


def licence() -> dict:
    """The data licence as a Frictionless `licenses` entry (name, title and path when known)."""
    identifier = settings.TEILHABE_DATA_LICENCE
    known = LICENCES.get(identifier.lower())
    if known is None:
        return {"name": identifier, "title": identifier}
    name, title, path = known
    return {"name": name, "title": title, "path": path}
