"""Background jobs of the API app (django-tasks; immediate in tests and the demo)."""

from __future__ import annotations

from django_tasks import task

from . import open_data


@task()
def build_open_data(version: str) -> str:
    """Build the open data downloads (data package, workbook, Open-SDG files) of one data version."""
    return str(open_data.build(version))
