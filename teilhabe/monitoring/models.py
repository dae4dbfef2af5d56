"""The monitoring domain: concept editions, areas of action, sub-goals, indicators,
targets, observations and measures (docs/architecture.md)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teilhabe.accounts.models import Authority
from teilhabe.core.models import TimeStampedModel

from .periods import PeriodKind


class Edition(TimeStampedModel):
    """An edition of the integration concept (2006, 2013 update, 2017 update, ...)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    supersedes = models.ForeignKey(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    decision_reference = models.CharField(
        _("decision reference"), max_length=200, blank=True, help_text=_("E.g. parliamentary paper number.")
    )
    decision_on = models.DateField(_("decided on"), null=True, blank=True)
    is_current = models.BooleanField(_("current edition"), default=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo content, not an official concept.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("concept edition")
        verbose_name_plural = _("concept editions")
        ordering = ["-adopted_on", "code"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.supersedes_id is not None and self.supersedes_id == self.pk:
            raise ValidationError({"supersedes": _("An edition cannot supersede itself.")})


class EditionAttachment(TimeStampedModel):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="editions/")
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["edition", "title"]

    def __str__(self) -> str:
        return self.title


class AreaOfAction(TimeStampedModel):
    """A field of action or, nested inside one, a topic (Handlungsfeld)."""

    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="areas")
    code = models.SlugField(_("code"), max_length=50)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent area"), on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    title = models.CharField(_("title"), max_length=300)
    we_statement = models.TextField(_("we-statement"), blank=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("area of action")
        verbose_name_plural = _("areas of action")
        ordering = ["edition", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["edition", "code"], name="unique_area_code_per_edition")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:area_detail", kwargs={"edition": self.edition.code, "code": self.code})

    def clean(self) -> None:
        if self.parent_id is not None:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("An area cannot be its own parent.")})
            if self.parent.edition_id != self.edition_id:
                raise ValidationError({"parent": _("The parent area must belong to the same edition.")})


class SubGoal(TimeStampedModel):
    """A sub-goal (Teilziel) of an area of action."""

    area = models.ForeignKey(
        AreaOfAction, verbose_name=_("area of action"), on_delete=models.CASCADE, related_name="sub_goals"
    )
    code = models.SlugField(_("code"), max_length=50)
    text = models.TextField(_("text"))
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sub-goal")
        verbose_name_plural = _("sub-goals")
        ordering = ["area", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="unique_subgoal_code_per_area")]

    def __str__(self) -> str:
        return self.text[:80]


class BreakdownDimension(models.Model):
    """A dimension observations are broken down by (immigrant background, sex, age band, ...)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("breakdown dimension")
        verbose_name_plural = _("breakdown dimensions")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class BreakdownCategory(models.Model):
    dimension = models.ForeignKey(
        BreakdownDimension, verbose_name=_("dimension"), on_delete=models.CASCADE, related_name="categories"
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("breakdown category")
        verbose_name_plural = _("breakdown categories")
        ordering = ["dimension", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["dimension", "code"], name="unique_category_per_dimension")]

    def __str__(self) -> str:
        return f"{self.dimension.name}: {self.name}"

    @property
    def key(self) -> str:
        """The breakdown key of this category alone."""
        return f"{self.dimension.code}={self.code}"


class Geography(models.Model):
    """The city and its districts, as a hierarchy, with population for weighting."""

    class Level(models.TextChoices):
        CITY = "city", _("City")
        DISTRICT = "district", _("District")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("geography")
        verbose_name_plural = _("geographies")
        ordering = ["level", "position", "code"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("portal:district_detail", kwargs={"code": self.code})

    def clean(self) -> None:
        if self.level == self.Level.CITY and self.parent_id is not None:
            raise ValidationError({"parent": _("The city has no parent.")})
        if self.level == self.Level.DISTRICT and self.parent_id is None:
            raise ValidationError({"parent": _("A district needs its city as parent.")})


class Direction(models.TextChoices):
    POSITIVE = "positive", _("Higher is better")
    NEGATIVE = "negative", _("Lower is better")


class Indicator(TimeStampedModel):
    """An indicator's stable identity across editions; observations attach here."""

    code = models.CharField(_("code"), max_length=50, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("portal:indicator_detail", kwargs={"code": self.code})


class IndicatorVersion(TimeStampedModel):
    """What an indicator means in one edition: definition, unit, direction, profile, status."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        RETIRED = "retired", _("Retired")

    class Comparison(models.TextChoices):
        ABSOLUTE = "absolute", _("Absolute value")
        GAP = "gap", _("Gap between two groups")

    class GapMetric(models.TextChoices):
        DIFFERENCE = "difference", _("Difference in points")
        RATIO = "ratio", _("Ratio")
        PARITY_INDEX = "parity_index", _("Parity index")

    class Profile(models.TextChoices):
        OPENSDG = "opensdg", _("Open SDG progress measure")
        UN_PROGRESS_CHART = "un_progress_chart", _("UN SDG Progress Chart")
        GERMAN_WEATHER = "german_weather", _("German Sustainability Strategy (weather)")
        TARGET_ATTAINMENT = "target_attainment", _("Target attainment")
        LINEAR = "linear", _("Linear (for gaps)")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="versions"
    )
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="indicator_versions"
    )
    area = models.ForeignKey(
        AreaOfAction, verbose_name=_("area of action"), on_delete=models.PROTECT, related_name="indicator_versions"
    )
    sub_goals = models.ManyToManyField(
        SubGoal, verbose_name=_("sub-goals"), blank=True, related_name="indicator_versions"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    title = models.CharField(_("title"), max_length=300)
    definition = models.TextField(_("definition"))
    unit = models.CharField(_("unit"), max_length=100, help_text=_("E.g. % or per 1,000 inhabitants."))
    decimals = models.PositiveSmallIntegerField(_("decimal places"), default=1)
    direction = models.CharField(_("desired direction"), max_length=10, choices=Direction.choices)
    comparison = models.CharField(
        _("comparison"), max_length=10, choices=Comparison.choices, default=Comparison.ABSOLUTE
    )
    group_a = models.ForeignKey(
        BreakdownCategory,
        verbose_name=_("group compared"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("E.g. people with an immigrant background."),
    )
    group_b = models.ForeignKey(
        BreakdownCategory,
        verbose_name=_("reference group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("E.g. people without an immigrant background."),
    )
    gap_metric = models.CharField(
        _("gap metric"), max_length=20, choices=GapMetric.choices, default=GapMetric.DIFFERENCE
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    source_url = models.URLField(_("source link"), blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("responsible authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicator_versions",
    )
    breakdowns = models.ManyToManyField(BreakdownDimension, verbose_name=_("reported by"), blank=True)
    profile = models.CharField(_("assessment profile"), max_length=30, choices=Profile.choices, default=Profile.OPENSDG)
    profile_parameters = models.JSONField(
        _("profile parameters"),
        default=dict,
        blank=True,
        help_text=_('E.g. {"limit": 100, "base_year": 2015, "thresholds": {...}} (docs/methods/progress.md).'),
    )
    minimum_sample_size = models.PositiveIntegerField(_("minimum sample size"), null=True, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator version")
        verbose_name_plural = _("indicator versions")
        ordering = ["edition", "area", "position", "indicator__code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "edition"], name="one_version_per_edition"),
            models.CheckConstraint(
                condition=Q(comparison="absolute") | (Q(group_a__isnull=False) & Q(group_b__isnull=False)),
                name="gap_needs_two_groups",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.title}"

    def get_absolute_url(self) -> str:
        return self.indicator.get_absolute_url()

    def clean(self) -> None:
        errors = {}
        if self.area_id and self.edition_id and self.area.edition_id != self.edition_id:
            errors["area"] = _("The area must belong to the same edition.")
        if self.comparison == self.Comparison.GAP:
            if not (self.group_a_id and self.group_b_id):
                errors["group_b"] = _("A gap indicator compares two groups.")
            elif self.group_a_id == self.group_b_id:
                errors["group_b"] = _("The two groups must differ.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_gap(self) -> bool:
        return self.comparison == self.Comparison.GAP


class Target(TimeStampedModel):
    """A target value (Zielwert) for a group's value or for the gap between groups."""

    class Kind(models.TextChoices):
        VALUE = "value", _("Value")
        GAP = "gap", _("Gap between groups")

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    edition = models.ForeignKey(Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VALUE)
    breakdown_key = models.CharField(
        _("group"), max_length=1000, blank=True, default="", help_text=_("Empty for the total.")
    )
    geography = models.ForeignKey(
        Geography, verbose_name=_("geography"), on_delete=models.PROTECT, related_name="targets"
    )
    baseline_value = models.FloatField(_("baseline value"))
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    target_value = models.FloatField(_("target value"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    note = models.TextField(_("note"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "edition", "kind", "breakdown_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "edition", "kind", "breakdown_key", "geography"], name="one_target_per_series"
            ),
            models.CheckConstraint(
                condition=Q(target_year__gt=F("baseline_year")), name="target_year_after_baseline_year"
            ),
            models.CheckConstraint(condition=Q(kind="value") | Q(breakdown_key=""), name="gap_target_has_no_group"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.target_value} ({self.target_year})"

    def clean(self) -> None:
        if self.baseline_year is not None and self.target_year is not None and self.target_year <= self.baseline_year:
            raise ValidationError({"target_year": _("The target year must be after the baseline year.")})


class ImportRun(models.Model):
    """One import of data files: who ran it, when, which files (with their SHA-256 checksums) and what it did.

    The audit record of every observation it created (`Observation.import_run`); a later change of a stored
    observation is a revision in the observations' history instead (docs/data-formats.md, "Who entered a value").
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=100, blank=True)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # [{"name": ..., "sha256": ..., "bytes": ...}] in the order the files were read.
    files = models.JSONField(_("files"), default=list, blank=True)
    # table kind → [created, updated, unchanged]
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {', '.join(f['name'] for f in self.files)}"


class _ObservationHistory(HistoricalRecords):
    """The observations' history: imports write it in bulk (a million rows at a time); it is read per
    observation (the `id` index) and by date (`history_date`), so it has no other index and, like
    simple_history's copies of the observation's own foreign keys, no constraint on the user either."""

    def _get_history_user_fields(self):
        fields = super()._get_history_user_fields()
        fields["history_user"].db_index = False
        return fields


class Observation(TimeStampedModel):
    """One value per indicator, period, breakdown and geography, with its revision history.

    Indexes (kept few: every one costs time on each imported row): the primary key and the unique
    constraint, which leads with indicator, geography and breakdown and so also serves reading a series
    and every query by indicator; hence no separate indexes on the foreign keys.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="observations", db_index=False
    )
    period = models.CharField(_("period"), max_length=40, help_text=_("2016, 2016/17 or 2016-12-31."))
    period_kind = models.CharField(_("period kind"), max_length=20, choices=[(k.value, k.value) for k in PeriodKind])
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    breakdown_key = models.CharField(
        _("breakdown"), max_length=1000, blank=True, default="", help_text=_("Empty for the total.")
    )
    geography = models.ForeignKey(
        Geography, verbose_name=_("geography"), on_delete=models.PROTECT, related_name="observations", db_index=False
    )
    value = models.FloatField(_("value"))
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    progress_value = models.FloatField(
        _("value for assessment"),
        null=True,
        blank=True,
        help_text=_("A transformed value used only for the progress assessment (Open SDG 'Progress' column)."),
    )
    standard_error = models.FloatField(_("standard error"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    is_provisional = models.BooleanField(_("provisional"), default=False)
    source = models.CharField(_("source"), max_length=300, blank=True)
    released_on = models.DateField(
        _("release date"), null=True, blank=True, help_text=_("Not public before this date.")
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # Set on the rows an import created: who entered them and when is the run's (no history row per new row).
    # No database constraint: PostgreSQL would check it row by row at commit (a third of a first import's time),
    # while the import writes the run and its rows in one transaction; PROTECT still guards deleting a run.
    import_run = models.ForeignKey(
        ImportRun,
        verbose_name=_("import run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="observations",
        db_index=False,
        db_constraint=False,
    )
    history = _ObservationHistory(no_db_index=["indicator", "geography", "import_run"], user_db_constraint=False)

    class Meta:
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        ordering = ["indicator", "geography", "breakdown_key", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "geography", "breakdown_key", "period"], name="one_observation_per_cell"
            ),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="period_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period} {self.breakdown_key or 'total'}: {self.value}"


class Measure(TimeStampedModel):
    """A measure (Maßnahme) of an authority, linked to the sub-goals and indicators it serves."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("responsible authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ONGOING)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    url = models.URLField(_("link"), blank=True)
    sub_goals = models.ManyToManyField(SubGoal, verbose_name=_("sub-goals"), blank=True, related_name="measures")
    indicators = models.ManyToManyField(Indicator, verbose_name=_("indicators"), blank=True, related_name="measures")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="measure_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("portal:measure_detail", kwargs={"code": self.code})


class Assessment(models.Model):
    """A stored progress assessment of one series (total, group or gap; city or district).

    Recomputed by a background job whenever observations or targets change
    (assessing.recompute_assessments via tasks.enqueue_recompute); read through queries.list_assessments.
    """

    class SeriesKind(models.TextChoices):
        TOTAL = "total", _("Total")
        GROUP = "group", _("Group")
        GAP = "gap", _("Gap")

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="assessments")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="assessments")
    series_kind = models.CharField(max_length=10, choices=SeriesKind.choices)
    breakdown_key = models.CharField(max_length=1000, blank=True, default="")
    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="assessments")
    profile = models.CharField(max_length=30)
    status = models.CharField(max_length=30)
    score = models.FloatField(null=True)
    progress_value = models.FloatField(null=True)
    needed_change_per_year = models.FloatField(null=True)
    is_uncertain = models.BooleanField(default=False)
    components = models.JSONField(default=dict)
    explanation_de = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "edition", "series_kind", "breakdown_key", "geography"],
                name="one_assessment_per_series",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.series_kind} {self.breakdown_key}: {self.status}"
