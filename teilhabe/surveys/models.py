"""Surveys: questionnaires, anonymous responses, and the integration barometer (waves, margins, weights, index).

Anonymity is a property of the schema: a Response has no user, no address and no time finer than the day,
and is known outside the database only by a random public id; a used invitation code keeps only the day it
was used and no link to the response; resumption drafts are keyed by a hash of their own random code, hold
no invitation code, and are deleted on submission (docs/surveys.md).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel
from teilhabe.monitoring.models import AreaOfAction, Edition, Geography

# Variable names in exports (CSV, XLSX, SPSS): a letter, then letters, digits or underscores.
variable_name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    _("Use lower-case letters, digits and underscores, starting with a letter (it becomes a variable name)."),
)


# Paths under /umfragen/ that are not surveys.
RESERVED_SLUGS = ("barometer", "struktur-und-klima")
# Names the exports use for every survey; a question cannot take them.
RESERVED_VARIABLES = ("response_id", "submitted_on", "immigrant_background", "district", "age_band", "sex", "weight")


class ImmigrantBackground(models.TextChoices):
    YES = "yes", _("With an immigrant background")
    NO = "no", _("Without an immigrant background")


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", _("under 18")
    FROM_18_TO_29 = "18_29", _("18 to 29")
    FROM_30_TO_44 = "30_44", _("30 to 44")
    FROM_45_TO_64 = "45_64", _("45 to 64")
    FROM_65 = "65_plus", _("65 and over")


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")


class Survey(TimeStampedModel):
    """A questionnaire: an open online survey of a procedure, or the questionnaire of a barometer wave."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (preview only)")
        OPEN = "open", _("Open for responses")
        CLOSED = "closed", _("Closed")

    class Mode(models.TextChoices):
        OPEN = "open", _("Open to anyone")
        INVITATION = "invitation", _("Invitation codes")

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    thank_you_text = models.TextField(_("text on the confirmation page"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    mode = models.CharField(_("participation mode"), max_length=12, choices=Mode.choices, default=Mode.OPEN)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    edition = models.ForeignKey(
        Edition,
        verbose_name=_("concept edition"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        help_text=_("Its areas of action can be the items of a ranking question."),
    )
    procedure = models.ForeignKey(
        "participation.Procedure",
        verbose_name=_("participation procedure"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="surveys",
        help_text=_("Free-text answers can become contributions of this procedure."),
    )
    has_demographic_block = models.BooleanField(
        _("ask for demographic details"),
        default=False,
        help_text=_("A last page asks for immigrant background, district, age band and sex; each is optional."),
    )
    is_resumable = models.BooleanField(_("can be resumed with a code"), default=True)
    results_are_public = models.BooleanField(_("results are public"), default=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo content, not a real survey.")
    )

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-created_at", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True) | Q(closes_on__isnull=True) | Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:survey_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": _("“%(slug)s” is the address of another page; choose another short name.")
                    % {"slug": self.slug}
                }
            )
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A survey cannot close before it opens.")})

    def is_accepting_responses(self, *, on=None) -> bool:
        day = on or timezone.localdate()
        if self.status != self.Status.OPEN:
            return False
        return (self.opens_on is None or self.opens_on <= day) and (self.closes_on is None or day <= self.closes_on)


class Question(models.Model):
    """One question on a page of a survey; the kind decides how it is asked, stored, analysed and exported."""

    class Kind(models.TextChoices):
        # The same values as questionnaire.Kind, which the pure rules use.
        SINGLE_CHOICE = "single_choice", _("Single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
        RANKING = "ranking", _("Ranking")
        LIKERT = "likert", _("Rating scale (Likert)")
        MATRIX = "matrix", _("Matrix of rating items")
        NUMBER = "number", _("Number")
        FREE_TEXT = "free_text", _("Free text")

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions")
    page = models.PositiveSmallIntegerField(_("page"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    code = models.CharField(_("variable name"), max_length=30, validators=[variable_name_validator])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("explanation"), blank=True)
    is_required = models.BooleanField(_("answer required"), default=False)
    rank_places = models.PositiveSmallIntegerField(
        _("places to rank"),
        null=True,
        blank=True,
        help_text=_("Ranking: how many places respondents fill (the top k); at most the number of items."),
    )
    number_min = models.FloatField(_("smallest number"), null=True, blank=True)
    number_max = models.FloatField(_("largest number"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length (characters)"), default=2000)
    condition_question = models.ForeignKey(
        "self",
        verbose_name=_("show only if the answer to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )
    condition_option = models.ForeignKey(
        "Option",
        verbose_name=_("is (or includes)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dependent_questions",
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "page", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="unique_question_code_per_survey"),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True, condition_option__isnull=True)
                | Q(condition_question__isnull=False, condition_option__isnull=False),
                name="condition_names_question_and_option",
            ),
            models.CheckConstraint(condition=Q(page__gte=1), name="question_page_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.text[:60]}"

    def clean(self) -> None:
        errors = {}
        if self.code in RESERVED_VARIABLES:
            errors["code"] = _("“%(code)s” is used by every export; choose another variable name.") % {
                "code": self.code
            }
        if self.kind == self.Kind.RANKING and not self.rank_places:
            errors["rank_places"] = _("A ranking needs the number of places to rank.")
        if self.number_min is not None and self.number_max is not None and self.number_max < self.number_min:
            errors["number_max"] = _("The largest number must not be smaller than the smallest.")
        if self.max_length < 1:
            errors["max_length"] = _("Allow at least one character.")
        if (self.condition_question_id is None) != (self.condition_option_id is None):
            errors["condition_option"] = _("A condition names both a question and one of its options.")
        elif self.condition_question_id is not None:
            source = self.condition_question
            if source.survey_id != self.survey_id:
                errors["condition_question"] = _("The condition must refer to a question of the same survey.")
            elif source.page >= self.page:
                errors["condition_question"] = _(
                    "The condition must refer to a question on an earlier page, so that it is known when this "
                    "page is shown."
                )
            elif source.kind not in (
                self.Kind.SINGLE_CHOICE,
                self.Kind.MULTIPLE_CHOICE,
                self.Kind.LIKERT,
                self.Kind.RANKING,
            ):
                errors["condition_question"] = _("Conditions work with choice, ranking and rating questions.")
            elif self.condition_option.question_id != source.pk:
                errors["condition_option"] = _("Choose an option of the question the condition refers to.")
        if errors:
            raise ValidationError(errors)


class Option(models.Model):
    """An answer option, a scale point of a rating, or an item to rank (possibly an area of action)."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("code"), max_length=30, validators=[variable_name_validator])
    label = models.CharField(_("label"), max_length=300)
    value = models.SmallIntegerField(
        _("numeric code"), help_text=_("The value in exports; for a rating scale, the scale point (e.g. 1 to 5).")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_dont_know = models.BooleanField(
        _("“don't know”"),
        default=False,
        help_text=_("Counts as an answer but not as a scale point; exported as user-missing."),
    )
    area = models.ForeignKey(
        AreaOfAction,
        verbose_name=_("area of action"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_options",
    )

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["question", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="unique_option_code_per_question"),
            models.UniqueConstraint(fields=["question", "value"], name="unique_option_value_per_question"),
        ]

    def __str__(self) -> str:
        return self.label


class MatrixRow(models.Model):
    """One rating item of a matrix question; all rows share the question's scale options."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="rows")
    code = models.CharField(_("code"), max_length=30, validators=[variable_name_validator])
    text = models.CharField(_("item"), max_length=500)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("matrix item")
        verbose_name_plural = _("matrix items")
        ordering = ["question", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="unique_row_code_per_question")]

    def __str__(self) -> str:
        return self.text


class Response(models.Model):
    """One submitted questionnaire. Deliberately without user, address or time of day (docs/surveys.md).

    The primary key grows with every submission, so it never leaves the database: exports, analysts' pages
    and messages name a response by its random `public_id`, which says nothing about when it arrived.
    """

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="responses")
    public_id = models.UUIDField(_("response id"), default=uuid.uuid4, unique=True, editable=False)
    submitted_on = models.DateField(_("submitted on"))
    immigrant_background = models.CharField(
        _("immigrant background"), max_length=3, choices=ImmigrantBackground.choices, blank=True
    )
    district = models.ForeignKey(
        Geography,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_responses",
        limit_choices_to={"level": Geography.Level.DISTRICT},
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        # By the random id: lists and exports are in no particular order, never in the order of submission.
        ordering = ["survey", "public_id"]

    def __str__(self) -> str:
        return f"{self.survey.slug} {self.public_id}"


class Answer(models.Model):
    """One stored answer: an option (choice, rating, matrix row, ranked item), a number or a text."""

    # Answers are the most written rows, so they carry only the indexes reads need: by response, and by
    # question and option (which also serves lookups by question). Options and items are not deleted once
    # answered (PROTECT), so their foreign keys need no index of their own.
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", db_index=False)
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", db_index=False
    )
    row = models.ForeignKey(
        MatrixRow, on_delete=models.PROTECT, null=True, blank=True, related_name="answers", db_index=False
    )
    rank = models.PositiveSmallIntegerField(null=True, blank=True)
    number = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)
    # Set when staff turned this free-text answer into a contribution of the survey's procedure.
    contribution = models.OneToOneField(
        "participation.Contribution", on_delete=models.PROTECT, null=True, blank=True, related_name="survey_answer"
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["response", "question", "rank", "pk"]
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option")]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.option_id or self.number or self.text[:40]}"


class InvitationCode(models.Model):
    """A one-time code for a survey in invitation mode; only its hash is stored.

    Marked used with the day only, and never linked to the response it admitted.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitation_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    used_on = models.DateField(_("used on"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        ordering = ["survey", "pk"]

    def __str__(self) -> str:
        return f"{self.survey.slug}: {self.code_hash[:8]}…"


class RespondentKey(models.Model):
    """That a response to `survey` has been counted from one browser: a keyed hash, and nothing else.

    The browser holds a random token in a signed cookie (surveys.views). What is stored is
    HMAC-SHA-256(secret key, survey id + token) (services.respondent_key), so:

    - the same browser gives a different key for every survey, and keys of two surveys cannot be joined;
    - without the server's secret key nobody can compute a key from a token, and a key reveals no token;
    - nothing links the key to the response: no foreign key, no date, no time, and the hash itself is the
      primary key, so rows are not numbered in the order the responses arrived.

    Answers are never compared across people: two people who give identical answers are both counted.
    """

    key_hash = models.CharField(max_length=64, primary_key=True)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("respondent key")
        verbose_name_plural = _("respondent keys")

    def __str__(self) -> str:
        return f"{self.key_hash[:8]}…"


class ResumeDraft(models.Model):
    """Answers saved for later, found by a hash of the random code shown to the respondent; deleted on submission.

    A draft never holds the invitation code or its hash. In invitation mode the code is used up when the
    answers are first saved (InvitationCode.used_on, the day only), and the draft records only that it was
    admitted: the draft carries the admission to its submission, and no row links a code to a draft.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="resume_drafts")
    token_hash = models.CharField(max_length=64, unique=True)
    data = models.JSONField(default=dict)
    expires_on = models.DateField()
    is_admitted = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("saved draft")
        verbose_name_plural = _("saved drafts")

    def __str__(self) -> str:
        return f"{self.survey.slug}: {self.token_hash[:8]}…"


# --- The integration barometer ---------------------------------------------------------------------


class Barometer(TimeStampedModel):
    """A representative survey repeated in waves, with its integration climate index definition."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    minimum_domains = models.PositiveSmallIntegerField(
        _("domains needed for the overall index"),
        null=True,
        blank=True,
        help_text=_("Empty: a respondent needs a score in every domain."),
    )
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("barometer")
        verbose_name_plural = _("barometers")
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:barometer_detail", kwargs={"slug": self.slug})


class Wave(TimeStampedModel):
    """One wave (year) of a barometer, asked with its own survey in invitation mode."""

    barometer = models.ForeignKey(
        Barometer, verbose_name=_("barometer"), on_delete=models.CASCADE, related_name="waves"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    survey = models.OneToOneField(Survey, verbose_name=_("survey"), on_delete=models.PROTECT, related_name="wave")
    trim_lower = models.FloatField(_("lowest weight (× mean)"), default=0.2)
    trim_upper = models.FloatField(_("highest weight (× mean)"), default=5.0)

    class Meta:
        verbose_name = _("wave")
        verbose_name_plural = _("waves")
        ordering = ["barometer", "year"]
        constraints = [
            models.UniqueConstraint(fields=["barometer", "year"], name="one_wave_per_year"),
            models.CheckConstraint(
                condition=Q(trim_lower__gte=0) & Q(trim_lower__lt=1) & Q(trim_upper__gt=1), name="wave_trimming_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.barometer} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:wave_detail", kwargs={"slug": self.barometer.slug, "year": self.year})


class MarginDimension(models.TextChoices):
    """The weighting variables; each is a demographic answer of the response."""

    DISTRICT = "district", _("District")
    AGE_BAND = "age_band", _("Age band")
    SEX = "sex", _("Sex")
    IMMIGRANT_BACKGROUND = "immigrant_background", _("Immigrant background")


class PopulationMargin(models.Model):
    """The population total of one category of one weighting variable, for one wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="margins")
    dimension = models.CharField(_("variable"), max_length=30, choices=MarginDimension.choices)
    category = models.CharField(_("category"), max_length=50)
    population = models.FloatField(_("population"))

    class Meta:
        verbose_name = _("population margin")
        verbose_name_plural = _("population margins")
        ordering = ["wave", "dimension", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "dimension", "category"], name="one_margin_per_category"),
            models.CheckConstraint(condition=Q(population__gte=0), name="margin_population_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.category}: {self.population:g}"


class WeightingRun(models.Model):
    """One raking of a wave's responses to its margins, with its diagnostics (docs/methods/survey-weighting.md)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="weighting_runs")
    created_at = models.DateTimeField(_("run at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    converged = models.BooleanField(_("converged"))
    iterations = models.PositiveIntegerField(_("iterations"))
    margin_errors = models.JSONField(_("largest deviation per margin"), default=list)
    respondents = models.PositiveIntegerField(_("responses"))
    weighted_respondents = models.PositiveIntegerField(_("responses weighted"))
    trim_lower = models.FloatField(_("lowest weight (× mean)"))
    trim_upper = models.FloatField(_("highest weight (× mean)"))
    trimming = models.JSONField(_("trimming report"), default=dict)
    weight_min = models.FloatField(_("smallest weight"))
    weight_max = models.FloatField(_("largest weight"))
    weight_mean = models.FloatField(_("mean weight"))
    coefficient_of_variation = models.FloatField(_("coefficient of variation"))
    n_effective = models.FloatField(_("effective sample size"))
    design_effect = models.FloatField(_("design effect"))

    class Meta:
        verbose_name = _("weighting run")
        verbose_name_plural = _("weighting runs")
        ordering = ["wave", "-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.wave} ({self.created_at:%Y-%m-%d %H:%M})"

    @property
    def excluded_respondents(self) -> int:
        return self.respondents - self.weighted_respondents


class ResponseWeight(models.Model):
    run = models.ForeignKey(WeightingRun, on_delete=models.CASCADE, related_name="weights")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="weights")
    weight = models.FloatField()

    class Meta:
        verbose_name = _("response weight")
        verbose_name_plural = _("response weights")
        constraints = [models.UniqueConstraint(fields=["run", "response"], name="one_weight_per_response_and_run")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.weight:g}"


class IndexDomain(models.Model):
    """A domain of the climate index: the mean of its items' 0–100 scores."""

    barometer = models.ForeignKey(Barometer, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(_("code"), max_length=40, validators=[variable_name_validator])
    title = models.CharField(_("title"), max_length=300)
    weight = models.FloatField(_("weight in the overall index"), default=1.0)
    minimum_answered = models.PositiveSmallIntegerField(_("items needed for a score"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("index domain")
        verbose_name_plural = _("index domains")
        ordering = ["barometer", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["barometer", "code"], name="unique_domain_code"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="domain_weight_positive"),
            models.CheckConstraint(condition=Q(minimum_answered__gte=1), name="domain_needs_an_item"),
        ]

    def __str__(self) -> str:
        return self.title


class IndexItem(models.Model):
    """A rating in the index, named by its export variable (a Likert question or a matrix row), and how it
    is rescaled to 0–100."""

    domain = models.ForeignKey(IndexDomain, verbose_name=_("domain"), on_delete=models.CASCADE, related_name="items")
    variable = models.CharField(
        _("variable"),
        max_length=64,
        validators=[variable_name_validator],
        help_text=_("The question's variable name, or question_row for a matrix item (as in the exports)."),
    )
    title = models.CharField(_("title"), max_length=300)
    scale_min = models.FloatField(_("scale minimum (scores 0)"))
    scale_max = models.FloatField(_("scale maximum (scores 100)"))
    is_reversed = models.BooleanField(
        _("reversed"), default=False, help_text=_("A higher answer means a worse climate.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("index item")
        verbose_name_plural = _("index items")
        ordering = ["domain", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "variable"], name="unique_item_per_domain"),
            models.CheckConstraint(condition=Q(scale_max__gt=models.F("scale_min")), name="item_scale_increases"),
        ]

    def __str__(self) -> str:
        return self.title


class GroupCode(models.TextChoices):
    ALL = "all", _("Everyone")
    WITH_BACKGROUND = "yes", _("With an immigrant background")
    WITHOUT_BACKGROUND = "no", _("Without an immigrant background")


class IndexResult(models.Model):
    """A stored value of the index (overall, a domain or an item) for one group in one wave, with its interval."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="index_results")
    run = models.ForeignKey(WeightingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    domain = models.ForeignKey(IndexDomain, on_delete=models.CASCADE, null=True, blank=True, related_name="results")
    item = models.ForeignKey(IndexItem, on_delete=models.CASCADE, null=True, blank=True, related_name="results")
    group = models.CharField(max_length=3, choices=GroupCode.choices)
    estimate = models.FloatField()
    low = models.FloatField()
    high = models.FloatField()
    n = models.PositiveIntegerField()
    n_effective = models.FloatField()
    has_interval = models.BooleanField(default=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("index result")
        verbose_name_plural = _("index results")
        ordering = ["wave", "domain", "item", "group"]
        constraints = [
            models.CheckConstraint(
                condition=Q(domain__isnull=True) | Q(item__isnull=True), name="index_result_one_component"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wave} {self.domain or self.item or 'overall'} {self.group}: {self.estimate:.1f}"


class ClimateAreaLink(models.Model):
    """Which part of the climate index speaks to an area of action: one domain or one item per area."""

    barometer = models.ForeignKey(
        Barometer, verbose_name=_("barometer"), on_delete=models.CASCADE, related_name="area_links"
    )
    area = models.ForeignKey(
        AreaOfAction, verbose_name=_("area of action"), on_delete=models.CASCADE, related_name="climate_links"
    )
    domain = models.ForeignKey(
        IndexDomain,
        verbose_name=_("index domain"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="area_links",
    )
    item = models.ForeignKey(
        IndexItem,
        verbose_name=_("index item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="area_links",
    )

    class Meta:
        verbose_name = _("climate link of an area of action")
        verbose_name_plural = _("climate links of areas of action")
        ordering = ["barometer", "area"]
        constraints = [
            models.UniqueConstraint(fields=["barometer", "area"], name="one_climate_link_per_area"),
            models.CheckConstraint(
                condition=(Q(domain__isnull=False) & Q(item__isnull=True))
                | (Q(domain__isnull=True) & Q(item__isnull=False)),
                name="climate_link_names_domain_or_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} → {self.domain or self.item}"

    def clean(self) -> None:
        if (self.domain_id is None) == (self.item_id is None):
            raise ValidationError(_("Link the area to either an index domain or an index item."))
        if self.domain_id and self.domain.barometer_id != self.barometer_id:
            raise ValidationError({"domain": _("Choose a domain of this barometer.")})
        if self.item_id and self.item.domain.barometer_id != self.barometer_id:
            raise ValidationError({"item": _("Choose an item of this barometer.")})

    @property
    def component(self) -> "IndexDomain | IndexItem":
        return self.domain if self.domain_id else self.item
