"""Attribution of changes in the audit trail (django-simple-history) and reading it back for staff.

Web requests are attributed by simple_history's HistoryRequestMiddleware. Management commands and
background jobs have no request: they wrap their writes in `acting_as(user)` — the operator's
account when one is known, else a system actor (teilhabe.monitoring.services.get_system_actor(name),
an inactive account named "system:<name>") — so no history row is left without a "who".
Bulk writes must use simple_history's bulk_create_with_history / bulk_update_with_history, which
attribute their rows the same way; plain bulk_create/update/QuerySet.update() leave no history.

Showing history to staff:
- on a staff page: `{% load audit_tags %}{% history_panel object %}` (renders nothing for non-staff);
- in the admin: base the ModelAdmin on simple_history.admin.SimpleHistoryAdmin; its "History" page lists
  every version with who, when and the changed fields. SIMPLE_HISTORY_REVERT_DISABLED hides "revert",
  and AuthorityScopedAdminMixin also refuses a POST to a past version (which simple_history would save).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from types import SimpleNamespace

from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import is_aware, localtime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .models import User

# Usernames of system actors start with this (see teilhabe.monitoring.services.get_system_actor).
SYSTEM_ACTOR_PREFIX = "system:"
_MISSING = object()


@contextlib.contextmanager
def acting_as(user: User) -> Iterator[User]:
    """Attribute every history row written inside the block (bulk operations included) to `user`."""
    context = HistoricalRecords.context
    previous = getattr(context, "request", _MISSING)
    context.request = SimpleNamespace(user=user)
    try:
        yield user
    finally:
        if previous is _MISSING:
            with contextlib.suppress(AttributeError):
                del context.request
        else:
            context.request = previous


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    kind: str
    reason: str
    changes: list[FieldChange] = field(default_factory=list)


KINDS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


def list_history(instance: models.Model, *, limit: int = 50) -> list[HistoryEntry]:
    """The newest `limit` changes of one object, each with who, when and the fields before and after."""
    manager = getattr(instance, "history", None)
    if manager is None:
        return []
    records = list(manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    entries = []
    for newer, older in zip(records, [*records[1:], None], strict=True):
        if len(entries) == limit:
            break
        changes = []
        if older is not None and newer.history_type == "~":
            delta = newer.diff_against(older)
            for change in delta.changes:
                model_field = instance._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        field=str(model_field.verbose_name),
                        old=_display(change.old, model_field),
                        new=_display(change.new, model_field),
                    )
                )
        entries.append(
            HistoryEntry(
                at=newer.history_date,
                actor=_actor(newer.history_user),
                kind=str(KINDS.get(newer.history_type, newer.history_type)),
                reason=newer.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _actor(user: User | None) -> str:
    if user is None:
        return str(_("unknown"))
    if user.username.startswith(SYSTEM_ACTOR_PREFIX):
        return f"{_('system')} ({user.username.removeprefix(SYSTEM_ACTOR_PREFIX)})"
    return user.get_full_name() or user.username


def _display(value: object, model_field: models.Field | None = None) -> str:
    """A stored value as a person reads it: a choice's label, the related object's name, a formatted date."""
    if value is None or value == "":
        return "—"
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field is not None and model_field.is_relation and model_field.many_to_one:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else str(value)
    if isinstance(value, datetime):
        return date_format(localtime(value) if is_aware(value) else value, "SHORT_DATETIME_FORMAT")
    return str(value)
