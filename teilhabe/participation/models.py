"""Participation procedures: events, contributions, bundles and their review by the competent authorities.

The review workflow itself lives in workflow.py (pure); these models hold its facts. A `Review` is the
reviewable item: it belongs either to one contribution or to one bundle.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teilhabe.accounts.models import Authority
from teilhabe.core.models import TimeStampedModel
from teilhabe.monitoring.models import AreaOfAction, Edition, Geography, Indicator, Measure, SubGoal, Target

from . import workflow
from .languages import text_direction


def new_receipt_token() -> str:
    """An unguessable token for the receipt link (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


class Language(models.TextChoices):
    """Languages contributions are recorded in (the text is kept in its original language)."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    FARSI = "fa", _("Farsi")
    DARI = "prs", _("Dari")
    PASHTO = "ps", _("Pashto")
    KURMANJI = "kmr", _("Kurdish (Kurmanji)")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    TIGRINYA = "ti", _("Tigrinya")
    SOMALI = "so", _("Somali")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")


class LanguageOrigin(models.TextChoices):
    """How a contribution's language was set."""

    CHOSEN = "chosen", _("chosen by the writer")
    DETECTED = "detected", _("detected automatically")
    ASSUMED = "assumed", _("assumed from the page language (not detectable)")
    CORRECTED = "corrected", _("corrected by staff")


REVIEW_STATE_LABELS = {
    workflow.State.RECEIVED: _("Received"),
    workflow.State.ASSIGNED: _("Assigned to an authority"),
    workflow.State.IN_REVIEW: _("In review"),
    workflow.State.DRAFTED: _("Evaluation drafted"),
    workflow.State.PUBLISHED: _("Evaluation published"),
    workflow.State.BUNDLED: _("Bundled"),
}
ACTION_LABELS = {
    workflow.Action.ASSIGN: _("Assign"),
    workflow.Action.REASSIGN: _("Reassign"),
    workflow.Action.START_REVIEW: _("Start the review"),
    workflow.Action.ADD_OPINION: _("Add an opinion"),
    workflow.Action.DRAFT: _("Draft the evaluation"),
    workflow.Action.RETURN_FOR_REWORK: _("Return for rework"),
    workflow.Action.PUBLISH: _("Publish"),
    workflow.Action.PUBLISH_REVISION: _("Publish a correction"),
    workflow.Action.BUNDLE: _("Add to a bundle"),
    workflow.Action.UNBUNDLE: _("Remove from the bundle"),
}
ACTOR_KIND_LABELS = {
    workflow.ActorKind.DEPARTMENT: _("department"),
    workflow.ActorKind.LEAD_AUTHORITY: _("lead authority"),
    workflow.ActorKind.CO_AUTHORITY: _("co-authority"),
    workflow.ActorKind.MODERATOR: _("moderator"),
    workflow.ActorKind.PUBLIC: _("public"),
}


# Path segments of participation/urls.py that a procedure's short name would shadow.
RESERVED_SLUGS = frozenset({"arbeit", "beitrag", "beitraege", "folgen", "feed", "adresse"})


class Procedure(TimeStampedModel):
    """A participation procedure (Beteiligungsverfahren) that informs an edition of the concept."""

    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    edition = models.ForeignKey(
        Edition, verbose_name=_("concept edition informed"), on_delete=models.PROTECT, related_name="procedures"
    )
    is_open_for_contributions = models.BooleanField(_("open for online contributions"), default=False)
    is_illustrative = models.BooleanField(
        _("illustrative"), default=False, help_text=_("Demo content, not a real procedure.")
    )

    class Meta:
        verbose_name = _("participation procedure")
        verbose_name_plural = _("participation procedures")
        ordering = ["-created_at", "slug"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:procedure_detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("This short name is reserved for other pages; choose another.")})


class Phase(models.Model):
    """A phase of a procedure (events, online participation, review, publication) with its dates."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="phases"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["procedure", "starts_on", "position"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="phase_ends_after_start")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A phase cannot end before it starts.")})


class StakeholderGroup(models.Model):
    """A group the procedure reaches at its own events (advisory council, refugee initiatives, pupils, ...)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("stakeholder group")
        verbose_name_plural = _("stakeholder groups")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


class Event(TimeStampedModel):
    """An event (Veranstaltung) of a procedure, recorded by its moderators."""

    class Format(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop with a stakeholder group")
        DISTRICT_EVENT = "district_event", _("District event")
        TALK = "talk", _("Talk")
        HEARING = "hearing", _("Hearing")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, help_text=_("A few public sentences on what was discussed."))
    held_on = models.DateField(_("date"))
    format = models.CharField(_("format"), max_length=20, choices=Format.choices)
    district = models.ForeignKey(
        Geography,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participation_events",
        limit_choices_to={"level": Geography.Level.DISTRICT},
    )
    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    organiser = models.CharField(_("organiser"), max_length=300, blank=True)
    moderating_organisation = models.CharField(_("moderating organisation"), max_length=300, blank=True)
    stakeholder_groups = models.ManyToManyField(
        StakeholderGroup, verbose_name=_("stakeholder groups present"), blank=True, related_name="events"
    )
    attendance_total = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("Language codes, e.g. de, ar, fa.")
    )
    interpretation_languages = models.JSONField(_("interpretation offered into"), default=list, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Sanitised rich text."))
    moderators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("moderators"), blank=True, related_name="moderated_events"
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["procedure", "held_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_online=False) | Q(district__isnull=True), name="online_event_has_no_district"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:event_detail", kwargs={"slug": self.procedure.slug, "pk": self.pk})

    def clean(self) -> None:
        if self.is_online and self.district_id:
            raise ValidationError({"district": _("An online event has no district.")})


class EventAttendance(models.Model):
    """Participants of one stakeholder group at an event, where the moderators counted them."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendances")
    stakeholder_group = models.ForeignKey(
        StakeholderGroup, verbose_name=_("stakeholder group"), on_delete=models.PROTECT, related_name="+"
    )
    count = models.PositiveIntegerField(_("participants"))

    class Meta:
        verbose_name = _("attendance by group")
        verbose_name_plural = _("attendance by group")
        ordering = ["event", "stakeholder_group"]
        constraints = [models.UniqueConstraint(fields=["event", "stakeholder_group"], name="one_count_per_group")]

    def __str__(self) -> str:
        return f"{self.stakeholder_group}: {self.count}"


class EventAttachment(TimeStampedModel):
    """A file published with an event (invitation, presentation, photo protocol), checked on upload."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="participation/events/")
    file_type = models.CharField(_("file type"), max_length=10)

    class Meta:
        verbose_name = _("event attachment")
        verbose_name_plural = _("event attachments")
        ordering = ["event", "title"]

    def __str__(self) -> str:
        return self.title


class Registration(TimeStampedModel):
    """A participant who asked for invitations and/or the minutes; kept only with recorded consent."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="registrations"
    )
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, null=True, blank=True, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    wants_invitations = models.BooleanField(_("send invitations"), default=True)
    wants_minutes = models.BooleanField(_("send the minutes"), default=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_wording_version = models.CharField(_("consent wording version"), max_length=20)
    # Set when the owner opened the confirmation link (double opt-in): the stored proof of consent.
    # Nothing is sent to the address before.
    email_confirmed_at = models.DateTimeField(_("e-mail address confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["procedure", "event", "created_at"]

    def __str__(self) -> str:
        return self.name


class Bundle(TimeStampedModel):
    """Contributions that raise the same concern, evaluated once for all of them; every original is kept."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="bundles"
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary of the concern"), blank=True)
    areas = models.ManyToManyField(
        AreaOfAction, verbose_name=_("areas of action"), blank=True, related_name="participation_bundles"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at"])

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        ordering = ["procedure", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("participation:bundle_detail", kwargs={"slug": self.procedure.slug, "pk": self.pk})


class Contribution(TimeStampedModel):
    """A statement, open question or proposal (Beitrag), kept in its original language and never deleted."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        QUESTION = "question", _("Open question")
        PROPOSAL = "proposal", _("Proposal")

    class Source(models.TextChoices):
        EVENT = "event", _("Event")
        ONLINE_FORM = "online_form", _("Online form")
        SURVEY = "survey", _("Survey free text")
        TALK = "talk", _("Talk")
        LETTER = "letter", _("Letter or e-mail")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="contributions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=12, choices=Language.choices, default=Language.GERMAN)
    # How `language` was set: chosen by whoever wrote or recorded it, detected from the text, or corrected by
    # staff (the history keeps who corrected it and when).
    language_origin = models.CharField(
        _("language set by"), max_length=12, choices=LanguageOrigin.choices, default=LanguageOrigin.CHOSEN
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.PROTECT, null=True, blank=True, related_name="contributions"
    )
    areas = models.ManyToManyField(
        AreaOfAction, verbose_name=_("areas of action"), blank=True, related_name="participation_contributions"
    )
    district = models.ForeignKey(
        Geography,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="participation_contributions",
        limit_choices_to={"level": Geography.Level.DISTRICT},
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_consent_at = models.DateTimeField(_("consent to contact given at"), null=True, blank=True)
    consent_wording_version = models.CharField(_("consent wording version"), max_length=20, blank=True)
    # Double opt-in: set when the owner opened the confirmation link; no e-mail goes out before.
    contact_confirmed_at = models.DateTimeField(_("contact address confirmed at"), null=True, blank=True)
    receipt_token = models.CharField(
        _("receipt token"), max_length=64, unique=True, default=new_receipt_token, editable=False
    )
    moderation_state = models.CharField(
        _("moderation"), max_length=20, choices=Moderation.choices, default=Moderation.PENDING
    )
    moderation_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    # Set when a moderator removed personal details (names, addresses) from title or text: the public pages
    # and the API show the edited title and text, staff who moderate also see what was written.
    original_title = models.CharField(_("original title (before anonymisation)"), max_length=200, blank=True)
    original_text = models.TextField(_("original text (before anonymisation)"), blank=True)
    edited_at = models.DateTimeField(_("edited for anonymisation at"), null=True, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("edited for anonymisation by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    bundle = models.ForeignKey(
        Bundle, verbose_name=_("bundle"), on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    # Content words of title and text (similarity.normalise), kept so suggestions need no recomputation.
    normalised_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(excluded_fields=["created_at", "updated_at", "normalised_text"])

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["procedure", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_email="") | Q(contact_consent_at__isnull=False), name="contact_email_needs_consent"
            ),
            models.CheckConstraint(
                condition=~Q(moderation_state="hidden") | ~Q(moderation_reason=""),
                name="hidden_contribution_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(source="event") | Q(event__isnull=False), name="event_contribution_names_event"
            ),
        ]
        indexes = [models.Index(fields=["procedure", "moderation_state"], name="contribution_public")]

    def __str__(self) -> str:
        return self.title or self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("participation:contribution_detail", kwargs={"slug": self.procedure.slug, "pk": self.pk})

    def clean(self) -> None:
        if self.contact_email and self.contact_consent_at is None:
            raise ValidationError({"contact_email": _("An e-mail address is kept only with consent.")})
        if self.source == self.Source.EVENT and self.event_id is None:
            raise ValidationError({"event": _("A contribution from an event names the event.")})
        if self.event_id and self.procedure_id and self.event.procedure_id != self.procedure_id:
            raise ValidationError({"event": _("The event belongs to another procedure.")})

    @property
    def text_direction(self) -> str:
        return text_direction(self.language)

    @property
    def is_public(self) -> bool:
        return self.moderation_state == self.Moderation.PUBLISHED

    @property
    def is_edited(self) -> bool:
        """Whether a moderator edited title or text to remove personal details (the original is kept)."""
        return self.edited_at is not None

    def get_receipt_url(self) -> str:
        return reverse("participation:contribution_receipt", kwargs={"token": self.receipt_token})


class Review(TimeStampedModel):
    """The reviewable item: one contribution outside a bundle, or one bundle, moving through workflow.State."""

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="reviews"
    )
    contribution = models.OneToOneField(
        Contribution, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    bundle = models.OneToOneField(Bundle, on_delete=models.PROTECT, null=True, blank=True, related_name="review")
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=[(state.value, label) for state, label in REVIEW_STATE_LABELS.items()],
        default=workflow.State.RECEIVED.value,
    )
    assignment = models.ForeignKey(
        "Assignment",
        verbose_name=_("current assignment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_evaluation = models.ForeignKey(
        "Evaluation",
        verbose_name=_("published evaluation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["procedure", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(contribution__isnull=False) & Q(bundle__isnull=True))
                | (Q(contribution__isnull=True) & Q(bundle__isnull=False)),
                name="review_of_contribution_or_bundle",
            ),
            models.CheckConstraint(
                condition=~Q(state="published") | Q(published_evaluation__isnull=False),
                name="published_review_has_evaluation",
            ),
        ]
        indexes = [models.Index(fields=["procedure", "state"], name="review_state")]

    def __str__(self) -> str:
        return str(self.bundle or self.contribution)

    def get_absolute_url(self) -> str:
        return reverse("participation:review_detail", kwargs={"pk": self.pk})

    @property
    def item(self) -> "Contribution | Bundle":
        return self.bundle if self.bundle_id else self.contribution

    @property
    def is_bundle(self) -> bool:
        return self.bundle_id is not None

    @property
    def item_label(self) -> str:
        """The one number staff and residents see for an item: the contribution's or the bundle's own."""
        if self.bundle_id:
            return _("Bundle %(number)d") % {"number": self.bundle_id}
        return _("Contribution %(number)d") % {"number": self.contribution_id}


class Assignment(models.Model):
    """Who reviews an item: a lead authority and optional co-authorities. A reassignment adds a new row."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="assignments")
    lead_authority = models.ForeignKey(
        Authority,
        verbose_name=_("lead authority"),
        on_delete=models.PROTECT,
        related_name="participation_lead_assignments",
    )
    co_authorities = models.ManyToManyField(
        Authority, verbose_name=_("co-authorities"), blank=True, related_name="participation_co_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now, editable=False)
    reason = models.TextField(_("reason for reassignment"), blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["review", "assigned_at", "pk"]

    def __str__(self) -> str:
        return str(self.lead_authority)


class Opinion(models.Model):
    """A co-authority's internal opinion for the lead authority; never published."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="opinions")
    authority = models.ForeignKey(Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("opinion")
        verbose_name_plural = _("opinions")
        ordering = ["review", "created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class Evaluation(TimeStampedModel):
    """An evaluation (Bewertung): a disposition, a public justification and links into the monitoring domain.

    Revision 1 starts as the lead authority's draft; the department publishes it. A published revision is
    never changed: a correction is the next revision, published with its reason, and the earlier one stays.
    """

    class Disposition(models.TextChoices):
        TAKEN_UP_AS_MEASURE = "taken_up_as_measure", _("Taken up as a measure")
        INFORMS_INDICATOR = "informs_indicator", _("Informs an indicator")
        ALREADY_IN_PLACE = "already_in_place", _("Already in place")
        REFERRED = "referred_to_specialist_concept", _("Referred to the authority's specialist concept")
        OUTSIDE_COMPETENCE = "outside_competence", _("Outside the city's competence")
        NO_DATA = "no_data", _("Required data does not exist")
        DECLINED = "declined", _("Declined")

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="evaluations")
    revision = models.PositiveIntegerField(_("revision"), default=1)
    disposition = models.CharField(_("disposition"), max_length=40, choices=Disposition.choices)
    justification = models.TextField(_("public justification"))
    # What some dispositions must name (services.check_evaluation enforces it): who is competent instead,
    # and which data would be needed.
    competent_level = models.CharField(_("competent level"), max_length=300, blank=True)
    data_needed = models.TextField(_("data that would be needed"), blank=True)
    revision_reason = models.TextField(_("reason for the correction"), blank=True)
    authority = models.ForeignKey(Authority, verbose_name=_("authority"), on_delete=models.PROTECT, related_name="+")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    measures = models.ManyToManyField(
        Measure, verbose_name=_("measures"), blank=True, related_name="participation_evaluations"
    )
    sub_goals = models.ManyToManyField(
        SubGoal, verbose_name=_("sub-goals"), blank=True, related_name="participation_evaluations"
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), blank=True, related_name="participation_evaluations"
    )
    targets = models.ManyToManyField(
        Target, verbose_name=_("targets"), blank=True, related_name="participation_evaluations"
    )
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"], m2m_fields=[measures, sub_goals, indicators, targets]
    )

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["review", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["review", "revision"], name="one_evaluation_per_revision"),
            models.CheckConstraint(condition=~Q(justification=""), name="evaluation_has_justification"),
            models.CheckConstraint(condition=Q(revision=1) | ~Q(revision_reason=""), name="revision_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.get_disposition_display()} ({self.revision})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


# What each disposition means, shown next to the choice in the evaluation form.
DISPOSITION_HELP = {
    Evaluation.Disposition.TAKEN_UP_AS_MEASURE: _(
        "The city does what the contribution asks, or part of it, in a measure. Link at least one measure."
    ),
    Evaluation.Disposition.INFORMS_INDICATOR: _(
        "The contribution changes what the city measures: link at least one indicator or target it informs."
    ),
    Evaluation.Disposition.ALREADY_IN_PLACE: _(
        "What the contribution asks for exists already; say where residents find it."
    ),
    Evaluation.Disposition.REFERRED: _(
        "The authority takes the contribution into its own specialist concept; say which one and when."
    ),
    Evaluation.Disposition.OUTSIDE_COMPETENCE: _(
        "The city cannot decide this: name the level that can (for example the federal government)."
    ),
    Evaluation.Disposition.NO_DATA: _(
        "The question cannot be answered with the data that exists: say which data would be needed."
    ),
    Evaluation.Disposition.DECLINED: _("The city does not take the contribution up; the justification says why."),
}


class TransitionLogQuerySet(models.QuerySet):
    """The log is append-only: bulk changes are refused like single ones."""

    def update(self, **kwargs):
        raise PermissionError("The transition log is append-only.")

    def delete(self):
        raise PermissionError("The transition log is append-only.")


class TransitionLog(models.Model):
    """One action on a review: who, when, from which state to which, with the comment. Never changed."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_kind = models.CharField(_("acting as"), max_length=20)
    action = models.CharField(
        _("action"), max_length=30, choices=[(action.value, label) for action, label in ACTION_LABELS.items()]
    )
    from_state = models.CharField(_("from"), max_length=20)
    to_state = models.CharField(_("to"), max_length=20)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now, editable=False)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transition log")
        ordering = ["review", "created_at", "pk"]
        base_manager_name = "objects"

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} → {self.to_state}"

    def save(self, *args, **kwargs):
        # An invariant, not a workflow: a written entry stays as it was.
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("The transition log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The transition log is append-only.")


class DocumentationBuild(models.Model):
    """The last built PDF of a procedure's documentation per language, with the data stamp it was built from."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documentation_builds")
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    data_stamp = models.CharField(max_length=64)
    file = models.FileField(upload_to="participation/documentation/", blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("documentation build")
        verbose_name_plural = _("documentation builds")
        ordering = ["procedure", "language", "-requested_at"]
        constraints = [models.UniqueConstraint(fields=["procedure", "language"], name="one_build_per_language")]

    def __str__(self) -> str:
        return f"{self.procedure.slug} {self.language} {self.status}"


class Subscription(models.Model):
    """Someone who follows a procedure, an indicator or their own contribution by e-mail (double opt-in).

    Nothing is sent before `confirmed_at` is set by the signed link of the confirmation mail; that timestamp,
    with the wording version shown, is the stored proof of consent. Unsubscribing deletes the row.
    """

    class Target(models.TextChoices):
        PROCEDURE = "procedure", _("Participation procedure")
        INDICATOR = "indicator", _("Indicator")
        CONTRIBUTION = "contribution", _("Own contribution")

    email = models.EmailField(_("e-mail"))
    target = models.CharField(_("follows"), max_length=20, choices=Target.choices)
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("procedure"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    contribution = models.ForeignKey(
        Contribution,
        verbose_name=_("contribution"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    language = models.CharField(_("language"), max_length=10)
    # Identifies the subscription in its links without revealing how many there are.
    token = models.CharField(max_length=64, unique=True, default=new_receipt_token, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    consent_wording_version = models.CharField(_("consent wording version"), max_length=20)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target="procedure", procedure__isnull=False, indicator__isnull=True, contribution__isnull=True)
                    | Q(target="indicator", procedure__isnull=True, indicator__isnull=False, contribution__isnull=True)
                    | Q(
                        target="contribution",
                        procedure__isnull=True,
                        indicator__isnull=True,
                        contribution__isnull=False,
                    )
                ),
                name="subscription_has_one_target",
            ),
            models.UniqueConstraint(
                fields=["email", "procedure"], condition=Q(target="procedure"), name="one_subscription_per_procedure"
            ),
            models.UniqueConstraint(
                fields=["email", "indicator"], condition=Q(target="indicator"), name="one_subscription_per_indicator"
            ),
            models.UniqueConstraint(
                fields=["email", "contribution"],
                condition=Q(target="contribution"),
                name="one_subscription_per_contribution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_target_display()}: {self.procedure or self.indicator or self.contribution}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class MachineTranslation(models.Model):
    """A machine translation of a contribution for staff (docs/translations.md): never published, never the
    resident's words. One row per contribution and target language; a new request replaces it."""

    contribution = models.ForeignKey(
        Contribution, verbose_name=_("contribution"), on_delete=models.CASCADE, related_name="machine_translations"
    )
    source_language = models.CharField(_("translated from"), max_length=12)
    target_language = models.CharField(_("translated into"), max_length=12, default="de")
    title = models.CharField(_("translated title"), max_length=400, blank=True)
    text = models.TextField(_("translated text"), blank=True)
    # The engine and server that produced it, e.g. "LibreTranslate (translate.example.org)".
    engine = models.CharField(_("engine"), max_length=200)
    # Fingerprint of the title, text and language translated: a changed contribution makes the row outdated.
    source_digest = models.CharField(max_length=64)
    translated_at = models.DateTimeField(_("translated at"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("machine translation")
        verbose_name_plural = _("machine translations")
        ordering = ["contribution", "target_language"]
        constraints = [
            models.UniqueConstraint(
                fields=["contribution", "target_language"], name="one_machine_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.source_language}→{self.target_language} ({self.engine})"


class JustificationTranslation(models.Model):
    """The public justification of an evaluation in a resident's language, beside the German original.

    Written by staff, or drafted by the machine and approved by staff: either way a person at the authority
    stands for it, and the public pages say which of the two it is.
    """

    class Origin(models.TextChoices):
        STAFF = "staff", _("translated by the authority")
        MACHINE_APPROVED = "machine_approved", _("machine translation, checked by the authority")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="justification_translations"
    )
    language = models.CharField(_("language"), max_length=12)
    text = models.TextField(_("translated justification"))
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, default=Origin.STAFF)
    engine = models.CharField(_("engine of the machine draft"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"))

    class Meta:
        verbose_name = _("translation of the justification")
        verbose_name_plural = _("translations of the justification")
        ordering = ["evaluation", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "language"], name="one_justification_translation_per_language"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="justification_translation_has_text"),
            models.CheckConstraint(
                condition=Q(origin="staff") | ~Q(engine=""), name="machine_assisted_translation_names_engine"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id} {self.language}"

    @property
    def text_direction(self) -> str:
        return text_direction(self.language)
