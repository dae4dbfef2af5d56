"""Every write of participation: events, contributions, moderation, bundles and the review workflow.

Each service is keyword-only, atomic and repeats its permission check, so views, the API and commands
cannot bypass it. Review changes go through `_apply_action`, which asks workflow.py, locks the row and
writes the append-only transition log. E-mails leave through background jobs after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from teilhabe.accounts.models import Authority
from teilhabe.core.cache import bump_data_version
from teilhabe.core.sanitize import sanitize_html
from teilhabe.core.uploads import validate_upload
from teilhabe.monitoring.models import AreaOfAction, Geography, Indicator, Measure, SubGoal, Target

from . import languages, machine_translation, permissions, similarity, tasks, workflow
from .models import (
    ACTION_LABELS,
    REVIEW_STATE_LABELS,
    Assignment,
    Bundle,
    Contribution,
    DocumentationBuild,
    Evaluation,
    Event,
    EventAttachment,
    EventAttendance,
    JustificationTranslation,
    MachineTranslation,
    Opinion,
    Procedure,
    Registration,
    Review,
    StakeholderGroup,
    TransitionLog,
)

if TYPE_CHECKING:
    from teilhabe.accounts.models import User

# Bump when the consent text shown next to an e-mail field changes; each consent records the version it saw.
CONSENT_WORDING_VERSION = "2025-01"
MAX_TEXT_LENGTH = 4000
MAX_TITLE_LENGTH = 200
MAX_JUSTIFICATION_LENGTH = 6000
MAX_COMMENT_LENGTH = 2000


class ReviewError(ValidationError):
    """A workflow action that is not allowed now, with a message for the person who tried it."""


def _public_data_changed() -> None:
    """Public pages are cached under the data version (teilhabe.core.cache): renew them once this commits."""
    transaction.on_commit(bump_data_version)


# --- Events --------------------------------------------------------------------------------------


def _clean_language_codes(codes: Iterable[str], field: str) -> list[str]:
    cleaned = []
    for code in codes:
        code = (code or "").strip().lower()
        if not code:
            continue
        if not (2 <= len(code) <= 12) or not all(c.isalpha() or c == "-" for c in code):
            raise ValidationError(
                {field: _("“%(code)s” is not a language code such as de, ar or fa-AF.") % {"code": code}}
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _save_attendance(event: Event, attendance: dict[StakeholderGroup, int | None]) -> None:
    EventAttendance.objects.filter(event=event).delete()
    rows = [
        EventAttendance(event=event, stakeholder_group=group, count=count)
        for group, count in attendance.items()
        if count is not None
    ]
    for row in rows:
        if row.count < 0:
            raise ValidationError({"attendance": _("Participant counts cannot be negative.")})
    EventAttendance.objects.bulk_create(rows)


EVENT_FIELDS = (
    "title_de",
    "title_en",
    "summary_de",
    "summary_en",
    "held_on",
    "format",
    "district",
    "is_online",
    "venue",
    "organiser",
    "moderating_organisation",
    "attendance_total",
    "languages",
    "interpretation_languages",
    "agenda",
    "minutes",
)


@transaction.atomic
def create_event(
    *,
    actor: User,
    procedure: Procedure,
    stakeholder_groups: Sequence[StakeholderGroup] = (),
    moderators: Sequence[User] = (),
    attendance: dict[StakeholderGroup, int | None] | None = None,
    **fields,
) -> Event:
    """Record an event; a moderator who records it becomes one of its moderators."""
    if not permissions.can_create_event(actor):
        raise PermissionDenied
    event = Event(procedure=procedure)
    _set_event_fields(event, fields)
    event.full_clean()
    event.save()
    event.stakeholder_groups.set(stakeholder_groups)
    moderators = list(moderators)
    if permissions.is_moderator(actor) and actor not in moderators:
        moderators.append(actor)
    event.moderators.set(moderators)
    _save_attendance(event, attendance or {})
    _public_data_changed()
    return event


@transaction.atomic
def update_event(
    *,
    actor: User,
    event: Event,
    stakeholder_groups: Sequence[StakeholderGroup] | None = None,
    moderators: Sequence[User] | None = None,
    attendance: dict[StakeholderGroup, int | None] | None = None,
    **fields,
) -> Event:
    if not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    _set_event_fields(event, fields)
    event.full_clean()
    event.save()
    if stakeholder_groups is not None:
        event.stakeholder_groups.set(stakeholder_groups)
    # Only the department changes who moderates: a moderator cannot add or remove colleagues.
    if moderators is not None and permissions.can_manage_procedure(actor):
        event.moderators.set(moderators)
    if attendance is not None:
        _save_attendance(event, attendance)
    _public_data_changed()
    return event


def _set_event_fields(event: Event, fields: dict) -> None:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown event fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        if name == "minutes":
            value = sanitize_html(value or "")
        elif name in ("languages", "interpretation_languages"):
            value = _clean_language_codes(value or [], name)
        setattr(event, name, value)


@transaction.atomic
def add_event_attachment(*, actor: User, event: Event, title: str, upload) -> EventAttachment:
    """Attach a file after checking its size and its type by content (teilhabe.core.uploads)."""
    if not permissions.can_edit_event(actor, event):
        raise PermissionDenied
    try:
        file_type = validate_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = EventAttachment(event=event, title=title.strip(), file_type=file_type)
    attachment.full_clean(exclude=["file"])
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    _public_data_changed()
    return attachment


@transaction.atomic
def register_participant(
    *,
    procedure: Procedure,
    event: Event | None,
    name: str,
    email: str,
    wants_invitations: bool,
    wants_minutes: bool,
    has_consented: bool,
) -> Registration:
    """Keep a participant's name and address for invitations and minutes, only with recorded consent."""
    if not has_consented:
        raise ValidationError({"consent": _("We can only keep your address with your consent.")})
    if event is not None and event.procedure_id != procedure.pk:
        raise ValidationError({"event": _("The event belongs to another procedure.")})
    registration = Registration(
        procedure=procedure,
        event=event,
        name=name.strip(),
        email=email.strip(),
        wants_invitations=wants_invitations,
        wants_minutes=wants_minutes,
        consent_given_at=timezone.now(),
        consent_wording_version=CONSENT_WORDING_VERSION,
    )
    registration.full_clean()
    registration.save()
    _ask_for_confirmation(registration)
    return registration


def send_minutes(*, actor: User, event: Event) -> int:
    """Send the minutes to the event's registrants who asked for them; returns how many e-mails are queued."""
    if not permissions.can_send_minutes(actor, event):
        raise PermissionDenied
    if not event.minutes.strip():
        raise ValidationError({"minutes": _("The event has no minutes yet.")})
    # Double opt-in: only addresses their owners confirmed.
    recipients = list(
        event.registrations.filter(wants_minutes=True, email_confirmed_at__isnull=False).values_list("pk", flat=True)
    )
    for registration_id in recipients:
        transaction.on_commit(lambda pk=registration_id: tasks.send_minutes_email.enqueue(registration_id=pk))
    return len(recipients)


# --- Contributions -----------------------------------------------------------------------------


def _check_contribution_text(*, title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    errors = {}
    if not text:
        errors["text"] = _("Please write your contribution.")
    elif len(text) > MAX_TEXT_LENGTH:
        errors["text"] = _("At most %(limit)d characters, please (you wrote %(count)d).") % {
            "limit": MAX_TEXT_LENGTH,
            "count": len(text),
        }
    if len(title) > MAX_TITLE_LENGTH:
        errors["title"] = _("At most %(limit)d characters, please (you wrote %(count)d).") % {
            "limit": MAX_TITLE_LENGTH,
            "count": len(title),
        }
    if errors:
        raise ValidationError(errors)
    return title, text


def _check_areas(procedure: Procedure, areas: Iterable[AreaOfAction]) -> list[AreaOfAction]:
    areas = list(areas)
    if any(area.edition_id != procedure.edition_id for area in areas):
        raise ValidationError({"areas": _("Choose areas of action of the concept this procedure informs.")})
    return areas


def _check_district(district: Geography | None) -> None:
    if district is not None and district.level != Geography.Level.DISTRICT:
        raise ValidationError({"district": _("Choose a district.")})


def _create_contribution(*, procedure: Procedure, areas: Iterable[AreaOfAction], **fields) -> Contribution:
    contribution = Contribution(procedure=procedure, **fields)
    contribution.normalised_text = similarity.normalise(f"{contribution.title} {contribution.text}")
    contribution.full_clean()
    contribution.save()
    contribution.areas.set(areas)
    Review.objects.create(procedure=procedure, contribution=contribution, state_changed_at=timezone.now())
    return contribution


@transaction.atomic
def submit_online_contribution(
    *,
    procedure: Procedure,
    kind: str,
    title: str,
    text: str,
    language: str,
    areas: Iterable[AreaOfAction] = (),
    district: Geography | None = None,
    contact_email: str = "",
    has_consented: bool = False,
    page_language: str = "",
) -> Contribution:
    """A resident's contribution from the online form: anonymous unless they consent, held for moderation.

    An empty `language` means the resident did not say: it is detected from the text (settle_language).
    """
    if not procedure.is_open_for_contributions:
        raise ValidationError(_("This procedure does not take online contributions at the moment."))
    title, text = _check_contribution_text(title=title, text=text)
    language, language_origin = settle_language(title=title, text=text, chosen=language, page_language=page_language)
    contact_email = (contact_email or "").strip()
    if contact_email and not has_consented:
        raise ValidationError({"consent": _("Please confirm that we may use your e-mail address, or leave it out.")})
    _check_district(district)
    now = timezone.now()
    contribution = _create_contribution(
        procedure=procedure,
        areas=_check_areas(procedure, areas),
        kind=kind,
        title=title,
        text=text,
        language=language,
        language_origin=language_origin,
        source=Contribution.Source.ONLINE_FORM,
        district=district,
        contact_email=contact_email,
        contact_consent_at=now if contact_email else None,
        consent_wording_version=CONSENT_WORDING_VERSION if contact_email else "",
        moderation_state=Contribution.Moderation.PENDING,
    )
    if contact_email:
        _ask_for_confirmation(contribution)
    _queue_machine_translation(contribution)
    return contribution


@transaction.atomic
def record_contribution(
    *,
    actor: User,
    procedure: Procedure,
    kind: str,
    title: str,
    text: str,
    language: str,
    source: str,
    event: Event | None = None,
    areas: Iterable[AreaOfAction] = (),
    district: Geography | None = None,
) -> Contribution:
    """A contribution staff record from an event, a talk, a letter or the survey; published at once.

    Moderators record only for events they are assigned to; other sources are the department's.
    """
    if event is not None:
        if not permissions.can_record_contribution(actor, event):
            raise PermissionDenied
        if event.procedure_id != procedure.pk:
            raise ValidationError({"event": _("The event belongs to another procedure.")})
    elif not permissions.can_manage_procedure(actor):
        raise PermissionDenied
    title, text = _check_contribution_text(title=title, text=text)
    language, language_origin = settle_language(title=title, text=text, chosen=language)
    _check_district(district)
    now = timezone.now()
    _public_data_changed()
    contribution = _create_contribution(
        procedure=procedure,
        areas=_check_areas(procedure, areas),
        kind=kind,
        title=title,
        text=text,
        language=language,
        language_origin=language_origin,
        source=source,
        event=event,
        district=district or (event.district if event else None),
        moderation_state=Contribution.Moderation.PUBLISHED,
        moderated_at=now,
        moderated_by=actor,
        recorded_by=actor,
    )
    _queue_machine_translation(contribution)
    return contribution


@transaction.atomic
def moderate_contribution(*, actor: User, contribution: Contribution, publish: bool, reason: str = "") -> Contribution:
    """Publish a contribution or hide it with a reason; the original text is never changed or deleted."""
    if not permissions.can_moderate(actor, contribution):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not publish and not reason:
        raise ValidationError({"reason": _("Say why the contribution is hidden; the contributor sees the reason.")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("At most %(limit)d characters, please.") % {"limit": 500}})
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    contribution.moderation_state = Contribution.Moderation.PUBLISHED if publish else Contribution.Moderation.HIDDEN
    contribution.moderation_reason = "" if publish else reason
    contribution.moderated_at = timezone.now()
    contribution.moderated_by = actor
    contribution.save(
        update_fields=["moderation_state", "moderation_reason", "moderated_at", "moderated_by", "updated_at"]
    )
    _public_data_changed()
    return contribution


@transaction.atomic
def edit_contribution_for_anonymisation(
    *, actor: User, contribution: Contribution, title: str, text: str
) -> Contribution:
    """Remove personal details (names, addresses) from a contribution's title and text.

    Public pages, the API and the documentation show the edited version; the version as written is kept in
    original_title/original_text for those who moderate (permissions.can_view_original_text). Editing again
    keeps the first original, so the contributor's own words are never lost.
    """
    if not permissions.can_edit_for_anonymisation(actor, contribution):
        raise PermissionDenied
    title, text = _check_contribution_text(title=title, text=text)
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if title == contribution.title and text == contribution.text:
        raise ValidationError({"text": _("Nothing was changed: edit the title or the text, or cancel.")})
    if not contribution.is_edited:
        contribution.original_title = contribution.title
        contribution.original_text = contribution.text
    contribution.title = title
    contribution.text = text
    contribution.normalised_text = similarity.normalise(f"{title} {text}")
    contribution.edited_at = timezone.now()
    contribution.edited_by = actor
    contribution.full_clean()
    contribution.save(
        update_fields=[
            "title",
            "text",
            "normalised_text",
            "original_title",
            "original_text",
            "edited_at",
            "edited_by",
            "updated_at",
        ]
    )
    _public_data_changed()
    # The translation of the text as written would keep the removed details: it goes, and the edited text is
    # translated anew (staff read the edited text, so its translation follows it).
    MachineTranslation.objects.filter(contribution=contribution).delete()
    _queue_machine_translation(contribution)
    return contribution


# --- The review workflow ---------------------------------------------------------------------------


def _transition_message(error: workflow.TransitionError) -> str:
    action = ACTION_LABELS[error.action]
    state = REVIEW_STATE_LABELS[error.state]
    if error.reason == "comment":
        return _("“%(action)s” needs a reason.") % {"action": action}
    if error.reason == "actor":
        return _("“%(action)s” is not yours to do for this item.") % {"action": action}
    return _("“%(action)s” is not possible while the item is “%(state)s”.") % {"action": action, "state": state}


def _apply_action(
    *,
    review: Review,
    actor: User | None,
    action: workflow.Action,
    comment: str = "",
    as_kind: workflow.ActorKind | None = None,
    updates: dict | None = None,
) -> Review:
    """Lock the review, check the action against the workflow, change its state (and `updates`) and log it.

    `as_kind` is for system actors (a command or the demo) only; people are always judged by their role.
    """
    locked = Review.objects.select_for_update(of=("self",)).select_related("assignment").get(pk=review.pk)
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise ValidationError({"comment": _("At most %(limit)d characters, please.") % {"limit": MAX_COMMENT_LENGTH}})
    kinds = [as_kind] if as_kind is not None else permissions.actor_kinds(actor, locked)
    if as_kind is None and not kinds:
        raise PermissionDenied
    try:
        new_state, kind = workflow.resolve_transition(locked.state, action, kinds, comment=comment)
    except workflow.TransitionError as error:
        raise ReviewError(_transition_message(error)) from error
    now = timezone.now()
    TransitionLog.objects.create(
        review=locked,
        actor=actor,
        actor_kind=kind.value,
        action=action.value,
        from_state=locked.state,
        to_state=new_state.value,
        comment=comment,
    )
    fields = list(updates or {})
    for name, value in (updates or {}).items():
        setattr(locked, name, value)
    if new_state.value != locked.state:
        locked.state = new_state.value
        locked.state_changed_at = now
        fields += ["state", "state_changed_at"]
    if fields:
        locked.save(update_fields=[*fields, "updated_at"])
    review.state, review.state_changed_at = locked.state, locked.state_changed_at
    for name, value in (updates or {}).items():
        setattr(review, name, value)
    # The state of every item is shown on its public page.
    _public_data_changed()
    return locked


def _check_authorities(lead_authority: Authority, co_authorities: Iterable[Authority]) -> list[Authority]:
    co = [authority for authority in co_authorities if authority.pk != lead_authority.pk]
    if len({authority.pk for authority in co}) != len(co):
        raise ValidationError({"co_authorities": _("Name each co-authority once.")})
    return co


def _notify_assignment(assignment: Assignment) -> None:
    transaction.on_commit(lambda: tasks.send_assignment_notice.enqueue(assignment_id=assignment.pk))


@transaction.atomic
def assign_review(
    *,
    actor: User,
    review: Review,
    lead_authority: Authority,
    co_authorities: Iterable[Authority] = (),
    reason: str = "",
) -> Assignment:
    """Hand an item to a lead authority (and co-authorities); a reassignment needs a reason."""
    co = _check_authorities(lead_authority, co_authorities)
    action = workflow.Action.ASSIGN if review.state == workflow.State.RECEIVED else workflow.Action.REASSIGN
    locked = _apply_action(review=review, actor=actor, action=action, comment=reason)
    assignment = Assignment.objects.create(
        review=locked,
        lead_authority=lead_authority,
        assigned_by=actor,
        reason=reason.strip() if action == workflow.Action.REASSIGN else "",
    )
    assignment.co_authorities.set(co)
    locked.assignment = assignment
    locked.save(update_fields=["assignment", "updated_at"])
    review.assignment = assignment
    _notify_assignment(assignment)
    return assignment


@transaction.atomic
def bulk_assign_reviews(
    *, actor: User, reviews: Sequence[Review], lead_authority: Authority, co_authorities: Iterable[Authority] = ()
) -> int:
    """Assign several received items at once; all or none (one refusal leaves every item as it was)."""
    if not permissions.can_manage_procedure(actor):
        raise PermissionDenied
    if not reviews:
        raise ValidationError({"reviews": _("Choose at least one item.")})
    co = _check_authorities(lead_authority, co_authorities)
    not_received = [review for review in reviews if review.state != workflow.State.RECEIVED]
    if not_received:
        raise ValidationError(
            {
                "reviews": _(
                    "Only received items can be assigned together; %(count)d of the chosen "
                    "items are already further along."
                )
                % {"count": len(not_received)}
            }
        )
    for review in reviews:
        assign_review(actor=actor, review=review, lead_authority=lead_authority, co_authorities=co)
    return len(reviews)


@transaction.atomic
def start_review(*, actor: User, review: Review, comment: str = "") -> Review:
    return _apply_action(review=review, actor=actor, action=workflow.Action.START_REVIEW, comment=comment)


@transaction.atomic
def add_opinion(*, actor: User, review: Review, text: str) -> Opinion:
    """A co-authority's (or the lead's own) internal opinion; the lead sees it, the public never does."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Please write the opinion.")})
    if len(text) > MAX_JUSTIFICATION_LENGTH:
        raise ValidationError(
            {"text": _("At most %(limit)d characters, please.") % {"limit": MAX_JUSTIFICATION_LENGTH}}
        )
    locked = _apply_action(review=review, actor=actor, action=workflow.Action.ADD_OPINION)
    return Opinion.objects.create(review=locked, authority=actor.authority, author=actor, text=text)


def _check_length(errors: dict, field: str, text: str, *, required: bool) -> None:
    """A justification is published: long enough to explain (TEILHABE_MIN_JUSTIFICATION_LENGTH), short enough to read."""
    minimum = settings.TEILHABE_MIN_JUSTIFICATION_LENGTH
    if not text:
        if required:
            errors[field] = _("An evaluation is published with its reasons: write the justification.")
    elif len(text) < minimum:
        errors[field] = _(
            "Explain the evaluation to the residents in at least %(limit)d characters (you wrote %(count)d)."
        ) % {"limit": minimum, "count": len(text)}
    elif len(text) > MAX_JUSTIFICATION_LENGTH:
        errors[field] = _("At most %(limit)d characters, please (you wrote %(count)d).") % {
            "limit": MAX_JUSTIFICATION_LENGTH,
            "count": len(text),
        }


@dataclass(frozen=True)
class EvaluationContent:
    """An evaluation's checked content: what services.check_evaluation returns and the drafts store."""

    disposition: str
    justification: str
    justification_en: str
    competent_level: str
    data_needed: str
    measures: list[Measure]
    sub_goals: list[SubGoal]
    indicators: list[Indicator]
    targets: list[Target]


def check_evaluation(
    *,
    disposition: str,
    justification: str,
    justification_en: str = "",
    competent_level: str = "",
    data_needed: str = "",
    measures: Iterable[Measure] = (),
    sub_goals: Iterable[SubGoal] = (),
    indicators: Iterable[Indicator] = (),
    targets: Iterable[Target] = (),
) -> EvaluationContent:
    """The rules of a disposition, checked for every way an evaluation is written (form, API, command).

    Taken up as a measure → at least one measure; informs an indicator → at least one indicator or target;
    outside the city's competence → the competent level named; no data → the data needed named; the German
    justification (and the English one, when given) at least TEILHABE_MIN_JUSTIFICATION_LENGTH characters.
    All problems are reported at once, each under the name of its field.
    """
    D = Evaluation.Disposition
    content = EvaluationContent(
        disposition=disposition,
        justification=(justification or "").strip(),
        justification_en=(justification_en or "").strip(),
        competent_level=(competent_level or "").strip(),
        data_needed=(data_needed or "").strip(),
        measures=list(measures),
        sub_goals=list(sub_goals),
        indicators=list(indicators),
        targets=list(targets),
    )
    errors: dict[str, str] = {}
    if disposition not in D.values:
        errors["disposition"] = _("Choose one of the dispositions offered.")
    _check_length(errors, "justification", content.justification, required=True)
    _check_length(errors, "justification_en", content.justification_en, required=False)
    if disposition == D.TAKEN_UP_AS_MEASURE and not content.measures:
        errors["measures"] = _("“Taken up as a measure” needs the measure: choose at least one.")
    if disposition == D.INFORMS_INDICATOR and not (content.indicators or content.targets):
        errors["indicators"] = _("“Informs an indicator” needs at least one indicator or target it informs.")
    if disposition == D.OUTSIDE_COMPETENCE and not content.competent_level:
        errors["competent_level"] = _("Name the level that is competent, for example the federal government.")
    if disposition == D.NO_DATA and not content.data_needed:
        errors["data_needed"] = _("Say which data would be needed to answer the contribution.")
    if len(content.competent_level) > 300:
        errors["competent_level"] = _("At most %(limit)d characters, please.") % {"limit": 300}
    if len(content.data_needed) > MAX_COMMENT_LENGTH:
        errors["data_needed"] = _("At most %(limit)d characters, please.") % {"limit": MAX_COMMENT_LENGTH}
    if errors:
        raise ValidationError(errors)
    return content


def _refuse_unless_allowed(*, actor: User, review: Review, action: workflow.Action) -> None:
    """Refuse someone the workflow does not let act before their input is judged (the same refusal as acting)."""
    if not permissions.can_act(actor, review, action):
        _apply_action(review=review, actor=actor, action=action)  # raises PermissionDenied or ReviewError


def _fill_evaluation(evaluation: Evaluation, content: EvaluationContent) -> None:
    evaluation.disposition = content.disposition
    # The untranslated column holds the German text (the default language) for constraints and fallbacks.
    evaluation.justification = content.justification
    evaluation.justification_de = content.justification
    evaluation.justification_en = content.justification_en or None
    # Only what the disposition asks for is kept, so a changed disposition leaves no stale answer behind.
    D = Evaluation.Disposition
    evaluation.competent_level = content.competent_level if content.disposition == D.OUTSIDE_COMPETENCE else ""
    evaluation.data_needed = content.data_needed if content.disposition == D.NO_DATA else ""


def _set_links(
    evaluation: Evaluation,
    *,
    measures: Iterable[Measure],
    sub_goals: Iterable[SubGoal],
    indicators: Iterable[Indicator],
    targets: Iterable[Target],
) -> None:
    evaluation.measures.set(measures)
    evaluation.sub_goals.set(sub_goals)
    evaluation.indicators.set(indicators)
    evaluation.targets.set(targets)


@transaction.atomic
def draft_evaluation(
    *,
    actor: User,
    review: Review,
    disposition: str,
    justification: str,
    justification_en: str = "",
    competent_level: str = "",
    data_needed: str = "",
    measures: Iterable[Measure] = (),
    sub_goals: Iterable[SubGoal] = (),
    indicators: Iterable[Indicator] = (),
    targets: Iterable[Target] = (),
) -> Evaluation:
    """The lead authority writes (or rewrites) the draft of the first evaluation (rules: check_evaluation)."""
    _refuse_unless_allowed(actor=actor, review=review, action=workflow.Action.DRAFT)
    content = check_evaluation(
        disposition=disposition,
        justification=justification,
        justification_en=justification_en,
        competent_level=competent_level,
        data_needed=data_needed,
        measures=measures,
        sub_goals=sub_goals,
        indicators=indicators,
        targets=targets,
    )
    locked = _apply_action(review=review, actor=actor, action=workflow.Action.DRAFT)
    assignment = locked.assignment
    evaluation = Evaluation.objects.filter(review=locked, published_at__isnull=True).first()
    if evaluation is None:
        evaluation = Evaluation(review=locked, revision=1)
    _fill_evaluation(evaluation, content)
    evaluation.authority = assignment.lead_authority
    evaluation.drafted_by = actor
    evaluation.full_clean(exclude=["review"])
    evaluation.save()
    _set_links(
        evaluation,
        measures=content.measures,
        sub_goals=content.sub_goals,
        indicators=content.indicators,
        targets=content.targets,
    )
    return evaluation


@transaction.atomic
def return_for_rework(*, actor: User, review: Review, comment: str) -> Review:
    return _apply_action(review=review, actor=actor, action=workflow.Action.RETURN_FOR_REWORK, comment=comment)


def _notify_contributors(review: Review) -> None:
    """With consent, tell contributors that their item's evaluation is published (one job per contribution)."""
    if review.bundle_id:
        members = Contribution.objects.filter(bundle_id=review.bundle_id)
    else:
        members = Contribution.objects.filter(pk=review.contribution_id)
    confirmed = members.exclude(contact_email="").filter(
        contact_consent_at__isnull=False, contact_confirmed_at__isnull=False
    )
    for pk in confirmed.values_list("pk", flat=True):
        transaction.on_commit(lambda pk=pk: tasks.send_publication_notice.enqueue(contribution_id=pk))


@transaction.atomic
def publish_evaluation(*, actor: User, review: Review, comment: str = "") -> Evaluation:
    """The department publishes the drafted evaluation; there is no publication without a justification."""
    draft = Evaluation.objects.filter(review=review, published_at__isnull=True).first()
    if draft is None or not draft.justification.strip():
        # Checked before the state machine so that the message names what is missing.
        if permissions.can_act(actor, review, workflow.Action.PUBLISH):
            raise ReviewError(_("There is no drafted evaluation with a justification to publish."))
    locked = _apply_action(
        review=review,
        actor=actor,
        action=workflow.Action.PUBLISH,
        comment=comment,
        updates={"published_evaluation": draft},
    )
    draft.published_at = timezone.now()
    draft.published_by = actor
    draft.save(update_fields=["published_at", "published_by", "updated_at"])
    _notify_contributors(locked)
    _notify_followers(locked, draft)
    return draft


@transaction.atomic
def publish_revision(
    *,
    actor: User,
    review: Review,
    disposition: str,
    justification: str,
    reason: str,
    justification_en: str = "",
    competent_level: str = "",
    data_needed: str = "",
    measures: Iterable[Measure] = (),
    sub_goals: Iterable[SubGoal] = (),
    indicators: Iterable[Indicator] = (),
    targets: Iterable[Target] = (),
) -> Evaluation:
    """Correct a published evaluation by publishing the next revision with its reason; earlier ones stay."""
    _refuse_unless_allowed(actor=actor, review=review, action=workflow.Action.PUBLISH_REVISION)
    content = check_evaluation(
        disposition=disposition,
        justification=justification,
        justification_en=justification_en,
        competent_level=competent_level,
        data_needed=data_needed,
        measures=measures,
        sub_goals=sub_goals,
        indicators=indicators,
        targets=targets,
    )
    locked = _apply_action(review=review, actor=actor, action=workflow.Action.PUBLISH_REVISION, comment=reason)
    previous = locked.published_evaluation
    evaluation = Evaluation(
        review=locked,
        revision=previous.revision + 1,
        revision_reason=reason.strip(),
        authority=previous.authority,
        drafted_by=actor,
        published_by=actor,
        published_at=timezone.now(),
    )
    _fill_evaluation(evaluation, content)
    evaluation.full_clean(exclude=["review"])
    evaluation.save()
    _set_links(
        evaluation,
        measures=content.measures,
        sub_goals=content.sub_goals,
        indicators=content.indicators,
        targets=content.targets,
    )
    locked.published_evaluation = evaluation
    locked.save(update_fields=["published_evaluation", "updated_at"])
    review.published_evaluation = evaluation
    _notify_followers(locked, evaluation)
    return evaluation


# --- Bundles ----------------------------------------------------------------------------------------


def _bundle_members(*, actor: User, bundle: Bundle, contributions: Iterable[Contribution]) -> list[Contribution]:
    contributions = list(contributions)
    if not contributions:
        raise ValidationError({"contributions": _("Choose at least one contribution.")})
    locked = list(
        Contribution.objects.select_for_update(of=("self",))
        .filter(pk__in=[c.pk for c in contributions])
        .select_related("review")
        .order_by("pk")
    )
    problems = []
    for contribution in locked:
        if contribution.procedure_id != bundle.procedure_id:
            problems.append(_("Contribution %(number)d belongs to another procedure.") % {"number": contribution.pk})
        elif contribution.bundle_id is not None:
            problems.append(_("Contribution %(number)d is already in a bundle.") % {"number": contribution.pk})
        elif contribution.review.state not in workflow.states_allowing(workflow.Action.BUNDLE):
            problems.append(
                _("Contribution %(number)d already has an evaluation drafted or published.")
                % {"number": contribution.pk}
            )
    if problems:
        raise ValidationError({"contributions": problems})
    for contribution in locked:
        _apply_action(
            review=contribution.review,
            actor=actor,
            action=workflow.Action.BUNDLE,
            comment=_("Added to bundle %(number)d.") % {"number": bundle.pk},
        )
    Contribution.objects.filter(pk__in=[c.pk for c in locked]).update(bundle=bundle, updated_at=timezone.now())
    for contribution in locked:
        contribution.bundle = bundle
    bundle_areas = {area.pk for area in bundle.areas.all()}
    new_areas = set(AreaOfAction.objects.filter(participation_contributions__in=locked).values_list("pk", flat=True))
    if new_areas - bundle_areas:
        bundle.areas.add(*(new_areas - bundle_areas))
    # Members joining an already evaluated bundle are told like the others were.
    if Review.objects.filter(bundle=bundle, state=workflow.State.PUBLISHED).exists():
        for contribution in locked:
            if contribution.contact_email and contribution.contact_consent_at and contribution.contact_confirmed_at:
                transaction.on_commit(
                    lambda pk=contribution.pk: tasks.send_publication_notice.enqueue(contribution_id=pk)
                )
    return locked


@transaction.atomic
def create_bundle(
    *, actor: User, procedure: Procedure, title: str, summary: str = "", contributions: Iterable[Contribution]
) -> Bundle:
    """Group contributions that raise the same concern; the bundle is reviewed once for all of them."""
    if not permissions.can_bundle(actor):
        raise PermissionDenied
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the bundle a title that names the concern.")})
    bundle = Bundle(procedure=procedure, title=title, summary=(summary or "").strip(), created_by=actor)
    bundle.full_clean()
    bundle.save()
    Review.objects.create(procedure=procedure, bundle=bundle, state_changed_at=timezone.now())
    _bundle_members(actor=actor, bundle=bundle, contributions=contributions)
    return bundle


@transaction.atomic
def add_to_bundle(*, actor: User, bundle: Bundle, contributions: Iterable[Contribution]) -> Bundle:
    if not permissions.can_bundle(actor):
        raise PermissionDenied
    _bundle_members(actor=actor, bundle=bundle, contributions=contributions)
    return bundle


@transaction.atomic
def remove_from_bundle(*, actor: User, contribution: Contribution, reason: str) -> Contribution:
    """Take a contribution out of its bundle: it becomes its own item again, back at 'received'."""
    if not permissions.can_bundle(actor):
        raise PermissionDenied
    if contribution.bundle_id is None:
        raise ValidationError(_("The contribution is not in a bundle."))
    _apply_action(review=contribution.review, actor=actor, action=workflow.Action.UNBUNDLE, comment=reason)
    Review.objects.filter(pk=contribution.review.pk).update(assignment=None)
    contribution.bundle = None
    contribution.save(update_fields=["bundle", "updated_at"])
    return contribution


# --- Documentation -----------------------------------------------------------------------------------

# A queued build that has not finished after this long is assumed lost (worker restarted) and queued again.
STALE_BUILD_SECONDS = 30 * 60


def request_documentation_pdf(*, procedure: Procedure, language: str) -> DocumentationBuild:
    """The procedure's PDF build for a language; queues a new build when there is none or the data changed."""
    from . import queries

    stamp = queries.documentation_stamp(procedure)
    now = timezone.now()
    with transaction.atomic():
        build, created = DocumentationBuild.objects.select_for_update().get_or_create(
            procedure=procedure, language=language, defaults={"data_stamp": stamp}
        )
        waiting = (now - build.requested_at).total_seconds() < STALE_BUILD_SECONDS
        is_current = build.status == DocumentationBuild.Status.READY and build.data_stamp == stamp
        is_queued = build.status == DocumentationBuild.Status.PENDING and waiting and not created
        recently_failed = build.status == DocumentationBuild.Status.FAILED and waiting and build.data_stamp == stamp
        if is_current or is_queued or recently_failed:
            return build
        build.status = DocumentationBuild.Status.PENDING
        build.data_stamp = stamp
        build.requested_at = now
        build.save(update_fields=["status", "data_stamp", "requested_at"])
        transaction.on_commit(
            lambda: tasks.build_documentation_pdf.enqueue(procedure_id=procedure.pk, language=language)
        )
    # With jobs run at once (the demo, tests) the build has finished by now.
    build.refresh_from_db()
    return build


# --- Reminders and personal data ----------------------------------------------------------------------


def send_review_reminders(*, now: datetime.datetime | None = None) -> int:
    """Queue one reminder per authority that leads overdue items; returns the number of authorities."""
    from .queries import overdue_cutoff

    cutoff = overdue_cutoff(now=now)
    open_states = [workflow.State.ASSIGNED, workflow.State.IN_REVIEW, workflow.State.DRAFTED]
    authority_ids = sorted(
        set(
            Review.objects.filter(state__in=open_states, created_at__lt=cutoff).values_list(
                "assignment__lead_authority_id", flat=True
            )
        )
        - {None}
    )
    for authority_id in authority_ids:
        transaction.on_commit(lambda pk=authority_id: tasks.send_overdue_reminder.enqueue(authority_id=pk))
    return len(authority_ids)


@transaction.atomic
def erase_contact_data(*, email: str) -> int:
    """Remove an e-mail address from contributions, registrations and their history; returns rows changed.

    The contributions themselves stay (they are part of the published documentation), now anonymous.
    """
    email = (email or "").strip()
    if not email:
        return 0
    from .models import Subscription

    changed = Contribution.objects.filter(contact_email__iexact=email).update(
        contact_email="",
        contact_consent_at=None,
        contact_confirmed_at=None,
        consent_wording_version="",
        updated_at=timezone.now(),
    )
    Contribution.history.model.objects.filter(contact_email__iexact=email).update(
        contact_email="", contact_consent_at=None, contact_confirmed_at=None, consent_wording_version=""
    )
    registrations, _counts = Registration.objects.filter(email__iexact=email).delete()
    subscriptions, _counts = Subscription.objects.filter(email__iexact=email).delete()
    return changed + registrations + subscriptions


def refresh_after_erasure(*, email: str) -> int:
    """After an erasure (teilhabe.core.privacy hook): text derived from a contribution is recomputed from the
    scrubbed original, and every documentation PDF holding the address is withdrawn (file and build deleted;
    the next request builds it anew from the erased data). Returns the number of rows and files changed."""
    from teilhabe.core.privacy import extracted_text

    needle = email.lower()
    token = similarity.normalise(email)
    changed = 0
    with transaction.atomic():
        derived = (
            Contribution.objects.filter(normalised_text__icontains=token) if token else Contribution.objects.none()
        )
        for contribution in derived.only("pk", "title", "text"):
            Contribution.objects.filter(pk=contribution.pk).update(
                normalised_text=similarity.normalise(f"{contribution.title} {contribution.text}")
            )
            changed += 1
        for build in DocumentationBuild.objects.exclude(file=""):
            try:
                with build.file.open("rb") as handle:
                    content = handle.read()
            except FileNotFoundError:
                content = b""
            if needle.encode() in content.lower() or needle in extracted_text(content).lower():
                build.file.delete(save=False)
                build.delete()
                changed += 1
    if changed:
        transaction.on_commit(bump_data_version)
    return changed


@transaction.atomic
def anonymise_expired_contact_data(*, before: datetime.datetime) -> int:
    """Contact data kept longer than the retention period is removed (TEILHABE_CONTACT_RETENTION_DAYS)."""
    expired = Q(contact_consent_at__lt=before) & ~Q(contact_email="")
    from .models import Subscription

    changed = Contribution.objects.filter(expired).update(
        contact_email="", contact_consent_at=None, contact_confirmed_at=None, consent_wording_version=""
    )
    Contribution.history.model.objects.filter(expired).update(
        contact_email="", contact_consent_at=None, contact_confirmed_at=None, consent_wording_version=""
    )
    deleted, _counts = Registration.objects.filter(consent_given_at__lt=before).delete()
    subscriptions, _counts = Subscription.objects.filter(created_at__lt=before).delete()
    return changed + deleted + subscriptions


# --- Following by e-mail, with double opt-in --------------------------------------------------------------
#
# Every address a resident gives (a subscription, an event registration, a contribution's contact address) gets
# one confirmation mail with a signed link and nothing else until that link is opened: the confirmation time is
# the stored proof of consent. Every later mail carries a signed link that removes the address.

CONFIRM_SALT = "teilhabe.participation.confirm-address"
REMOVE_SALT = "teilhabe.participation.remove-address"
# A confirmation link older than this is refused; the resident simply asks again.
CONFIRMATION_MAX_AGE_DAYS = 7
# Asking again for the same address and target within this time sends no second confirmation mail.
RESEND_AFTER_HOURS = 24


class AddressKind:
    """Which kind of row an address belongs to (the first element of a signed link)."""

    SUBSCRIPTION = "s"
    REGISTRATION = "r"
    CONTRIBUTION = "c"


class LinkError(ValidationError):
    """A confirmation or removal link that is forged, expired or no longer points at an address."""


def _address_digest(kind: str, ident: str, email: str) -> str:
    # Binds a link to the address it was sent to: after an erasure or change the old link is dead.
    from django.utils.crypto import salted_hmac

    return salted_hmac("teilhabe.participation.address", f"{kind}:{ident}:{email.strip().lower()}").hexdigest()[:20]


def _address_row(kind: str, ident: str):
    """The row an address belongs to and its address, or (None, "")."""
    from .models import Subscription

    if kind == AddressKind.SUBSCRIPTION:
        row = Subscription.objects.filter(token=ident).first()
        return row, (row.email if row else "")
    if not str(ident).isdigit():
        return None, ""
    if kind == AddressKind.REGISTRATION:
        row = Registration.objects.filter(pk=int(ident)).first()
        return row, (row.email if row else "")
    if kind == AddressKind.CONTRIBUTION:
        row = Contribution.objects.filter(pk=int(ident)).first()
        return row, (row.contact_email if row else "")
    return None, ""


def _identity(row) -> tuple[str, str, str]:
    from .models import Subscription

    if isinstance(row, Subscription):
        return AddressKind.SUBSCRIPTION, row.token, row.email
    if isinstance(row, Registration):
        return AddressKind.REGISTRATION, str(row.pk), row.email
    return AddressKind.CONTRIBUTION, str(row.pk), row.contact_email


def address_link_token(row, *, purpose: str) -> str:
    """The signed token of a confirmation ('confirm') or removal ('remove') link for a row's address."""
    from django.core import signing

    kind, ident, email = _identity(row)
    salt = CONFIRM_SALT if purpose == "confirm" else REMOVE_SALT
    return signing.dumps([kind, ident, _address_digest(kind, ident, email)], salt=salt)


def _resolve_link(token: str, *, purpose: str):
    from django.core import signing

    salt, max_age = (
        (CONFIRM_SALT, datetime.timedelta(days=CONFIRMATION_MAX_AGE_DAYS))
        if purpose == "confirm"
        else (REMOVE_SALT, None)
    )
    try:
        kind, ident, digest = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkError(_("This link has expired. Please ask again; you will get a new link.")) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkError(_("This link is not valid. Please copy the whole link from the e-mail.")) from error
    row, email = _address_row(str(kind), str(ident))
    if row is None or not email or _address_digest(str(kind), str(ident), email) != digest:
        raise LinkError(_("This link no longer points to an address we keep."))
    return row


def describe_address_link(token: str, *, purpose: str) -> str:
    """What the link is about, for the page that asks to confirm; raises LinkError for a bad link."""
    return describe_address(_resolve_link(token, purpose=purpose))


def describe_address(row) -> str:
    from .models import Subscription

    if isinstance(row, Subscription):
        target = row.procedure or row.indicator
        if row.target == Subscription.Target.CONTRIBUTION:
            return _("E-mails when there is news about your contribution.")
        return _("E-mails when there is news about “%(target)s”.") % {"target": target}
    if isinstance(row, Registration):
        return _("Invitations and minutes of the participation procedure “%(procedure)s”.") % {
            "procedure": row.procedure
        }
    return _("An e-mail when your contribution has been evaluated.")


@transaction.atomic
def confirm_address(*, token: str):
    """Record the owner's confirmation of an address (idempotent); refuses forged or expired links unchanged."""
    row = _resolve_link(token, purpose="confirm")
    row = type(row).objects.select_for_update().get(pk=row.pk)
    field = {"Subscription": "confirmed_at", "Registration": "email_confirmed_at"}.get(
        type(row).__name__, "contact_confirmed_at"
    )
    if getattr(row, field) is None:
        setattr(row, field, timezone.now())
        row.save(update_fields=[field])
    return row


@transaction.atomic
def remove_address(*, token: str) -> None:
    """Unsubscribe: a subscription or registration is deleted, a contribution's contact address removed."""
    from .models import Subscription

    row = _resolve_link(token, purpose="remove")
    if isinstance(row, Subscription | Registration):
        row.delete()
        return
    Contribution.objects.filter(pk=row.pk).update(
        contact_email="",
        contact_consent_at=None,
        contact_confirmed_at=None,
        consent_wording_version="",
        updated_at=timezone.now(),
    )


def _ask_for_confirmation(row) -> None:
    kind, ident, _email = _identity(row)
    transaction.on_commit(lambda: tasks.send_address_confirmation.enqueue(kind=kind, ident=ident))


@transaction.atomic
def subscribe(
    *,
    email: str,
    language: str,
    has_consented: bool,
    procedure: Procedure | None = None,
    indicator: Indicator | None = None,
    contribution: Contribution | None = None,
):
    """Ask to follow one target by e-mail; sends only the confirmation mail (at most once a day per target).

    The answer is the same whether or not the address already follows the target, so the form reveals nothing.
    """
    from django.core.validators import validate_email

    from .models import Subscription

    email = (email or "").strip().lower()
    errors = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = _("Enter a valid e-mail address.")
    if not has_consented:
        errors["consent"] = _("We can only write to you with your consent.")
    targets = [target for target in (procedure, indicator, contribution) if target is not None]
    if len(targets) != 1:
        raise ValueError("Follow exactly one procedure, indicator or contribution.")
    if contribution is not None and not contribution.is_public and contribution.moderation_state != "pending":
        errors["email"] = _("This contribution cannot be followed.")
    if errors:
        raise ValidationError(errors)
    if procedure is not None:
        lookup = {"target": Subscription.Target.PROCEDURE, "procedure": procedure}
    elif indicator is not None:
        lookup = {"target": Subscription.Target.INDICATOR, "indicator": indicator}
    else:
        lookup = {"target": Subscription.Target.CONTRIBUTION, "contribution": contribution}
    existing = Subscription.objects.select_for_update().filter(email=email, **lookup).first()
    if existing is not None:
        recently = timezone.now() - datetime.timedelta(hours=RESEND_AFTER_HOURS)
        if existing.confirmed_at is None and existing.created_at < recently:
            # A fresh request renews the unconfirmed one: a new link, a new day's limit.
            existing.created_at = timezone.now()
            existing.language = language
            existing.save(update_fields=["created_at", "language"])
            _ask_for_confirmation(existing)
        return existing
    subscription = Subscription(
        email=email, language=language, consent_wording_version=CONSENT_WORDING_VERSION, **lookup
    )
    subscription.full_clean()
    subscription.save()
    _ask_for_confirmation(subscription)
    return subscription


def _notify_followers(review: Review, evaluation: Evaluation) -> None:
    """Queue one notice per confirmed address following the item's procedure, its indicators or a member."""
    from .models import Subscription

    if review.bundle_id:
        members = list(Contribution.objects.filter(bundle_id=review.bundle_id).values_list("pk", flat=True))
    else:
        members = [review.contribution_id]
    indicators = list(evaluation.indicators.values_list("pk", flat=True))
    rows = (
        Subscription.objects.filter(confirmed_at__isnull=False)
        .filter(
            Q(target=Subscription.Target.CONTRIBUTION, contribution_id__in=members)
            | Q(target=Subscription.Target.INDICATOR, indicator_id__in=indicators)
            | Q(target=Subscription.Target.PROCEDURE, procedure_id=review.procedure_id)
        )
        .values_list("pk", "email", "target")
    )
    # One mail per address: the most specific subscription speaks (own contribution, then indicator, procedure).
    rank = {Subscription.Target.CONTRIBUTION: 0, Subscription.Target.INDICATOR: 1, Subscription.Target.PROCEDURE: 2}
    chosen: dict[str, tuple[int, int]] = {}
    for pk, email, target in rows:
        if email not in chosen or rank[target] < chosen[email][0]:
            chosen[email] = (rank[target], pk)
    for _rank, pk in sorted(chosen.values(), key=lambda pair: pair[1]):
        transaction.on_commit(lambda pk=pk: tasks.send_follower_notice.enqueue(subscription_id=pk, review_id=review.pk))


# --- Languages: detection, correction, machine translation for staff, translated justifications ----------
# (docs/translations.md)


def accepted_languages() -> list[str]:
    """The languages contributions are accepted in (participation.models.Language)."""
    from .models import Language

    return list(Language.values)


def settle_language(*, title: str, text: str, chosen: str, page_language: str = "") -> tuple[str, str]:
    """The contribution's language and how it was set: as chosen when one was chosen; else detected offline
    from the text among the accepted languages; else assumed to be the page's language (German by default)."""
    from .models import Language, LanguageOrigin

    if chosen:
        if chosen not in Language.values:
            raise ValidationError({"language": _("Choose one of the languages offered.")})
        return chosen, LanguageOrigin.CHOSEN
    detected = languages.detect_language(f"{title}\n{text}", accepted_languages())
    if detected in Language.values:
        return detected, LanguageOrigin.DETECTED
    fallback = page_language if page_language in Language.values else settings.LANGUAGE_CODE
    return fallback, LanguageOrigin.ASSUMED


def is_machine_translation_configured() -> bool:
    """Whether the city runs a translation server; without one no text leaves this server."""
    return bool(settings.TEILHABE_TRANSLATION_URL)


def _translation_client() -> machine_translation.LibreTranslateClient:
    return machine_translation.LibreTranslateClient(
        settings.TEILHABE_TRANSLATION_URL,
        api_key=settings.TEILHABE_TRANSLATION_API_KEY,
        timeout=settings.TEILHABE_TRANSLATION_TIMEOUT_SECONDS,
    )


def translation_digest(contribution: Contribution) -> str:
    return machine_translation.source_digest(
        language=contribution.language, title=contribution.title, text=contribution.text
    )


def needs_machine_translation(contribution: Contribution, target: str = "de") -> bool:
    return is_machine_translation_configured() and contribution.language != target


def _queue_machine_translation(contribution: Contribution) -> None:
    if needs_machine_translation(contribution):
        pk = contribution.pk
        transaction.on_commit(lambda: tasks.translate_contribution.enqueue(contribution_id=pk))


def translate_contribution(
    *, contribution: Contribution, actor: User | None = None, target: str = "de"
) -> MachineTranslation:
    """Ask the translation server for the contribution's title and text in `target` and keep the answer,
    with engine and date, for staff. Not atomic on purpose: no database transaction waits for the network.

    `actor` is None for the background job queued when the contribution arrives. Raises ValidationError when
    no server is configured, the text is already in `target`, or the server fails (the message says how).
    """
    if actor is not None and not permissions.can_handle_language(actor, contribution):
        raise PermissionDenied
    if not is_machine_translation_configured():
        raise ValidationError(_("No translation server is configured; nothing was sent."))
    if contribution.language == target:
        raise ValidationError(_("The contribution is already in this language."))
    texts = [contribution.title, contribution.text] if contribution.title else [contribution.text]
    try:
        answer = _translation_client().translate(texts, source=contribution.language, target=target)
    except machine_translation.TranslationError as error:
        raise ValidationError(_("The machine translation failed: %(reason)s") % {"reason": error}) from error
    title, text = (answer.texts[0], answer.texts[1]) if contribution.title else ("", answer.texts[0])
    translation, _created = MachineTranslation.objects.update_or_create(
        contribution=contribution,
        target_language=target,
        defaults={
            "source_language": contribution.language,
            "title": title[:400],
            "text": text,
            "engine": answer.engine[:200],
            "source_digest": translation_digest(contribution),
            "translated_at": timezone.now(),
            "requested_by": actor,
        },
    )
    return translation


@transaction.atomic
def correct_contribution_language(*, actor: User, contribution: Contribution, language: str) -> Contribution:
    """Staff set the language a contribution is written in (the history keeps who and when); a German machine
    translation made from the old language is dropped and, where a server is configured, requested anew."""
    from .models import Language, LanguageOrigin

    if not permissions.can_handle_language(actor, contribution):
        raise PermissionDenied
    if language not in Language.values:
        raise ValidationError({"language": _("Choose one of the languages offered.")})
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if language == contribution.language:
        raise ValidationError({"language": _("The contribution is already recorded in this language.")})
    contribution.language = language
    contribution.language_origin = LanguageOrigin.CORRECTED
    contribution._history_user = actor  # the history names who corrected it, also outside a request
    contribution._change_reason = "language corrected"
    contribution.save(update_fields=["language", "language_origin", "updated_at"])
    MachineTranslation.objects.filter(contribution=contribution).delete()
    _queue_machine_translation(contribution)
    return contribution


@transaction.atomic
def save_justification_translation(
    *,
    actor: User,
    evaluation: Evaluation,
    language: str,
    text: str,
    is_machine_assisted: bool = False,
    engine: str = "",
) -> JustificationTranslation:
    """Staff add (or replace) the public justification in a resident's language; a machine draft counts only
    once a person approves it here, and is marked as machine-assisted on the public pages."""
    review = evaluation.review
    if not permissions.can_translate_justification(actor, review):
        raise PermissionDenied
    text = (text or "").strip()
    errors: dict[str, str] = {}
    if language not in dict(settings.LANGUAGES) or language in ("de", "en"):
        # German and English are written in the evaluation form itself.
        errors["language"] = _("Choose one of the site's languages other than German and English.")
    _check_length(errors, "text", text, required=True)
    if is_machine_assisted and not (engine or "").strip():
        errors["is_machine_assisted"] = _(
            "A machine-assisted translation starts from a machine draft: ask for one first."
        )
    if errors:
        raise ValidationError(errors)
    Origin = JustificationTranslation.Origin
    origin = Origin.MACHINE_APPROVED if is_machine_assisted else Origin.STAFF
    translation, _created = JustificationTranslation.objects.update_or_create(
        evaluation=evaluation,
        language=language,
        defaults={
            "text": text,
            "origin": origin,
            "engine": (engine or "").strip()[:200] if is_machine_assisted else "",
            "approved_by": actor,
            "approved_at": timezone.now(),
        },
    )
    _public_data_changed()
    return translation


def draft_justification_translation(*, actor: User, evaluation: Evaluation, language: str) -> tuple[str, str]:
    """A machine draft of the justification in `language`, for staff to check before saving it: (text, engine).
    Nothing is stored and nothing is published by this."""
    if not permissions.can_translate_justification(actor, evaluation.review):
        raise PermissionDenied
    if not is_machine_translation_configured():
        raise ValidationError(_("No translation server is configured; nothing was sent."))
    try:
        answer = _translation_client().translate([evaluation.justification], source="de", target=language)
    except machine_translation.TranslationError as error:
        raise ValidationError(_("The machine translation failed: %(reason)s") % {"reason": error}) from error
    return answer.texts[0], answer.engine
