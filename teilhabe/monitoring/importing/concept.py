"""The concept's small tables (authorities ... targets): read completely, checked, compared with the
database and written through the ORM with full_clean and history.

Each table class knows its columns, its natural key, how to read the current database state in
the same form the file is read into (for comparing and for the export), what it refers to, and
how to write a row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from teilhabe.accounts.models import Authority
from teilhabe.monitoring import breakdowns as breakdown_keys
from teilhabe.monitoring.models import (
    AreaOfAction,
    BreakdownCategory,
    BreakdownDimension,
    Direction,
    Edition,
    Geography,
    Indicator,
    IndicatorVersion,
    Measure,
    SubGoal,
    Target,
)

from .cells import DecimalMode
from .columns import Column, languages, translated
from .problems import CellError, ProblemLog

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
# Observation columns that a breakdown dimension must not be called (they share one header).
OBSERVATION_COLUMNS = (
    "indicator",
    "period",
    "geography",
    "value",
    "numerator",
    "denominator",
    "standard_error",
    "sample_size",
    "status",
    "source",
    "released_on",
    "note",
)


@dataclass
class Record:
    """One row of a concept file, read and keyed; `action` is decided against the database."""

    kind: str
    key: tuple
    values: dict[str, object]
    file: str
    row: int
    action: str = ""
    changes: tuple[str, ...] = ()
    is_broken: bool = False

    @property
    def where(self) -> str:
        return _("%(file)s row %(row)s") % {"file": self.file, "row": self.row}


@dataclass
class Context:
    """What is known while checking and writing: database rows, rows read from files, rows written."""

    problems: ProblemLog
    decimal: DecimalMode = DecimalMode.AUTO
    user: object = None
    reason: str = ""
    existing: dict[str, dict[tuple, models.Model]] = field(default_factory=dict)
    records: dict[str, dict[tuple, Record]] = field(default_factory=dict)
    saved: dict[str, dict[tuple, models.Model]] = field(default_factory=dict)

    def known(self, kind: str, key: tuple) -> bool:
        return key in self.existing.get(kind, {}) or key in self.records.get(kind, {})

    def obj(self, kind: str, key: tuple) -> models.Model:
        return self.saved[kind].get(key) or self.existing[kind][key]

    def problem(self, record: Record, column: str | None, message: str) -> None:
        record.is_broken = True
        self.problems.add(record.file, record.row, column, message)

    def categories(self) -> dict[str, set[str]]:
        """Known breakdown dimensions and their categories (database and files)."""
        result: dict[str, set[str]] = {}
        for source in (self.existing.get("breakdowns", {}), self.records.get("breakdowns", {})):
            for key in source:
                if key[0] == "dimension":
                    result.setdefault(key[1], set())
                else:
                    result.setdefault(key[1], set()).add(key[2])
        return result


def same(a: object, b: object) -> bool:
    """Equal for the purpose of an update; an empty text and a missing one are the same."""
    if a in (None, "") and b in (None, ""):
        return True
    return a == b


class ConceptTable:
    """Base: one file kind mapped to one model with a natural key."""

    kind: str = ""
    model: type[models.Model]
    key_columns: tuple[str, ...] = ()
    # Model fields that are written straight from a same-named column.
    plain: tuple[str, ...] = ()

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def existing(self) -> dict[tuple, models.Model]:
        raise NotImplementedError

    def current(self, instance: models.Model) -> dict[str, object]:
        """The row as the export writes it and the import reads it."""
        raise NotImplementedError

    def records_from_row(self, values: dict[str, object], file: str, row: int) -> list[Record]:
        key = tuple(values.get(name, "") for name in self.key_columns)
        return [Record(self.kind, key, values, file, row)]

    def prepare(self, record: Record, context: Context) -> None:
        """Normalise the row once all tables before it are read (e.g. canonical breakdown keys)."""

    def check(self, record: Record, context: Context) -> None:
        """Report references to unknown rows and rules across columns."""

    def depends_on(self, record: Record) -> tuple | None:
        """The key of a row of the same table that must be written first (a parent)."""
        return None

    def write(self, record: Record, context: Context, instance: models.Model | None) -> models.Model:
        raise NotImplementedError

    def describe(self, key: tuple) -> str:
        return "/".join(str(part) for part in key if part != "")

    # helpers for subclasses

    def _translated_values(self, instance: models.Model, *names: str) -> dict[str, object]:
        return {f"{name}_{code}": getattr(instance, f"{name}_{code}") or "" for name in names for code in languages()}

    def _assign(self, instance: models.Model, values: dict[str, object], names: Iterable[str]) -> None:
        for name in names:
            if name in values:
                value = values[name]
                if self._is_translation(name) and value == "":
                    value = None
                setattr(instance, name, value)

    def _is_translation(self, name: str) -> bool:
        base, _sep, code = name.rpartition("_")
        return bool(base) and code in languages()

    def _save(self, instance: models.Model, record: Record, context: Context) -> models.Model:
        try:
            instance.full_clean()
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                column = self._column_for(field_name, record)
                for message in messages:
                    context.problem(record, column, message)
            return instance
        instance._history_user = context.user
        instance._change_reason = context.reason
        # The untranslated column keeps the default language's text, whatever language the user reads.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            instance.save()
        return instance

    def _column_for(self, field_name: str, record: Record) -> str | None:
        if field_name in record.values:
            return field_name
        translated_name = f"{field_name}_{languages()[0]}"
        if translated_name in record.values:
            return translated_name
        return None if field_name == "__all__" else field_name


# --- authorities ----------------------------------------------------------------------------------


class AuthorityTable(ConceptTable):
    kind = "authorities"
    model = Authority
    key_columns = ("code",)
    plain = ("abbreviation", "email", "phone", "address", "website", "is_department")

    def columns(self) -> list[Column]:
        return [
            Column("code", "code", required=True),
            *translated("name", required=True),
            Column("abbreviation"),
            Column("email"),
            Column("phone"),
            Column("address"),
            Column("website"),
            Column("is_department", "bool"),
        ]

    def existing(self):
        return {(a.code,): a for a in Authority.objects.all()}

    def current(self, instance):
        return {
            "code": instance.code,
            **self._translated_values(instance, "name"),
            **{name: getattr(instance, name) for name in self.plain},
        }

    def write(self, record, context, instance):
        instance = instance or Authority(code=record.key[0])
        self._assign(instance, record.values, [c.name for c in self.columns()[1:]])
        return self._save(instance, record, context)


# --- editions -------------------------------------------------------------------------------------


class EditionTable(ConceptTable):
    kind = "editions"
    model = Edition
    key_columns = ("code",)
    plain = ("adopted_on", "decision_reference", "decision_on", "is_current", "is_illustrative")

    def columns(self):
        return [
            Column("code", "code", required=True),
            *translated("title", required=True),
            *translated("description"),
            Column("adopted_on", "date"),
            Column("supersedes", "code"),
            Column("decision_reference"),
            Column("decision_on", "date"),
            Column("is_current", "bool"),
            Column("is_illustrative", "bool"),
        ]

    def existing(self):
        return {(e.code,): e for e in Edition.objects.select_related("supersedes")}

    def current(self, instance):
        return {
            "code": instance.code,
            **self._translated_values(instance, "title", "description"),
            "adopted_on": instance.adopted_on,
            "supersedes": instance.supersedes.code if instance.supersedes_id else "",
            "decision_reference": instance.decision_reference,
            "decision_on": instance.decision_on,
            "is_current": instance.is_current,
            "is_illustrative": instance.is_illustrative,
        }

    def check(self, record, context):
        supersedes = record.values.get("supersedes")
        if supersedes:
            if (supersedes,) == record.key:
                context.problem(record, "supersedes", _("an edition cannot supersede itself"))
            elif not context.known("editions", (supersedes,)):
                context.problem(record, "supersedes", _("unknown edition '%(code)s'") % {"code": supersedes})

    def depends_on(self, record):
        supersedes = record.values.get("supersedes")
        return (supersedes,) if supersedes else None

    def write(self, record, context, instance):
        instance = instance or Edition(code=record.key[0])
        names = [c.name for c in self.columns()[1:] if c.name != "supersedes"]
        self._assign(instance, record.values, names)
        if "supersedes" in record.values:
            code = record.values["supersedes"]
            instance.supersedes = context.obj("editions", (code,)) if code else None
        if record.values.get("is_current"):
            # One current edition: the mark moves to the imported one.
            for other in Edition.objects.filter(is_current=True).exclude(code=instance.code):
                other.is_current = False
                other._history_user = context.user
                other._change_reason = context.reason
                other.save(update_fields=["is_current", "updated_at"])
        return self._save(instance, record, context)


# --- breakdowns -----------------------------------------------------------------------------------


class BreakdownTable(ConceptTable):
    """Dimensions and their categories, one row per category (a row without category declares a dimension)."""

    kind = "breakdowns"
    model = BreakdownCategory

    def columns(self):
        return [
            Column("dimension", "code", required=True),
            *translated("dimension_name", required=True),
            Column("dimension_position", "int", default=0),
            Column("category", "code"),
            *translated("category_name"),
            Column("category_position", "int", default=0),
        ]

    def existing(self):
        result: dict[tuple, models.Model] = {}
        for dimension in BreakdownDimension.objects.all():
            result[("dimension", dimension.code)] = dimension
        for category in BreakdownCategory.objects.select_related("dimension"):
            result[("category", category.dimension.code, category.code)] = category
        return result

    def current(self, instance):
        if isinstance(instance, BreakdownDimension):
            return {
                "dimension": instance.code,
                **{f"dimension_name_{code}": getattr(instance, f"name_{code}") or "" for code in languages()},
                "dimension_position": instance.position,
            }
        return {
            "dimension": instance.dimension.code,
            "category": instance.code,
            **{f"category_name_{code}": getattr(instance, f"name_{code}") or "" for code in languages()},
            "category_position": instance.position,
        }

    def export_rows(self) -> list[dict[str, object]]:
        """One row per category (dimension columns repeated); a dimension without categories gets one row."""
        rows = []
        dimensions = BreakdownDimension.objects.order_by("code")
        categories = BreakdownCategory.objects.select_related("dimension").order_by("dimension__code", "code")
        by_dimension: dict[int, list] = {}
        for category in categories:
            by_dimension.setdefault(category.dimension_id, []).append(category)
        for dimension in dimensions:
            head = self.current(dimension)
            for category in by_dimension.get(dimension.pk, []) or [None]:
                rows.append({**head, **(self.current(category) if category else {})})
        return rows

    def records_from_row(self, values, file, row):
        dimension = values.get("dimension", "")
        head = {name: value for name, value in values.items() if name.startswith("dimension")}
        records = [Record(self.kind, ("dimension", dimension), head, file, row)]
        if values.get("category"):
            category = {name: value for name, value in values.items() if name.startswith("category")}
            category["dimension"] = dimension
            records.append(Record(self.kind, ("category", dimension, values["category"]), category, file, row))
        return records

    def describe(self, key):
        return key[1] if key[0] == "dimension" else f"{key[1]}={key[2]}"

    def check(self, record, context):
        if record.key[0] == "dimension" and record.key[1] in OBSERVATION_COLUMNS:
            context.problem(
                record,
                "dimension",
                _("'%(code)s' is the name of an observation column; choose another dimension code")
                % {"code": record.key[1]},
            )

    def write(self, record, context, instance):
        values = record.values
        if record.key[0] == "dimension":
            instance = instance or BreakdownDimension(code=record.key[1])
            for code in languages():
                if f"dimension_name_{code}" in values:
                    setattr(instance, f"name_{code}", values[f"dimension_name_{code}"] or None)
            if "dimension_position" in values:
                instance.position = values["dimension_position"]
        else:
            instance = instance or BreakdownCategory(
                code=record.key[2], dimension=context.obj("breakdowns", ("dimension", record.key[1]))
            )
            for code in languages():
                if f"category_name_{code}" in values:
                    setattr(instance, f"name_{code}", values[f"category_name_{code}"] or None)
            if not instance.name:
                instance.name_de = instance.name_de or record.key[2]
            if "category_position" in values:
                instance.position = values["category_position"]
        return self._save(instance, record, context)


# --- geography ------------------------------------------------------------------------------------


class GeographyTable(ConceptTable):
    kind = "geography"
    model = Geography
    key_columns = ("code",)

    def columns(self):
        return [
            Column("code", "code", required=True),
            *translated("name", required=True),
            Column("level", "choice", required=True, choices=tuple(Geography.Level.values)),
            Column("parent", "code"),
            Column("population", "int"),
            Column("position", "int", default=0),
        ]

    def existing(self):
        return {(g.code,): g for g in Geography.objects.select_related("parent")}

    def current(self, instance):
        return {
            "code": instance.code,
            **self._translated_values(instance, "name"),
            "level": instance.level,
            "parent": instance.parent.code if instance.parent_id else "",
            "population": instance.population,
            "position": instance.position,
        }

    def check(self, record, context):
        parent = record.values.get("parent")
        if parent and not context.known("geography", (parent,)):
            context.problem(record, "parent", _("unknown geography '%(code)s'") % {"code": parent})

    def depends_on(self, record):
        parent = record.values.get("parent")
        return (parent,) if parent else None

    def write(self, record, context, instance):
        instance = instance or Geography(code=record.key[0])
        self._assign(instance, record.values, [name for name in record.values if name not in ("code", "parent")])
        if "parent" in record.values:
            code = record.values["parent"]
            instance.parent = context.obj("geography", (code,)) if code else None
        return self._save(instance, record, context)


# --- areas and sub-goals --------------------------------------------------------------------------


class AreaTable(ConceptTable):
    kind = "areas"
    model = AreaOfAction
    key_columns = ("edition", "code")

    def columns(self):
        return [
            Column("edition", "code", required=True),
            Column("code", "code", required=True),
            Column("parent", "code"),
            *translated("title", required=True),
            *translated("we_statement"),
            *translated("description"),
            Column("position", "int", default=0),
        ]

    def existing(self):
        return {(a.edition.code, a.code): a for a in AreaOfAction.objects.select_related("edition", "parent")}

    def current(self, instance):
        return {
            "edition": instance.edition.code,
            "code": instance.code,
            "parent": instance.parent.code if instance.parent_id else "",
            **self._translated_values(instance, "title", "we_statement", "description"),
            "position": instance.position,
        }

    def check(self, record, context):
        edition, _code = record.key
        if not context.known("editions", (edition,)):
            context.problem(record, "edition", _("unknown edition '%(code)s'") % {"code": edition})
        parent = record.values.get("parent")
        if parent:
            if (edition, parent) == record.key:
                context.problem(record, "parent", _("an area cannot be its own parent"))
            elif not context.known("areas", (edition, parent)):
                context.problem(
                    record,
                    "parent",
                    _("unknown area '%(code)s' in edition '%(edition)s'") % {"code": parent, "edition": edition},
                )

    def depends_on(self, record):
        parent = record.values.get("parent")
        return (record.key[0], parent) if parent else None

    def write(self, record, context, instance):
        edition, code = record.key
        instance = instance or AreaOfAction(edition=context.obj("editions", (edition,)), code=code)
        self._assign(instance, record.values, [n for n in record.values if n not in ("edition", "code", "parent")])
        if "parent" in record.values:
            parent = record.values["parent"]
            instance.parent = context.obj("areas", (edition, parent)) if parent else None
        return self._save(instance, record, context)


class SubGoalTable(ConceptTable):
    kind = "sub_goals"
    model = SubGoal
    key_columns = ("edition", "area", "code")

    def columns(self):
        return [
            Column("edition", "code", required=True),
            Column("area", "code", required=True),
            Column("code", "code", required=True),
            *translated("text", required=True),
            Column("position", "int", default=0),
        ]

    def existing(self):
        return {(g.area.edition.code, g.area.code, g.code): g for g in SubGoal.objects.select_related("area__edition")}

    def current(self, instance):
        return {
            "edition": instance.area.edition.code,
            "area": instance.area.code,
            "code": instance.code,
            **self._translated_values(instance, "text"),
            "position": instance.position,
        }

    def check(self, record, context):
        edition, area, _code = record.key
        if not context.known("areas", (edition, area)):
            context.problem(
                record,
                "area",
                _("unknown area '%(code)s' in edition '%(edition)s'") % {"code": area, "edition": edition},
            )

    def write(self, record, context, instance):
        edition, area, code = record.key
        instance = instance or SubGoal(area=context.obj("areas", (edition, area)), code=code)
        self._assign(instance, record.values, [n for n in record.values if n not in self.key_columns])
        return self._save(instance, record, context)


# --- indicators -----------------------------------------------------------------------------------


def single_category(text: str, context: Context) -> str:
    """A group such as 'migration_background=yes': exactly one known category, as its canonical key."""
    key = breakdown_key(text, context)
    if key and "|" in key:
        raise CellError(
            _("'%(value)s' names several categories; a group is one category such as migration_background=yes")
            % {"value": text}
        )
    return key


def breakdown_key(text: str, context: Context) -> str:
    """Canonical key of 'dimension=category|...' (any order); unknown dimensions or categories are errors."""
    text = (text or "").strip()
    if not text:
        return ""
    pairs = []
    for part in text.split("|"):
        dimension, sep, category = (piece.strip() for piece in part.partition("="))
        if not sep or not dimension or not category:
            raise CellError(
                _(
                    "'%(value)s' is not a breakdown; write dimension=category, several joined by '|' "
                    "(e.g. migration_background=yes|sex=female)"
                )
                % {"value": text}
            )
        pairs.append((dimension, category))
    known = context.categories()
    for dimension, category in pairs:
        check_category(dimension, category, known)
    try:
        return breakdown_keys.make_key(pairs)
    except breakdown_keys.BreakdownKeyError as error:
        raise CellError(str(error)) from None


def check_category(dimension: str, category: str, known: dict[str, set[str]]) -> None:
    if dimension not in known:
        raise CellError(
            _("unknown breakdown dimension '%(dimension)s' (known: %(known)s)")
            % {"dimension": dimension, "known": ", ".join(sorted(known)) or "-"}
        )
    if category not in known[dimension]:
        raise CellError(
            _("unknown category '%(category)s' of dimension '%(dimension)s' (known: %(known)s)")
            % {"category": category, "dimension": dimension, "known": ", ".join(sorted(known[dimension])) or "-"}
        )


class IndicatorTable(ConceptTable):
    """One row per indicator and edition: the indicator's stable code and its version in that edition."""

    kind = "indicators"
    model = IndicatorVersion
    key_columns = ("code", "edition")
    plain = (
        "status",
        "decimals",
        "direction",
        "comparison",
        "gap_metric",
        "source_url",
        "profile",
        "profile_parameters",
        "minimum_sample_size",
        "position",
    )

    def columns(self):
        return [
            Column("code", "code", required=True),
            Column("edition", "code", required=True),
            Column("area", "code", required=True),
            Column("status", "choice", choices=tuple(IndicatorVersion.Status.values), default="active"),
            *translated("title", required=True),
            *translated("definition", required=True),
            *translated("unit", required=True),
            Column("decimals", "int", default=1),
            Column("direction", "choice", required=True, choices=tuple(Direction.values)),
            Column("comparison", "choice", choices=tuple(IndicatorVersion.Comparison.values), default="absolute"),
            Column("group_a", "breakdown"),
            Column("group_b", "breakdown"),
            Column("gap_metric", "choice", choices=tuple(IndicatorVersion.GapMetric.values), default="difference"),
            *translated("data_source"),
            Column("source_url"),
            Column("authority", "code"),
            Column("breakdowns", "codes"),
            Column("profile", "choice", choices=tuple(IndicatorVersion.Profile.values), default="opensdg"),
            Column("profile_parameters", "json"),
            Column("minimum_sample_size", "int"),
            Column("sub_goals", "codes"),
            Column("position", "int", default=0),
        ]

    def existing(self):
        versions = IndicatorVersion.objects.select_related(
            "indicator", "edition", "area", "authority", "group_a__dimension", "group_b__dimension"
        ).prefetch_related("breakdowns", "sub_goals__area")
        return {(v.indicator.code, v.edition.code): v for v in versions}

    def current(self, instance):
        return {
            "code": instance.indicator.code,
            "edition": instance.edition.code,
            "area": instance.area.code,
            **self._translated_values(instance, "title", "definition", "unit", "data_source"),
            "group_a": instance.group_a.key if instance.group_a_id else "",
            "group_b": instance.group_b.key if instance.group_b_id else "",
            "authority": instance.authority.code if instance.authority_id else "",
            "breakdowns": tuple(sorted(d.code for d in instance.breakdowns.all())),
            "sub_goals": tuple(sorted(f"{g.area.code}/{g.code}" for g in instance.sub_goals.all())),
            **{name: getattr(instance, name) for name in self.plain},
        }

    def records_from_row(self, values, file, row):
        records = super().records_from_row(values, file, row)
        # Sub-goals may be given by code alone (in the indicator's own area); compare in the full form.
        area = values.get("area", "")
        if "sub_goals" in values:
            values["sub_goals"] = tuple(sorted(g if "/" in g else f"{area}/{g}" for g in values["sub_goals"]))
        if "breakdowns" in values:
            values["breakdowns"] = tuple(sorted(values["breakdowns"]))
        return records

    def prepare(self, record, context):
        for column in ("group_a", "group_b"):
            if record.values.get(column):
                try:
                    record.values[column] = single_category(record.values[column], context)
                except CellError as error:
                    context.problem(record, column, str(error))

    def check(self, record, context):
        values = record.values
        code, edition = record.key
        if not context.known("editions", (edition,)):
            context.problem(record, "edition", _("unknown edition '%(code)s'") % {"code": edition})
        if values.get("area") and not context.known("areas", (edition, values["area"])):
            context.problem(
                record,
                "area",
                _("unknown area '%(code)s' in edition '%(edition)s'") % {"code": values["area"], "edition": edition},
            )
        if values.get("authority") and not context.known("authorities", (values["authority"],)):
            context.problem(record, "authority", _("unknown authority '%(code)s'") % {"code": values["authority"]})
        known = context.categories()
        for dimension in values.get("breakdowns", ()):
            if dimension not in known:
                context.problem(
                    record,
                    "breakdowns",
                    _("unknown breakdown dimension '%(dimension)s' (known: %(known)s)")
                    % {"dimension": dimension, "known": ", ".join(sorted(known)) or "-"},
                )
        for reference in values.get("sub_goals", ()):
            area, _sep, goal = reference.partition("/")
            if not context.known("sub_goals", (edition, area, goal)):
                context.problem(
                    record,
                    "sub_goals",
                    _("unknown sub-goal '%(code)s' in area '%(area)s' of edition '%(edition)s'")
                    % {"code": goal, "area": area, "edition": edition},
                )
        if values.get("comparison") == IndicatorVersion.Comparison.GAP:
            if not (values.get("group_a") and values.get("group_b")):
                context.problem(
                    record,
                    "group_b",
                    _(
                        "a gap indicator compares two groups: fill in group_a and "
                        "group_b (e.g. migration_background=yes and ...=no)"
                    ),
                )
            elif values["group_a"] == values["group_b"]:
                context.problem(record, "group_b", _("group_a and group_b must differ"))

    def write(self, record, context, instance):
        code, edition = record.key
        values = record.values
        indicator = context.saved.setdefault("indicator_codes", {}).get((code,))
        if indicator is None:
            indicator = Indicator.objects.filter(code=code).first()
            if indicator is None:
                indicator = Indicator(code=code)
                indicator._history_user = context.user
                indicator._change_reason = context.reason
                indicator.full_clean()
                indicator.save()
            context.saved["indicator_codes"][(code,)] = indicator
        instance = instance or IndicatorVersion(indicator=indicator, edition=context.obj("editions", (edition,)))
        if "area" in values:
            instance.area = context.obj("areas", (edition, values["area"]))
        self._assign(instance, values, [n for n in values if self._is_translation(n) or n in self.plain])
        if "authority" in values:
            instance.authority = context.obj("authorities", (values["authority"],)) if values["authority"] else None
        for column in ("group_a", "group_b"):
            if column in values:
                setattr(instance, column, self._category(values[column], context))
        self._save(instance, record, context)
        if record.is_broken:
            return instance
        if "breakdowns" in values:
            wanted = [context.obj("breakdowns", ("dimension", d)) for d in values["breakdowns"]]
            if {d.pk for d in wanted} != set(instance.breakdowns.values_list("pk", flat=True)):
                instance.breakdowns.set(wanted)
        if "sub_goals" in values:
            wanted = [
                context.obj("sub_goals", (edition, *reference.split("/", 1))) for reference in values["sub_goals"]
            ]
            if {g.pk for g in wanted} != set(instance.sub_goals.values_list("pk", flat=True)):
                instance.sub_goals.set(wanted)
        return instance

    def _category(self, key: str, context: Context) -> BreakdownCategory | None:
        if not key:
            return None
        dimension, category = key.split("=", 1)
        return context.obj("breakdowns", ("category", dimension, category))


# --- measures -------------------------------------------------------------------------------------


class MeasureTable(ConceptTable):
    kind = "measures"
    model = Measure
    key_columns = ("code",)
    plain = ("status", "starts_on", "ends_on", "url")

    def columns(self):
        return [
            Column("code", "code", required=True),
            *translated("title", required=True),
            *translated("description"),
            Column("authority", "code"),
            Column("status", "choice", choices=tuple(Measure.Status.values), default="ongoing"),
            Column("starts_on", "date"),
            Column("ends_on", "date"),
            Column("url"),
            Column("sub_goals", "codes"),
            Column("indicators", "codes"),
        ]

    def existing(self):
        measures = Measure.objects.select_related("authority").prefetch_related(
            "sub_goals__area__edition", "indicators"
        )
        return {(m.code,): m for m in measures}

    def current(self, instance):
        return {
            "code": instance.code,
            **self._translated_values(instance, "title", "description"),
            "authority": instance.authority.code if instance.authority_id else "",
            **{name: getattr(instance, name) for name in self.plain},
            "sub_goals": tuple(
                sorted(f"{g.area.edition.code}/{g.area.code}/{g.code}" for g in instance.sub_goals.all())
            ),
            "indicators": tuple(sorted(i.code for i in instance.indicators.all())),
        }

    def records_from_row(self, values, file, row):
        for name in ("sub_goals", "indicators"):
            if name in values:
                values[name] = tuple(sorted(values[name]))
        return super().records_from_row(values, file, row)

    def check(self, record, context):
        values = record.values
        if values.get("authority") and not context.known("authorities", (values["authority"],)):
            context.problem(record, "authority", _("unknown authority '%(code)s'") % {"code": values["authority"]})
        for reference in values.get("sub_goals", ()):
            parts = tuple(reference.split("/"))
            if len(parts) != 3:
                context.problem(
                    record, "sub_goals", _("'%(value)s': write a sub-goal as edition/area/code") % {"value": reference}
                )
            elif not context.known("sub_goals", parts):
                context.problem(record, "sub_goals", _("unknown sub-goal '%(value)s'") % {"value": reference})
        for code in values.get("indicators", ()):
            if not context.known("indicator_codes", (code,)):
                context.problem(record, "indicators", _("unknown indicator '%(code)s'") % {"code": code})
        starts_on, ends_on = values.get("starts_on"), values.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            context.problem(
                record,
                "ends_on",
                _("the measure ends (%(end)s) before it starts (%(start)s)") % {"end": ends_on, "start": starts_on},
            )

    def write(self, record, context, instance):
        values = record.values
        instance = instance or Measure(code=record.key[0])
        self._assign(instance, values, [n for n in values if self._is_translation(n) or n in self.plain])
        if "authority" in values:
            instance.authority = context.obj("authorities", (values["authority"],)) if values["authority"] else None
        self._save(instance, record, context)
        if record.is_broken:
            return instance
        if "sub_goals" in values:
            wanted = [context.obj("sub_goals", tuple(reference.split("/"))) for reference in values["sub_goals"]]
            if {g.pk for g in wanted} != set(instance.sub_goals.values_list("pk", flat=True)):
                instance.sub_goals.set(wanted)
        if "indicators" in values:
            wanted = list(Indicator.objects.filter(code__in=values["indicators"]))
            if {i.pk for i in wanted} != set(instance.indicators.values_list("pk", flat=True)):
                instance.indicators.set(wanted)
        return instance


# --- targets --------------------------------------------------------------------------------------


class TargetTable(ConceptTable):
    kind = "targets"
    model = Target
    key_columns = ("indicator", "edition", "kind", "breakdown", "geography")
    plain = ("baseline_value", "baseline_year", "target_value", "target_year")

    def columns(self):
        return [
            Column("indicator", "code", required=True),
            Column("edition", "code", required=True),
            Column("kind", "choice", choices=tuple(Target.Kind.values), default="value"),
            Column("breakdown", "breakdown"),
            Column("geography", "code", required=True),
            Column("baseline_value", "number", required=True),
            Column("baseline_year", "int", required=True),
            Column("target_value", "number", required=True),
            Column("target_year", "int", required=True),
            *translated("note"),
        ]

    def existing(self):
        targets = Target.objects.select_related("indicator", "edition", "geography")
        return {(t.indicator.code, t.edition.code, t.kind, t.breakdown_key, t.geography.code): t for t in targets}

    def current(self, instance):
        return {
            "indicator": instance.indicator.code,
            "edition": instance.edition.code,
            "kind": instance.kind,
            "breakdown": instance.breakdown_key,
            "geography": instance.geography.code,
            **{name: getattr(instance, name) for name in self.plain},
            **self._translated_values(instance, "note"),
        }

    def records_from_row(self, values, file, row):
        values.setdefault("kind", "value")
        values.setdefault("breakdown", "")
        return super().records_from_row(values, file, row)

    def prepare(self, record, context):
        indicator, edition, kind, breakdown, geography = record.key
        if breakdown:
            try:
                canonical = breakdown_key(breakdown, context)
            except CellError as error:
                context.problem(record, "breakdown", str(error))
            else:
                record.values["breakdown"] = canonical
                record.key = (indicator, edition, kind, canonical, geography)

    def check(self, record, context):
        values = record.values
        indicator, edition, kind, breakdown, geography = record.key
        if not context.known("indicator_codes", (indicator,)):
            context.problem(record, "indicator", _("unknown indicator '%(code)s'") % {"code": indicator})
        if not context.known("editions", (edition,)):
            context.problem(record, "edition", _("unknown edition '%(code)s'") % {"code": edition})
        if not context.known("geography", (geography,)):
            context.problem(record, "geography", _("unknown geography '%(code)s'") % {"code": geography})
        if breakdown and kind == Target.Kind.GAP:
            context.problem(
                record,
                "breakdown",
                _("a gap target is for the gap between the indicator's two groups; leave the breakdown empty"),
            )
        baseline_year, target_year = values.get("baseline_year"), values.get("target_year")
        if baseline_year is not None and target_year is not None and target_year <= baseline_year:
            context.problem(
                record,
                "target_year",
                _("the target year %(target)s is not after the baseline year %(baseline)s")
                % {"target": target_year, "baseline": baseline_year},
            )

    def write(self, record, context, instance):
        indicator, edition, kind, breakdown, geography = record.key
        instance = instance or Target(
            indicator=context.saved.get("indicator_codes", {}).get((indicator,))
            or Indicator.objects.get(code=indicator),
            edition=context.obj("editions", (edition,)),
            kind=kind,
            breakdown_key=breakdown,
            geography=context.obj("geography", (geography,)),
        )
        self._assign(instance, record.values, [n for n in record.values if self._is_translation(n) or n in self.plain])
        return self._save(instance, record, context)


TABLES: dict[str, ConceptTable] = {
    table.kind: table
    for table in (
        AuthorityTable(),
        EditionTable(),
        BreakdownTable(),
        GeographyTable(),
        AreaTable(),
        SubGoalTable(),
        IndicatorTable(),
        MeasureTable(),
        TargetTable(),
    )
}
