"""Writes of the monitoring domain. Each service repeats its permission check, so that views, the API
and management commands cannot bypass it.

Sections: acting users (system actors) · data import (files, admin upload preview/confirm).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from teilhabe.accounts import permissions
from teilhabe.core.cache import bump_data_version

from . import permissions as monitoring_permissions
from .importing import uploads
from .importing.cells import DecimalMode
from .importing.run import ImportReport, import_sources
from .models import Indicator
from .tasks import enqueue_recompute

# --- acting users -------------------------------------------------------------------------------

SYSTEM_ACTOR_PREFIX = "system:"


def get_system_actor(name: str):
    """The user that records a named automated actor (e.g. 'import_data', 'demo') in history.

    System actors are inactive accounts without a usable password whose username starts with
    'system:' — a character no username entered through a form can contain — so nobody can log in as one.
    """
    name = name.strip()
    if not name:
        raise ValueError("A system actor needs a name.")
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(
        username=f"{SYSTEM_ACTOR_PREFIX}{name}"[:150],
        defaults={"is_active": False, "first_name": name[:150]},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_system_actor(user) -> bool:
    return bool(
        user is not None
        and getattr(user, "username", "").startswith(SYSTEM_ACTOR_PREFIX)
        and not user.has_usable_password()
        and not user.is_active
    )


# --- data import --------------------------------------------------------------------------------


def import_data(
    *,
    paths: Sequence[Path],
    user,
    reason: str = "",
    decimal: DecimalMode = DecimalMode.AUTO,
    encoding: str = "utf-8",
    dry_run: bool = False,
    progress: Callable | None = None,
) -> ImportReport:
    """Import concept and observation files (docs/data-formats.md), all or nothing.

    `user` is a department admin or a system actor (get_system_actor); it is recorded in the
    history of every row written. Raises importing.problems.ImportFailed naming file, row and
    column of every problem found; the database is then unchanged.
    """
    if not (permissions.can_import_data(user) or is_system_actor(user)):
        raise PermissionDenied
    report = import_sources(
        paths, user=user, reason=reason, decimal=decimal, encoding=encoding, dry_run=dry_run, progress=progress
    )
    if not dry_run:
        _after_write()
    return report


def preview_import_upload(
    *, files, user, decimal: DecimalMode = DecimalMode.AUTO, encoding: str = "utf-8"
) -> tuple[uploads.StoredUpload, ImportReport]:
    """Keep uploaded files server-side under a token and run the import without writing (dry run).

    Returns the stored upload (its token goes into the confirmation form) and the report of what
    would change. Raises ImportFailed with the problems found; the files are then discarded.
    """
    if not permissions.can_import_data(user):
        raise PermissionDenied
    options = {"decimal": str(decimal), "encoding": encoding}
    upload = uploads.store(files, user_id=user.pk, options=options)
    try:
        report = import_sources(
            upload.paths, user=user, decimal=decimal, encoding=encoding, dry_run=True, labels=upload.labels
        )
    except Exception:
        uploads.discard(upload)
        raise
    uploads.remember_counts(upload, report.counts())
    return upload, report


@transaction.atomic
def confirm_import_upload(*, token: str, user) -> ImportReport:
    """Write what was previewed under this token; refused (uploads.UploadExpired or ImportFailed) if the files or
    the resulting changes differ from the preview."""
    if not permissions.can_import_data(user):
        raise PermissionDenied
    upload = uploads.load(token, user_id=user.pk)
    report = import_sources(
        upload.paths,
        user=user,
        decimal=DecimalMode(upload.options["decimal"]),
        encoding=upload.options["encoding"],
        expected_counts=upload.counts,
        labels=upload.labels,
    )
    _after_write()
    transaction.on_commit(lambda: uploads.discard(upload))
    return report


def discard_import_upload(*, token: str, user) -> None:
    """Forget a previewed upload without importing it."""
    if not permissions.can_import_data(user):
        raise PermissionDenied
    try:
        uploads.discard(uploads.load(token, user_id=user.pk))
    except uploads.UploadExpired:
        pass


# --- observation upload by authority staff (API) ---------------------------------------------------


def upload_observations(*, path: Path, user, reason: str = "") -> ImportReport:
    """Import observations (a CSV file observations*.csv, or a directory of them) for a staff member, all or nothing.

    Every indicator the file names must be one the user may edit (permissions.can_edit_indicator_data:
    its current version belongs to the user's authority); otherwise PermissionDenied names them and
    nothing is written. The codes are read with the importer's own reader, so the check sees exactly
    what the import would write. Raises ImportFailed naming row and column of every problem.
    """
    if not monitoring_permissions.can_upload_observations(user):
        raise PermissionDenied
    codes = _indicator_codes_in(path)
    refused = sorted(
        indicator.code
        for indicator in Indicator.objects.filter(code__in=codes)
        if not monitoring_permissions.can_edit_indicator_data(user, indicator)
    )
    if refused:
        raise PermissionDenied(
            "You may upload observations only for your authority's indicators, not for: " + ", ".join(refused)
        )
    report = import_sources([path], user=user, reason=reason or "upload: API")
    _after_write()
    return report


def _indicator_codes_in(path: Path) -> set[str]:
    """The indicator codes of an observations file as the importer reads them; unreadable cells are
    skipped here (the import reports them)."""
    from .importing.observations import COLUMNS as OBSERVATION_COLUMNS
    from .importing.problems import CellError, ProblemLog
    from .importing.sources import SourceError, collect_sources, open_table

    column = OBSERVATION_COLUMNS[0]
    codes: set[str] = set()
    for source in collect_sources([path], ProblemLog()):
        try:
            table = open_table(source, ProblemLog(limit=10**9))
        except SourceError:
            continue
        if column.name not in table.header:
            continue
        position = table.header.index(column.name)
        for _row, cells in table.rows:
            try:
                code = column.parse(cells[position], DecimalMode.AUTO)
            except (CellError, IndexError):
                continue
            if code:
                codes.add(code)
    return codes


def _after_write() -> None:
    """Every write to public data: pages and documents see a new data version, assessments are recomputed."""
    transaction.on_commit(bump_data_version)
    enqueue_recompute()
