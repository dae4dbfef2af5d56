"""Reads of participation. Each query owns its joins, so a page costs a fixed number of queries.

Public reads show only published contributions and published evaluations; staff reads start from
`visible_reviews(user)`, which applies the permission rule of permissions.py as a query condition.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Count, Expression, Max, Prefetch, Q, QuerySet, Sum
from django.db.models.expressions import Col
from django.db.models.functions import Length
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from teilhabe.monitoring.models import AreaOfAction, Assessment, Geography, Indicator, Measure

from . import machine_translation, permissions, similarity, workflow
from .models import (
    Assignment,
    Bundle,
    Contribution,
    DocumentationBuild,
    Evaluation,
    Event,
    EventAttendance,
    JustificationTranslation,
    MachineTranslation,
    Opinion,
    Phase,
    Procedure,
    Registration,
    Review,
    StakeholderGroup,
    TransitionLog,
)

OPEN_STATES = (workflow.State.ASSIGNED, workflow.State.IN_REVIEW, workflow.State.DRAFTED)
REVIEWABLE_STATES = (workflow.State.RECEIVED, *OPEN_STATES, workflow.State.PUBLISHED)
SUGGESTION_CANDIDATE_LIMIT = 5000
EVALUATION_LINKS = ("measures", "sub_goals__area", "indicators__versions", "targets__indicator")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


# --- Procedures and events ------------------------------------------------------------------------


def list_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.select_related("edition").order_by("-created_at", "slug")


def get_procedure(slug: str) -> Procedure:
    return get_object_or_404(
        Procedure.objects.select_related("edition").prefetch_related(
            Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "position"))
        ),
        slug=slug,
    )


def public_contributions(procedure: Procedure | None = None) -> QuerySet[Contribution]:
    rows = Contribution.objects.filter(moderation_state=Contribution.Moderation.PUBLISHED)
    return rows.filter(procedure=procedure) if procedure is not None else rows


def list_events(procedure: Procedure) -> QuerySet[Event]:
    """Events in date order with their district, stakeholder groups and count of published contributions."""
    published = Count("contributions", filter=Q(contributions__moderation_state=Contribution.Moderation.PUBLISHED))
    return (
        Event.objects.filter(procedure=procedure)
        .select_related("district", "procedure")
        .prefetch_related(Prefetch("stakeholder_groups", queryset=StakeholderGroup.objects.order_by("position")))
        .annotate(contribution_count=published)
        .order_by("held_on", "pk")
    )


def get_event(procedure: Procedure, pk: int) -> Event:
    return get_object_or_404(
        Event.objects.select_related("district", "procedure").prefetch_related(
            "stakeholder_groups",
            "attachments",
            "moderators",
            Prefetch("attendances", queryset=EventAttendance.objects.select_related("stakeholder_group")),
        ),
        procedure=procedure,
        pk=pk,
    )


def list_event_contributions(event: Event) -> QuerySet[Contribution]:
    return with_evaluations(public_contributions().filter(event=event)).order_by("pk")


@dataclass(frozen=True)
class Figures:
    events: int
    participants: int
    contributions: int
    evaluated: int
    bundles: int
    districts: int


@dataclass(frozen=True)
class Tally:
    """Published contributions counted by kind, source, language and whether their evaluation is out."""

    rows: list[tuple[str, str, str, bool, int]]

    def count(self, *, evaluated: bool | None = None) -> int:
        return sum(n for *_keys, is_evaluated, n in self.rows if evaluated is None or is_evaluated == evaluated)

    def by(self, position: int) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for row in self.rows:
            totals[row[position]] += row[-1]
        return dict(totals)


def get_tally(procedure: Procedure) -> Tally:
    """One grouped query instead of one per breakdown: a few dozen rows however many contributions there are."""
    from django.db.models import BooleanField, Case, When

    evaluated = Case(
        When(Q(review__state=workflow.State.PUBLISHED) | Q(bundle__review__state=workflow.State.PUBLISHED), then=True),
        default=False,
        output_field=BooleanField(),
    )
    rows = (
        public_contributions(procedure)
        .annotate(is_evaluated=evaluated)
        .values_list("kind", "source", "language", "is_evaluated")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return Tally(rows=[tuple(row) for row in rows])


def get_figures(procedure: Procedure, tally: Tally | None = None) -> Figures:
    """Headline figures of a procedure in three aggregate queries."""
    tally = tally or get_tally(procedure)
    events = Event.objects.filter(procedure=procedure).aggregate(
        count=Count("pk"), participants=Sum("attendance_total"), districts=Count("district", distinct=True)
    )
    bundles = Bundle.objects.filter(procedure=procedure, review__state=workflow.State.PUBLISHED).count()
    return Figures(
        events=events["count"],
        participants=events["participants"] or 0,
        contributions=tally.count(),
        evaluated=tally.count(evaluated=True),
        bundles=bundles,
        districts=events["districts"],
    )


# --- Evaluations of contributions -----------------------------------------------------------------------


def with_evaluations(rows: QuerySet[Contribution]) -> QuerySet[Contribution]:
    """Contributions with what a public page shows beside them: event, district, areas, the evaluation."""
    return rows.select_related(
        "procedure",
        "event__procedure",
        "district",
        "bundle__procedure",
        "review",
        "review__published_evaluation",
        "bundle__review",
        "bundle__review__published_evaluation",
    ).prefetch_related(Prefetch("areas", queryset=AreaOfAction.objects.order_by("position", "code")))


def effective_review(contribution: Contribution) -> Review:
    """The review that decides for a contribution: its bundle's when it is in one."""
    return contribution.bundle.review if contribution.bundle_id else contribution.review


def public_evaluation(contribution: Contribution) -> Evaluation | None:
    review = effective_review(contribution)
    return review.published_evaluation if review.state == workflow.State.PUBLISHED else None


def attach_evaluation_links(evaluations: Iterable[Evaluation | None]) -> None:
    """Load the measures, sub-goals, indicators and targets of many evaluations in four queries."""
    from django.db.models import prefetch_related_objects

    unique = {evaluation.pk: evaluation for evaluation in evaluations if evaluation is not None}
    prefetch_related_objects(list(unique.values()), "measures", "sub_goals", "indicators", "targets__indicator")
    # Evaluations reached through different rows are distinct Python objects; share the loaded links.
    for evaluation in evaluations:
        if evaluation is not None and evaluation is not unique[evaluation.pk]:
            evaluation._prefetched_objects_cache = unique[evaluation.pk]._prefetched_objects_cache


def prepare_page(contributions: Sequence[Contribution]) -> list[Contribution]:
    """Attach `evaluation` (the public one, or None) to each contribution of a page and load its links."""
    rows = list(contributions)
    for contribution in rows:
        contribution.evaluation = public_evaluation(contribution)
    attach_evaluation_links([row.evaluation for row in rows])
    return rows


def list_published_revisions(review: Review) -> list[Evaluation]:
    """Every published revision, newest first: a correction never hides the earlier text."""
    rows = list(review.evaluations.filter(published_at__isnull=False).select_related("authority").order_by("-revision"))
    attach_evaluation_links(rows)
    return rows


# --- Links into the monitoring domain ---------------------------------------------------------------


def list_contributions_for_indicator(indicator: Indicator) -> QuerySet[Contribution]:
    """Published contributions whose published evaluation links this indicator (for the indicator page)."""
    links = Q(review__published_evaluation__indicators=indicator) | Q(
        bundle__review__published_evaluation__indicators=indicator
    )
    return _linked(links)


def list_contributions_for_measure(measure: Measure) -> QuerySet[Contribution]:
    """Published contributions whose published evaluation links this measure (for the measure page)."""
    links = Q(review__published_evaluation__measures=measure) | Q(
        bundle__review__published_evaluation__measures=measure
    )
    return _linked(links)


def _linked(links: Q) -> QuerySet[Contribution]:
    published = Q(review__state=workflow.State.PUBLISHED) | Q(bundle__review__state=workflow.State.PUBLISHED)
    matching = Contribution.objects.filter(links).values("pk")
    return (
        public_contributions()
        .filter(published, pk__in=matching)
        .select_related("procedure", "bundle", "review__published_evaluation", "bundle__review__published_evaluation")
        .order_by("-procedure__created_at", "bundle_id", "pk")
    )


@dataclass(frozen=True)
class IndicatorStatus:
    indicator: Indicator
    title: str
    status: str | None
    is_uncertain: bool


def get_indicator_statuses(indicators: Iterable[Indicator]) -> list[IndicatorStatus]:
    """Each indicator's headline assessment (city, gap if assessed else total) in the current edition."""
    from teilhabe.monitoring import queries as monitoring_queries

    indicators = list(indicators)
    if not indicators:
        return []
    edition = monitoring_queries.get_current_edition()
    headline: dict[int, Assessment] = {}
    titles: dict[int, str] = {}
    if edition is not None:
        rows = monitoring_queries.list_assessments(edition=edition).filter(
            indicator__in=indicators,
            breakdown_key="",
            geography__level=Geography.Level.CITY,
            series_kind__in=[Assessment.SeriesKind.GAP, Assessment.SeriesKind.TOTAL],
        )
        for row in rows:
            current = headline.get(row.indicator_id)
            if current is None or (row.series_kind == Assessment.SeriesKind.GAP):
                headline[row.indicator_id] = row
        for version in edition.indicator_versions.filter(indicator__in=indicators).only("indicator_id", "title"):
            titles[version.indicator_id] = version.title
    result = []
    for indicator in indicators:
        if indicator.pk not in titles:
            version = indicator.versions.order_by("-edition__adopted_on").only("title").first()
            titles[indicator.pk] = version.title if version else ""
        row = headline.get(indicator.pk)
        result.append(
            IndicatorStatus(
                indicator=indicator,
                title=titles[indicator.pk],
                status=row.status if row else None,
                is_uncertain=bool(row and row.is_uncertain),
            )
        )
    return result


# --- Public contribution, bundle, receipt -----------------------------------------------------------


def get_public_contribution(procedure: Procedure, pk: int) -> Contribution:
    return get_object_or_404(with_evaluations(public_contributions(procedure)), pk=pk)


def get_public_bundle(procedure: Procedure, pk: int) -> Bundle:
    bundle = get_object_or_404(
        Bundle.objects.select_related("procedure", "review", "review__published_evaluation").prefetch_related("areas"),
        procedure=procedure,
        pk=pk,
    )
    if not public_contributions(procedure).filter(bundle=bundle).exists():
        raise Http404
    return bundle


def list_bundle_members(bundle: Bundle, *, public: bool = True) -> QuerySet[Contribution]:
    rows = public_contributions() if public else Contribution.objects.all()
    return (
        rows.filter(bundle=bundle)
        .select_related("procedure", "event__procedure", "event__district", "district")
        .prefetch_related("areas", "event__stakeholder_groups")
        .order_by("pk")
    )


@dataclass(frozen=True)
class Origin:
    """Where a bundle's concern was raised."""

    events: int
    districts: list[str]
    stakeholder_groups: list[str]
    sources: dict[str, int]


def get_bundle_origin(members: Sequence[Contribution]) -> Origin:
    events = {member.event_id for member in members if member.event_id}
    districts: dict[int, str] = {}
    groups: dict[int, str] = {}
    for member in members:
        district = member.district or (member.event.district if member.event else None)
        if district is not None:
            districts[district.pk] = str(district)
        if member.event is not None:
            for group in member.event.stakeholder_groups.all():
                groups[group.pk] = str(group)
    sources = Counter(member.get_source_display() for member in members)
    return Origin(
        events=len(events),
        districts=sorted(districts.values()),
        stakeholder_groups=sorted(groups.values()),
        sources=dict(sorted(sources.items())),
    )


@dataclass(frozen=True)
class Receipt:
    contribution: Contribution
    review: Review
    evaluations: list[Evaluation]
    indicator_statuses: list[IndicatorStatus]
    lead_authority: object | None
    # What happens next: the step the contribution is at, and the day the authority's answer is due.
    step: str = ""
    answer_due_on: datetime.date | None = None
    is_answer_late: bool = False
    is_contact_unconfirmed: bool = False


# The steps a resident's contribution goes through, as the receipt explains them.
RECEIPT_STEPS = ("check", "handover", "review", "answered")


def answer_due_on(contribution: Contribution) -> datetime.date:
    """The day the competent authority's answer is due: the review deadline counted from the submission.

    The same deadline marks an item overdue in the staff queue (TEILHABE_REVIEW_DEADLINE_DAYS).
    """
    submitted = timezone.localtime(contribution.created_at).date()
    return submitted + datetime.timedelta(days=settings.TEILHABE_REVIEW_DEADLINE_DAYS)


def _receipt_step(contribution: Contribution, review: Review) -> str:
    if contribution.moderation_state == Contribution.Moderation.PENDING:
        return "check"
    if contribution.moderation_state == Contribution.Moderation.HIDDEN:
        return ""
    if review.state == workflow.State.PUBLISHED:
        return "answered"
    if review.state == workflow.State.RECEIVED:
        return "handover"
    return "review"


def get_receipt(token: str) -> Receipt:
    """What a contributor sees by their receipt link: the current state, the evaluation and where it led."""
    if not token or len(token) > 64:
        raise Http404
    contribution = get_object_or_404(
        with_evaluations(Contribution.objects.all()).select_related(
            "review__assignment__lead_authority", "bundle__review__assignment__lead_authority"
        ),
        receipt_token=token,
    )
    review = effective_review(contribution)
    evaluations = list_published_revisions(review) if review.state == workflow.State.PUBLISHED else []
    statuses = get_indicator_statuses(evaluations[0].indicators.all()) if evaluations else []
    lead = review.assignment.lead_authority if review.assignment_id else None
    step = _receipt_step(contribution, review)
    due = answer_due_on(contribution)
    return Receipt(
        contribution=contribution,
        review=review,
        evaluations=evaluations,
        indicator_statuses=statuses,
        lead_authority=lead,
        step=step,
        answer_due_on=due,
        is_answer_late=step in ("check", "handover", "review") and timezone.localdate() > due,
        is_contact_unconfirmed=bool(contribution.contact_email) and contribution.contact_confirmed_at is None,
    )


# --- Staff: queues, search, overview -------------------------------------------------------------


def visible_reviews(user) -> QuerySet[Review]:
    """The items this user may see; the department sees all, authority staff their own, others none."""
    condition = permissions.visible_reviews_filter(user)
    rows = Review.objects.exclude(state=workflow.State.BUNDLED).exclude(
        contribution__moderation_state=Contribution.Moderation.HIDDEN
    )
    return rows if condition is None else rows.filter(condition)


@dataclass(frozen=True)
class QueueFilters:
    query: str = ""
    state: str = ""
    area: AreaOfAction | None = None
    authority: object | None = None
    source: str = ""
    kind: str = ""
    procedure: Procedure | None = None
    is_overdue: bool = False
    is_waiting_for_me: bool = False


def overdue_cutoff(*, now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(days=settings.TEILHABE_REVIEW_DEADLINE_DAYS)


def _overdue(now: datetime.datetime | None = None) -> Q:
    return Q(state__in=[workflow.State.RECEIVED, *OPEN_STATES], created_at__lt=overdue_cutoff(now=now))


class _StoredSearchVector(Expression):
    """The contribution's stored `search_vector` column (PostgreSQL only, see migration 0006): German and
    English vectors of title and text, generated by the database and GIN-indexed. Resolved to a column of
    the query's own table, so it keeps working when the query becomes a subquery with relabelled aliases."""

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        from django.contrib.postgres.search import SearchVectorField

        target = SearchVectorField()
        target.set_attributes_from_name("search_vector")
        target.model = Contribution
        return Col(query.get_initial_alias(), target)


def _matching_contributions(query: str) -> QuerySet[Contribution]:
    """Full text over title and text: on PostgreSQL the stored vector (German and English stemming, a GIN
    index) against the query read in both languages; elsewhere a plain substring match."""
    if is_postgres():
        from django.contrib.postgres.search import SearchQuery

        words = SearchQuery(query, config="german", search_type="websearch") | SearchQuery(
            query, config="english", search_type="websearch"
        )
        return Contribution.objects.alias(search=_StoredSearchVector()).filter(search=words)
    return Contribution.objects.filter(Q(title__icontains=query) | Q(text__icontains=query))


def _matching_bundles(query: str) -> QuerySet[Bundle]:
    if is_postgres():
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector("title", "summary", config="german")
        return Bundle.objects.annotate(search=vector).filter(
            search=SearchQuery(query, config="german", search_type="websearch")
        )
    return Bundle.objects.filter(Q(title__icontains=query) | Q(summary__icontains=query))


def _waiting_for(user) -> Q:
    """Items whose next move is this user's (workflow.WAITING_FOR), and open items that ask their authority
    for an opinion it has not given yet."""
    condition = Q(pk__in=[])
    if permissions.is_department_admin(user):
        condition |= Q(state__in=workflow.states_waiting_for(workflow.ActorKind.DEPARTMENT))
    if permissions.is_authority_staff(user):
        authority = user.authority_id
        condition |= Q(
            assignment__lead_authority_id=authority,
            state__in=workflow.states_waiting_for(workflow.ActorKind.LEAD_AUTHORITY),
        )
        co_assignments = Assignment.co_authorities.through.objects.filter(authority_id=authority)
        given = Opinion.objects.filter(authority_id=authority).values("review_id")
        condition |= Q(assignment_id__in=co_assignments.values("assignment_id"), state__in=OPEN_STATES) & ~Q(
            pk__in=given
        )
    return condition


def count_waiting_for(user) -> int:
    """How many items wait for this user: the count in the staff navigation, equal to the filtered queue."""
    return visible_reviews(user).filter(_waiting_for(user)).count()


def list_queue(user, filters: QueueFilters = QueueFilters()) -> QuerySet[Review]:
    """Items for the work queue, oldest first, filtered; every filter stays within what the user may see."""
    rows = visible_reviews(user)
    if filters.procedure is not None:
        rows = rows.filter(procedure=filters.procedure)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.authority is not None:
        rows = rows.filter(assignment__lead_authority=filters.authority)
    if filters.is_overdue:
        rows = rows.filter(_overdue())
    if filters.is_waiting_for_me:
        rows = rows.filter(_waiting_for(user))
    if filters.area is not None:
        rows = rows.filter(Q(contribution__areas=filters.area) | Q(bundle__areas=filters.area))
    if filters.source:
        rows = rows.filter(Q(contribution__source=filters.source) | Q(bundle__members__source=filters.source))
    if filters.kind:
        rows = rows.filter(Q(contribution__kind=filters.kind) | Q(bundle__members__kind=filters.kind))
    if filters.query:
        contributions = _matching_contributions(filters.query).values("pk")
        rows = rows.filter(
            Q(contribution_id__in=contributions)
            | Q(bundle_id__in=_matching_bundles(filters.query).values("pk"))
            | Q(bundle__members__in=contributions)
        )
    if filters.area is not None or filters.source or filters.kind or filters.query:
        rows = Review.objects.filter(pk__in=rows.values("pk"))  # one row per item despite the joins above
    return rows.select_related("procedure", "contribution", "bundle", "assignment__lead_authority").order_by(
        "created_at", "pk"
    )


def attach_member_counts(reviews: Sequence[Review]) -> list[Review]:
    """Set `member_count` on the bundles of one page in one query (a count over the whole queue would group
    every item before the page is cut)."""
    rows = list(reviews)
    bundle_ids = [review.bundle_id for review in rows if review.bundle_id]
    counts = (
        dict(
            Contribution.objects.filter(bundle_id__in=bundle_ids)
            .values_list("bundle_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        if bundle_ids
        else {}
    )
    for review in rows:
        review.member_count = counts.get(review.bundle_id, 0)
    return rows


def list_overdue_reviews(*, authority=None) -> QuerySet[Review]:
    rows = Review.objects.filter(_overdue()).exclude(state=workflow.State.RECEIVED)
    if authority is not None:
        rows = rows.filter(assignment__lead_authority=authority)
    return rows.select_related("contribution", "bundle", "procedure").order_by("created_at", "pk")


def get_review_for(user, pk: int) -> Review:
    """A review with everything its work page shows; 404 if it does not exist, 403 if it is not the user's."""
    review = get_object_or_404(
        Review.objects.select_related(
            "procedure",
            "procedure__edition",
            "contribution",
            "contribution__event",
            "contribution__district",
            "bundle",
            "assignment__lead_authority",
            "published_evaluation",
        ).prefetch_related("assignment__co_authorities"),
        pk=pk,
    )
    if not permissions.can_view_review(user, review):
        raise PermissionDenied
    return review


def get_review_log(review: Review) -> QuerySet[TransitionLog]:
    return review.log.select_related("actor").order_by("created_at", "pk")


@dataclass(frozen=True)
class LogEntry:
    """One line of an item's log as staff read it: names and labels, never stored codes."""

    at: datetime.datetime
    actor: str
    role: str
    action: str
    from_state: str
    to_state: str
    is_state_change: bool
    comment: str


def list_review_log_entries(review: Review) -> list[LogEntry]:
    from .models import ACTION_LABELS, ACTOR_KIND_LABELS, REVIEW_STATE_LABELS

    entries = []
    for row in review.log.select_related("actor", "actor__authority").order_by("created_at", "pk"):
        role = str(ACTOR_KIND_LABELS.get(row.actor_kind, row.actor_kind))
        authority = getattr(row.actor, "authority", None) if row.actor else None
        if authority is not None and row.actor_kind != workflow.ActorKind.DEPARTMENT:
            role = f"{authority}, {role}"
        entries.append(
            LogEntry(
                at=row.created_at,
                actor=str(row.actor) if row.actor else "",
                role=role,
                action=str(ACTION_LABELS.get(row.action, row.action)),
                from_state=str(REVIEW_STATE_LABELS.get(row.from_state, row.from_state)),
                to_state=str(REVIEW_STATE_LABELS.get(row.to_state, row.to_state)),
                is_state_change=row.from_state != row.to_state,
                comment=row.comment,
            )
        )
    return entries


def list_opinions(user, review: Review) -> QuerySet[Opinion]:
    rows = review.opinions.select_related("authority", "author").order_by("created_at", "pk")
    kinds = permissions.actor_kinds(user, review)
    if workflow.ActorKind.DEPARTMENT in kinds or workflow.ActorKind.LEAD_AUTHORITY in kinds:
        return rows
    if workflow.ActorKind.CO_AUTHORITY in kinds:
        return rows.filter(authority_id=user.authority_id)
    return rows.none()


def list_evaluations(review: Review) -> list[Evaluation]:
    rows = list(review.evaluations.select_related("authority", "drafted_by", "published_by").order_by("-revision"))
    attach_evaluation_links(rows)
    return rows


def list_assignments(review: Review) -> QuerySet[Assignment]:
    return (
        review.assignments.select_related("lead_authority", "assigned_by")
        .prefetch_related("co_authorities")
        .order_by("assigned_at", "pk")
    )


@dataclass(frozen=True)
class Overview:
    by_state: dict[str, int]
    by_authority: list[tuple[object, dict[str, int]]]
    by_area: list[tuple[AreaOfAction, int]]
    by_source: dict[str, int]
    overdue: int
    pending_moderation: int
    total: int


def get_overview(user, *, procedure: Procedure | None = None) -> Overview:
    """Counts for the department's overview in five aggregate queries, however many items there are."""
    reviews = visible_reviews(user)
    contributions = Contribution.objects.exclude(moderation_state=Contribution.Moderation.HIDDEN)
    if procedure is not None:
        reviews = reviews.filter(procedure=procedure)
        contributions = contributions.filter(procedure=procedure)
    by_state = {row["state"]: row["n"] for row in reviews.values("state").annotate(n=Count("pk")).order_by()}
    authority_rows = (
        reviews.exclude(assignment__isnull=True)
        .values("assignment__lead_authority", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_authority: dict[int, dict[str, int]] = defaultdict(dict)
    for row in authority_rows:
        per_authority[row["assignment__lead_authority"]][row["state"]] = row["n"]
    from teilhabe.accounts.models import Authority

    authorities = Authority.objects.in_bulk(list(per_authority))
    by_authority = sorted(
        ((authorities[pk], counts) for pk, counts in per_authority.items()), key=lambda pair: str(pair[0])
    )
    area_counts = dict(
        Contribution.areas.through.objects.filter(contribution__in=contributions)
        .values_list("areaofaction_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    areas = AreaOfAction.objects.in_bulk(list(area_counts))
    by_area = sorted(
        ((areas[pk], n) for pk, n in area_counts.items()), key=lambda pair: (pair[0].position, pair[0].code)
    )
    source_counts = dict(contributions.values_list("source").annotate(n=Count("pk")).order_by())
    by_source = {label: source_counts.get(value, 0) for value, label in Contribution.Source.choices}
    overdue = reviews.filter(_overdue()).count()
    pending = list_pending_moderation(user, procedure=procedure).count()
    return Overview(
        by_state=by_state,
        by_authority=by_authority,
        by_area=by_area,
        by_source=by_source,
        overdue=overdue,
        pending_moderation=pending,
        total=sum(by_state.values()),
    )


def list_pending_moderation(user, *, procedure: Procedure | None = None) -> QuerySet[Contribution]:
    """The contributions awaiting this user's moderation (permissions.can_moderate), oldest first."""
    rows = Contribution.objects.filter(moderation_state=Contribution.Moderation.PENDING)
    condition = permissions.moderation_filter(user)
    if condition is not None:
        rows = rows.filter(condition)
    if procedure is not None:
        rows = rows.filter(procedure=procedure)
    return rows.select_related("procedure", "event", "district").order_by("created_at", "pk")


def list_work_events(user) -> QuerySet[Event]:
    """The events a user may edit: all for the department, their own for a moderator."""
    condition = permissions.visible_events_filter(user)
    rows = (
        Event.objects.all()
        if condition is None
        else Event.objects.filter(pk__in=Event.objects.filter(condition).values("pk"))
    )
    return (
        rows.select_related("procedure", "district")
        .annotate(
            contribution_count=Count("contributions", distinct=True),
            registration_count=Count("registrations", distinct=True),
        )
        .order_by("-held_on", "pk")
    )


@dataclass(frozen=True)
class SimilarContribution:
    contribution: Contribution
    score: float


@dataclass(frozen=True)
class SimilarBundle:
    bundle: Bundle
    score: float
    members: tuple[Contribution, ...] = ()


# Prepared corpora of this process, by (procedure, published_only), with the stamp of the data they hold.
_corpora: dict[tuple[int, bool], tuple[tuple, similarity.Corpus]] = {}
CORPUS_CACHE_SIZE = 8


def build_similarity_corpus(procedure_id: int, *, published_only: bool = False) -> similarity.Corpus:
    """The procedure's contributions (newest 5,000, hidden ones left out) and bundles, ready to compare.

    `published_only` for viewers who may not see other items' unmoderated contributions (authority staff).
    Preparing 5,000 texts takes about a second, so the corpus is kept in this process until the
    procedure's contributions or bundles change (one aggregate query checks that).
    """
    stamp = _similarity_stamp(procedure_id)
    cached = _corpora.get((procedure_id, published_only))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    corpus = _prepare_similarity_corpus(procedure_id, published_only=published_only)
    if len(_corpora) >= CORPUS_CACHE_SIZE:
        _corpora.pop(next(iter(_corpora)), None)
    _corpora[(procedure_id, published_only)] = (stamp, corpus)
    return corpus


def _similarity_stamp(procedure_id: int) -> tuple:
    contributions = Contribution.objects.filter(procedure_id=procedure_id).aggregate(
        n=Count("pk"),
        last=Max("pk"),
        changed=Max("updated_at"),
        bundles=Sum("bundle_id"),
        bundled=Count("bundle_id"),
        length=Sum(Length("text")),
        hidden=Count("pk", filter=Q(moderation_state=Contribution.Moderation.HIDDEN)),
        published=Count("pk", filter=Q(moderation_state=Contribution.Moderation.PUBLISHED)),
    )
    # German machine translations take part in the comparison, so a new or changed one changes the corpus.
    translations = MachineTranslation.objects.filter(contribution__procedure_id=procedure_id).aggregate(
        n=Count("pk"), changed=Max("translated_at")
    )
    contributions["translations"] = (translations["n"], translations["changed"])
    bundles = Bundle.objects.filter(procedure_id=procedure_id).aggregate(
        n=Count("pk"), last=Max("pk"), changed=Max("updated_at"), length=Sum(Length("title_de") + Length("title_en"))
    )
    return tuple(sorted(contributions.items())) + tuple(sorted(bundles.items()))


def _prepare_similarity_corpus(procedure_id: int, *, published_only: bool) -> similarity.Corpus:
    rows = Contribution.objects.filter(procedure_id=procedure_id).exclude(
        moderation_state=Contribution.Moderation.HIDDEN
    )
    if published_only:
        rows = rows.filter(moderation_state=Contribution.Moderation.PUBLISHED)
    rows = list(
        rows.order_by("-pk").values_list("pk", "title", "text", "language", "bundle_id")[:SUGGESTION_CANDIDATE_LIMIT]
    )
    german = _current_german_translations(rows)
    documents = [
        similarity.Document(
            pk,
            similarity.Text(f"{title} {text}", language),
            bundle,
            translations=(german[pk],) if pk in german else (),
        )
        for pk, title, text, language, bundle in rows
    ]
    groups = [
        similarity.Group(
            pk,
            tuple(
                similarity.Text(text, language)
                for text, language in ((title_de, "de"), (summary_de, "de"), (title_en, "en"), (summary_en, "en"))
                if text
            ),
        )
        for pk, title_de, summary_de, title_en, summary_en in Bundle.objects.filter(
            procedure_id=procedure_id
        ).values_list("pk", "title_de", "summary_de", "title_en", "summary_en")
    ]
    return similarity.Corpus(documents, groups)


def _current_german_translations(rows: Sequence[tuple]) -> dict[int, similarity.Text]:
    """The German machine translations of these (pk, title, text, language, bundle) rows that still match
    their contribution, as texts to compare: a proposal in Arabic then meets the same proposal in German."""
    by_pk = {row[0]: row for row in rows if row[3] != "de"}
    if not by_pk:
        return {}
    found = {}
    for translation in MachineTranslation.objects.filter(contribution_id__in=list(by_pk), target_language="de"):
        pk, title, text, language, _bundle = by_pk[translation.contribution_id]
        if translation.source_digest == machine_translation.source_digest(language=language, title=title, text=text):
            found[pk] = similarity.Text(f"{translation.title} {translation.text}", "de")
    return found


def list_justification_translations(evaluations: Iterable[Evaluation]) -> dict[int, list[JustificationTranslation]]:
    """The translations of these evaluations' justifications, by evaluation, in language order (one query)."""
    found: dict[int, list[JustificationTranslation]] = defaultdict(list)
    keys = [evaluation.pk for evaluation in evaluations]
    if keys:
        for translation in JustificationTranslation.objects.filter(evaluation_id__in=keys).order_by("language"):
            found[translation.evaluation_id].append(translation)
    return dict(found)


def get_staff_translation(contribution: Contribution, target: str = "de") -> MachineTranslation | None:
    """The machine translation of the contribution staff may read beside it, when it matches the current
    title, text and language (an outdated one is not shown)."""
    translation = MachineTranslation.objects.filter(contribution=contribution, target_language=target).first()
    digest = machine_translation.source_digest(
        language=contribution.language, title=contribution.title, text=contribution.text
    )
    if translation is None or translation.source_digest != digest:
        return None
    return translation


def list_similar_contributions(
    contribution: Contribution, *, limit: int = similarity.DEFAULT_LIMIT, published_only: bool = False
) -> list[SimilarContribution]:
    """Contributions of the same procedure that seem to raise the same concern, best first.

    Fellow members of the contribution's own bundle are left out: they are bundled already.
    """
    suggestions = _suggest_similar(contribution, similarity.Kind.CONTRIBUTION, limit, published_only)
    found = Contribution.objects.select_related("bundle", "review", "event").in_bulk([s.key for s in suggestions])
    return [SimilarContribution(found[s.key], s.score) for s in suggestions if s.key in found]


def list_similar_bundles(
    contribution: Contribution, *, limit: int = 3, published_only: bool = False
) -> list[SimilarBundle]:
    """Bundles of the same procedure on the contribution's concern (compared by their own title and summary
    and by their members' texts), best first, each with its members; not the contribution's own bundle."""
    suggestions = _suggest_similar(contribution, similarity.Kind.BUNDLE, limit, published_only)
    bundles = Bundle.objects.select_related("review").in_bulk([s.key for s in suggestions])
    members: dict[int, list[Contribution]] = defaultdict(list)
    rows = Contribution.objects.filter(bundle_id__in=list(bundles)).exclude(
        moderation_state=Contribution.Moderation.HIDDEN
    )
    if published_only:
        rows = rows.filter(moderation_state=Contribution.Moderation.PUBLISHED)
    for member in rows.order_by("pk"):
        members[member.bundle_id].append(member)
    return [SimilarBundle(bundles[s.key], s.score, tuple(members[s.key])) for s in suggestions if s.key in bundles]


def _suggest_similar(
    contribution: Contribution, kind: similarity.Kind, limit: int, published_only: bool
) -> list[similarity.Suggestion]:
    corpus = build_similarity_corpus(contribution.procedure_id, published_only=published_only)
    excluded = [contribution.pk]
    if contribution.bundle_id:
        excluded += list(Contribution.objects.filter(bundle_id=contribution.bundle_id).values_list("pk", flat=True))
    texts = [similarity.Text(f"{contribution.title} {contribution.text}", contribution.language)]
    german = _current_german_translations(
        [(contribution.pk, contribution.title, contribution.text, contribution.language, contribution.bundle_id)]
    )
    texts.extend(german.values())
    return corpus.suggest(
        texts,
        limit=limit,
        exclude=excluded,
        exclude_bundles=[contribution.bundle_id] if contribution.bundle_id else [],
        kinds=[kind],
    )


def list_open_bundles(procedure: Procedure) -> QuerySet[Bundle]:
    return (
        Bundle.objects.filter(procedure=procedure)
        .select_related("review")
        .annotate(member_count=Count("members"))
        .order_by("title")
    )


# --- Public documentation --------------------------------------------------------------------------


def documentation_stamp(procedure: Procedure) -> str:
    """A fingerprint of everything the documentation shows; a new stamp means the PDF is out of date."""
    parts = [
        Event.objects.filter(procedure=procedure).aggregate(n=Count("pk"), t=Max("updated_at")),
        Contribution.objects.filter(procedure=procedure).aggregate(n=Count("pk"), t=Max("updated_at")),
        Review.objects.filter(procedure=procedure).aggregate(n=Count("pk"), t=Max("updated_at")),
        Bundle.objects.filter(procedure=procedure).aggregate(n=Count("pk"), t=Max("updated_at")),
        {"p": procedure.updated_at},
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def get_documentation_build(procedure: Procedure, language: str) -> DocumentationBuild | None:
    return DocumentationBuild.objects.filter(procedure=procedure, language=language).first()


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    percent: int


def bars(counts: Iterable[tuple[str, int]]) -> list[Bar]:
    """Rows of a bar chart: each bar's length in whole percent of the largest count."""
    rows = [(str(label), count) for label, count in counts]
    largest = max((count for _label, count in rows), default=0)
    return [Bar(label, count, round(100 * count / largest) if largest else 0) for label, count in rows]


@dataclass(frozen=True)
class DocumentationOverview:
    figures: Figures
    phases: list[Phase]
    events_by_format: list[Bar]
    events_by_district: list[Bar]
    participants_by_group: list[Bar]
    contributions_by_kind: list[Bar]
    contributions_by_source: list[Bar]
    contributions_by_area: list[Bar]
    contributions_by_language: list[Bar]
    items_by_state: list[Bar]
    evaluations_by_disposition: list[Bar]


def get_documentation_overview(procedure: Procedure) -> DocumentationOverview:
    """Every figure of the documentation's overview, pre-aggregated in a fixed number of queries."""
    from django.utils.translation import gettext as _

    from .models import REVIEW_STATE_LABELS, Language

    events = Event.objects.filter(procedure=procedure)
    by_format = dict(events.values_list("format").annotate(n=Count("pk")).order_by())
    by_district = (
        events.values_list("district__name", "is_online")
        .annotate(n=Count("pk"))
        .order_by("district__position", "district__name")
    )
    district_bars = []
    for name, is_online, n in by_district:
        district_bars.append((name or (_("Online") if is_online else _("City-wide")), n))
    by_group = (
        EventAttendance.objects.filter(event__procedure=procedure)
        .values_list("stakeholder_group__name")
        .annotate(n=Sum("count"))
        .order_by("stakeholder_group__position")
    )
    tally = get_tally(procedure)
    by_kind, by_source = tally.by(0), tally.by(1)
    by_language = sorted(tally.by(2).items(), key=lambda pair: (-pair[1], pair[0]))
    language_labels = dict(Language.choices)
    by_area = (
        Contribution.areas.through.objects.filter(contribution__in=public_contributions(procedure))
        .values_list("areaofaction__title", "areaofaction__position")
        .annotate(n=Count("pk"))
        .order_by("areaofaction__position")
    )
    reviews = (
        Review.objects.filter(procedure=procedure)
        .exclude(state=workflow.State.BUNDLED)
        .exclude(contribution__moderation_state=Contribution.Moderation.HIDDEN)
    )
    by_state: dict[str, int] = defaultdict(int)
    by_disposition: dict[str, int] = defaultdict(int)
    for state, disposition, n in (
        reviews.values_list("state", "published_evaluation__disposition").annotate(n=Count("pk")).order_by()
    ):
        by_state[state] += n
        if state == workflow.State.PUBLISHED:
            by_disposition[disposition] += n
    return DocumentationOverview(
        figures=get_figures(procedure, tally),
        phases=list(procedure.phases.all()),
        events_by_format=bars((label, by_format.get(value, 0)) for value, label in Event.Format.choices),
        events_by_district=bars(district_bars),
        participants_by_group=bars((name, n) for name, n in by_group),
        contributions_by_kind=bars((label, by_kind.get(value, 0)) for value, label in Contribution.Kind.choices),
        contributions_by_source=bars((label, by_source.get(value, 0)) for value, label in Contribution.Source.choices),
        contributions_by_area=bars((title, n) for title, _position, n in by_area),
        contributions_by_language=bars((language_labels.get(code, code), n) for code, n in by_language),
        items_by_state=bars(
            (label, by_state.get(state.value, 0))
            for state, label in REVIEW_STATE_LABELS.items()
            if state != workflow.State.BUNDLED
        ),
        evaluations_by_disposition=bars(
            (label, by_disposition.get(value, 0)) for value, label in Evaluation.Disposition.choices
        ),
    )


@dataclass
class AreaSection:
    """An area of action in the documentation, with how many published contributions it holds."""

    area: AreaOfAction | None
    count: int
    evaluated: int = 0
    children: list = field(default_factory=list)


def list_documentation_areas(procedure: Procedure) -> list[AreaSection]:
    """Areas of the procedure's edition that hold published contributions, plus those without an area."""
    published = public_contributions(procedure)
    evaluated = Q(contribution__review__state=workflow.State.PUBLISHED) | Q(
        contribution__bundle__review__state=workflow.State.PUBLISHED
    )
    counts = {
        pk: (n, e)
        for pk, n, e in Contribution.areas.through.objects.filter(contribution__in=published)
        .values_list("areaofaction_id")
        .annotate(n=Count("pk"), e=Count("pk", filter=evaluated))
        .order_by()
    }
    areas = AreaOfAction.objects.filter(pk__in=counts).order_by("position", "code")
    sections = [AreaSection(area, *counts[area.pk]) for area in areas]
    without = published.filter(areas__isnull=True).aggregate(
        n=Count("pk"),
        e=Count(
            "pk", filter=Q(review__state=workflow.State.PUBLISHED) | Q(bundle__review__state=workflow.State.PUBLISHED)
        ),
    )
    if without["n"]:
        sections.append(AreaSection(None, without["n"], without["e"]))
    return sections


def list_area_contributions(procedure: Procedure, area: AreaOfAction | None) -> QuerySet[Contribution]:
    rows = public_contributions(procedure)
    rows = rows.filter(areas=area) if area is not None else rows.filter(areas__isnull=True)
    return with_evaluations(rows).order_by("bundle_id", "pk")


@dataclass(frozen=True)
class Limit:
    disposition: str
    label: str
    count: int
    examples: list[Contribution]


def get_limits(procedure: Procedure, *, examples: int = 5) -> list[Limit]:
    """The limits the procedure met: items outside the city's competence or without data, with examples."""
    limits = []
    for disposition in (Evaluation.Disposition.OUTSIDE_COMPETENCE, Evaluation.Disposition.NO_DATA):
        matching = Q(review__state=workflow.State.PUBLISHED, review__published_evaluation__disposition=disposition) | Q(
            bundle__review__state=workflow.State.PUBLISHED,
            bundle__review__published_evaluation__disposition=disposition,
        )
        rows = public_contributions(procedure).filter(matching)
        count = rows.count()
        sample = prepare_page(with_evaluations(rows).order_by("pk")[:examples])
        limits.append(Limit(disposition.value, str(disposition.label), count, sample))
    return limits


EXPORT_COLUMNS = (
    "contribution_id",
    "procedure",
    "kind",
    "source",
    "language",
    "title",
    "text",
    "event",
    "event_date",
    "district",
    "areas",
    "bundle_id",
    "bundle_title",
    "review_state",
    "lead_authority",
    "disposition",
    "justification",
    "revision",
    "published_at",
    "measures",
    "indicators",
    "sub_goals",
    "targets",
    "receipt_url",
)


def iter_export_rows(procedure: Procedure, *, chunk_size: int = 500) -> Iterator[list]:
    """All published contributions with their evaluations as rows of EXPORT_COLUMNS, in chunks of bounded size.

    The receipt column is empty: a receipt link is the contributor's, never published.
    """
    rows = (
        with_evaluations(public_contributions(procedure))
        .select_related("review__assignment__lead_authority", "bundle__review__assignment__lead_authority")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        chunk = prepare_page(rows.filter(pk__gt=last_pk)[:chunk_size])
        if not chunk:
            return
        for contribution in chunk:
            review = effective_review(contribution)
            evaluation = contribution.evaluation
            lead = review.assignment.lead_authority if review.assignment_id else None
            event = contribution.event
            yield [
                contribution.pk,
                procedure.slug,
                contribution.kind,
                contribution.source,
                contribution.language,
                contribution.title,
                contribution.text,
                event.title if event else "",
                event.held_on.isoformat() if event else "",
                contribution.district.code if contribution.district else "",
                "|".join(area.code for area in contribution.areas.all()),
                contribution.bundle_id or "",
                contribution.bundle.title if contribution.bundle_id else "",
                review.state,
                str(lead) if lead else "",
                evaluation.disposition if evaluation else "",
                evaluation.justification if evaluation else "",
                evaluation.revision if evaluation else "",
                evaluation.published_at.isoformat() if evaluation else "",
                "|".join(m.code for m in evaluation.measures.all()) if evaluation else "",
                "|".join(i.code for i in evaluation.indicators.all()) if evaluation else "",
                "|".join(g.code for g in evaluation.sub_goals.all()) if evaluation else "",
                "|".join(str(t.pk) for t in evaluation.targets.all()) if evaluation else "",
                "",
            ]
        last_pk = chunk[-1].pk


# --- Personal data (for the data-protection commands) ----------------------------------------------


def list_personal_data(email: str) -> dict[str, list[dict]]:
    """Everything participation stores about an e-mail address, for an export to its owner."""
    email = (email or "").strip()
    if not email:
        return {"contributions": [], "registrations": [], "subscriptions": []}
    from .models import Subscription

    contributions = Contribution.objects.filter(contact_email__iexact=email).select_related("procedure")
    registrations = Registration.objects.filter(email__iexact=email).select_related("procedure", "event")
    subscriptions = Subscription.objects.filter(email__iexact=email).select_related(
        "procedure", "indicator", "contribution"
    )

    def moment(value):
        return value.isoformat() if value else None

    return {
        "contributions": [
            {
                "procedure": c.procedure.slug,
                "submitted_at": c.created_at.isoformat(),
                "title": c.title,
                "text": c.text,
                "contact_email": c.contact_email,
                "consent_given_at": c.contact_consent_at.isoformat() if c.contact_consent_at else None,
                "confirmed_at": moment(c.contact_confirmed_at),
                "consent_wording_version": c.consent_wording_version,
            }
            for c in contributions
        ],
        "registrations": [
            {
                "procedure": r.procedure.slug,
                "event": r.event.title if r.event else None,
                "name": r.name,
                "email": r.email,
                "consent_given_at": r.consent_given_at.isoformat(),
                "confirmed_at": moment(r.email_confirmed_at),
                "consent_wording_version": r.consent_wording_version,
            }
            for r in registrations
        ],
        "subscriptions": [
            {
                "follows": s.target,
                "procedure": s.procedure.slug if s.procedure else None,
                "indicator": s.indicator.code if s.indicator else None,
                "contribution": s.contribution_id,
                "email": s.email,
                "asked_at": s.created_at.isoformat(),
                "confirmed_at": moment(s.confirmed_at),
                "consent_wording_version": s.consent_wording_version,
            }
            for s in subscriptions
        ],
    }


def has_pending_contributions(procedure: Procedure) -> bool:
    return Contribution.objects.filter(procedure=procedure, moderation_state=Contribution.Moderation.PENDING).exists()


# --- The evaluation form's pickers ------------------------------------------------------------------


@dataclass(frozen=True)
class LinkOption:
    """One measure, sub-goal, indicator or target an evaluation can link to, as its picker shows it."""

    pk: int
    label: str
    # Whether it belongs to one of the item's own areas of action (listed first).
    is_own: bool


@dataclass(frozen=True)
class LinkOptions:
    measures: list[LinkOption]
    sub_goals: list[LinkOption]
    indicators: list[LinkOption]
    targets: list[LinkOption]


def _top_area_id(area: AreaOfAction | None) -> int | None:
    if area is None:
        return None
    return area.parent_id or area.pk


def _own_first(options: Iterable[LinkOption]) -> list[LinkOption]:
    # sorted() is stable: within "own" and "other" the query's order stays.
    return sorted(options, key=lambda option: not option.is_own)


def get_review_areas(review: Review) -> list[AreaOfAction]:
    """The areas of action of an item: its contribution's, or its bundle's."""
    item = review.bundle if review.bundle_id else review.contribution
    return list(item.areas.all())


def list_link_options(procedure: Procedure, areas: Iterable[AreaOfAction]) -> LinkOptions:
    """What an evaluation of an item in `areas` can link to, labelled for people, the item's own fields first.

    Indicators read "code – title (area)" from their version in the procedure's edition (else their latest);
    measures "title – authority"; targets "code – title: group, place: value unit (year)"; in a fixed
    number of queries however many there are.
    """
    from django.utils.translation import gettext as _

    from teilhabe.core.formatting import format_number, with_unit
    from teilhabe.monitoring.models import BreakdownCategory, IndicatorVersion, SubGoal, Target

    own = {_top_area_id(area) for area in areas} - {None}
    versions: dict[int, IndicatorVersion] = {}
    for version in IndicatorVersion.objects.select_related("area").order_by("edition__adopted_on", "pk"):
        # The procedure's edition wins; otherwise the latest edition the indicator appears in.
        if version.indicator_id not in versions or versions[version.indicator_id].edition_id != procedure.edition_id:
            versions[version.indicator_id] = version

    def indicator_text(indicator_id: int, code: str) -> str:
        version = versions.get(indicator_id)
        if version is None:
            return code
        return f"{code} – {version.title} ({version.area.title})"

    def indicator_is_own(indicator_id: int) -> bool:
        version = versions.get(indicator_id)
        return version is not None and _top_area_id(version.area) in own

    indicators = [
        LinkOption(pk, indicator_text(pk, code), indicator_is_own(pk))
        for pk, code in Indicator.objects.order_by("code").values_list("pk", "code")
    ]
    sub_goal_rows = (
        SubGoal.objects.filter(area__edition_id=procedure.edition_id)
        .select_related("area")
        .order_by("area__position", "position", "code")
    )
    sub_goals = [
        LinkOption(goal.pk, f"{goal.code} – {goal.text} ({goal.area.title})", _top_area_id(goal.area) in own)
        for goal in sub_goal_rows
    ]
    measure_rows = Measure.objects.select_related("authority").prefetch_related("sub_goals__area", "indicators")
    measures = []
    for measure in measure_rows.order_by("title", "pk"):
        is_own = any(_top_area_id(goal.area) in own for goal in measure.sub_goals.all()) or any(
            indicator_is_own(indicator.pk) for indicator in measure.indicators.all()
        )
        measures.append(LinkOption(measure.pk, f"{measure.title} – {measure.authority}", is_own))
    categories = {
        f"{category.dimension.code}={category.code}": category.name
        for category in BreakdownCategory.objects.select_related("dimension")
    }
    targets = []
    target_rows = Target.objects.filter(edition_id=procedure.edition_id).select_related("indicator", "geography")
    for target in target_rows.order_by("indicator__code", "kind", "breakdown_key", "geography__position", "pk"):
        version = versions.get(target.indicator_id)
        decimals, unit = (version.decimals, version.unit) if version else (1, "")
        if target.kind == Target.Kind.GAP:
            group = str(Target.Kind.GAP.label)
        elif target.breakdown_key:
            group = ", ".join(categories.get(part, part) for part in target.breakdown_key.split("|"))
        else:
            group = str(_("Total"))
        value = with_unit(format_number(target.target_value, decimals), unit)
        label = f"{indicator_text(target.indicator_id, target.indicator.code)}: {group}, {target.geography.name}"
        label = f"{label}: {value} ({target.target_year})"
        targets.append(LinkOption(target.pk, label, indicator_is_own(target.indicator_id)))
    return LinkOptions(
        measures=_own_first(measures),
        sub_goals=_own_first(sub_goals),
        indicators=_own_first(indicators),
        targets=_own_first(targets),
    )


# --- What residents find and follow -----------------------------------------------------------------------


def get_open_procedure() -> Procedure | None:
    """The procedure that takes online contributions now (the newest, should several be open), or None."""
    return Procedure.objects.filter(is_open_for_contributions=True).order_by("-created_at", "slug").first()


@dataclass(frozen=True)
class PhaseStep:
    """A phase of a procedure as the public sees it: past, current or upcoming on a given day."""

    title: str
    description: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str  # "past", "current" or "upcoming"
    # The phase itself, so the page can mark a title shown in German on an Arabic page (lang_attr).
    source: Phase | None = field(default=None, compare=False)

    @property
    def is_current(self) -> bool:
        return self.status == "current"


def list_phase_steps(procedure: Procedure, *, today: datetime.date | None = None) -> list[PhaseStep]:
    """The procedure's phases in order, each marked past, current or upcoming on `today`."""
    today = today or timezone.localdate()
    steps = []
    for phase in procedure.phases.all():
        if phase.ends_on < today:
            status = "past"
        elif phase.starts_on <= today:
            status = "current"
        else:
            status = "upcoming"
        steps.append(PhaseStep(phase.title, phase.description, phase.starts_on, phase.ends_on, status, phase))
    return steps


@dataclass(frozen=True)
class BrowseFilters:
    """The public contribution browser's filters; an empty value means 'any'."""

    query: str = ""
    procedure: Procedure | None = None
    district: Geography | None = None
    area: AreaOfAction | None = None
    kind: str = ""
    language: str = ""
    state: str = ""
    disposition: str = ""


def _effective(condition: dict) -> Q:
    """A condition on the review that decides for a contribution: its own, or its bundle's when bundled."""
    own = Q(bundle__isnull=True, **{f"review__{key}": value for key, value in condition.items()})
    bundled = Q(bundle__isnull=False, **{f"bundle__review__{key}": value for key, value in condition.items()})
    return own | bundled


def list_public_contributions(filters: BrowseFilters = BrowseFilters()) -> QuerySet[Contribution]:
    """Published contributions for the public browser, newest first, filtered; never anything unmoderated.

    Searching uses PostgreSQL's full-text search there (German and English, the stored vector) and a substring
    match on SQLite.
    """
    rows = public_contributions(filters.procedure)
    if filters.district is not None:
        rows = rows.filter(district=filters.district)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.state:
        rows = rows.filter(_effective({"state": filters.state}))
    if filters.disposition:
        rows = rows.filter(
            _effective({"state": workflow.State.PUBLISHED, "published_evaluation__disposition": filters.disposition})
        )
    if filters.area is not None:
        tagged = Contribution.areas.through.objects.filter(
            Q(areaofaction=filters.area) | Q(areaofaction__parent=filters.area)
        ).values("contribution_id")
        rows = rows.filter(pk__in=tagged)
    if filters.query:
        rows = rows.filter(pk__in=_matching_contributions(filters.query).values("pk"))
    return with_evaluations(rows).order_by("-pk")


def list_browse_areas() -> QuerySet[AreaOfAction]:
    """Fields of action (top-level areas) of the editions that procedures inform, for the browser's filter."""
    editions = Procedure.objects.values("edition_id")
    return (
        AreaOfAction.objects.filter(edition_id__in=editions, parent__isnull=True)
        .select_related("edition")
        .order_by("edition__adopted_on", "position", "code")
    )


def public_item_url(review: Review) -> str:
    """The public page of a reviewed item: its bundle's or its contribution's."""
    return review.bundle.get_absolute_url() if review.bundle_id else review.contribution.get_absolute_url()


@dataclass(frozen=True)
class FeedEntry:
    """One entry of an Atom feed: what happened, when, and where to read it."""

    key: str
    title: str
    description: str
    link: str
    happened_at: datetime.datetime


FEED_LENGTH = 50


def _evaluation_entries(evaluations: QuerySet[Evaluation]) -> list[FeedEntry]:
    from django.utils.translation import gettext as _

    rows = evaluations.filter(published_at__isnull=False).select_related(
        "review__contribution__procedure", "review__bundle__procedure"
    )
    # Only items the public sees: a bundle, or a published contribution outside a bundle.
    rows = rows.filter(
        Q(review__bundle__isnull=False) | Q(review__contribution__moderation_state=Contribution.Moderation.PUBLISHED)
    ).order_by("-published_at", "-pk")[:FEED_LENGTH]
    entries = []
    for evaluation in rows:
        review = evaluation.review
        title = (
            _("Evaluation published: %(item)s") if evaluation.revision == 1 else _("Evaluation corrected: %(item)s")
        ) % {"item": str(review.item)[:120]}
        entries.append(
            FeedEntry(
                key=f"evaluation-{evaluation.pk}",
                title=title,
                description=f"{evaluation.get_disposition_display()}: {evaluation.justification}",
                link=public_item_url(review),
                happened_at=evaluation.published_at,
            )
        )
    return entries


def list_procedure_feed(procedure: Procedure) -> list[FeedEntry]:
    """Newly published contributions and published evaluations of a procedure, newest first."""
    from django.utils.translation import gettext as _

    entries = _evaluation_entries(Evaluation.objects.filter(review__procedure=procedure))
    contributions = (
        public_contributions(procedure).select_related("procedure").order_by("-moderated_at", "-pk")[:FEED_LENGTH]
    )
    for contribution in contributions:
        entries.append(
            FeedEntry(
                key=f"contribution-{contribution.pk}",
                title=_("New contribution: %(item)s") % {"item": str(contribution)[:120]},
                description=contribution.text,
                link=contribution.get_absolute_url(),
                happened_at=contribution.moderated_at or contribution.created_at,
            )
        )
    return sorted(entries, key=lambda entry: entry.happened_at, reverse=True)[:FEED_LENGTH]


def list_indicator_feed(indicator: Indicator) -> list[FeedEntry]:
    """Published evaluations that link an indicator, newest first."""
    return _evaluation_entries(Evaluation.objects.filter(indicators=indicator))


def list_receipt_feed(receipt: Receipt) -> list[FeedEntry]:
    """The private feed of one's own contribution: its steps, never a draft, an opinion or staff names."""
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    contribution, review = receipt.contribution, receipt.review
    link = contribution.get_receipt_url()
    entries = [
        FeedEntry(
            key=f"received-{contribution.pk}",
            title=_("Your contribution was received"),
            description=_("It will be published after a short check."),
            link=link,
            happened_at=contribution.created_at,
        )
    ]
    if contribution.moderation_state == Contribution.Moderation.PUBLISHED and contribution.moderated_at:
        entries.append(
            FeedEntry(
                key=f"published-{contribution.pk}",
                title=_("Your contribution was published"),
                description=_("It will be handed to the competent authority."),
                link=link,
                happened_at=contribution.moderated_at,
            )
        )
    elif contribution.moderation_state == Contribution.Moderation.HIDDEN and contribution.moderated_at:
        entries.append(
            FeedEntry(
                key=f"hidden-{contribution.pk}",
                title=_("Your contribution was not published"),
                description=contribution.moderation_reason,
                link=link,
                happened_at=contribution.moderated_at,
            )
        )
    if contribution.is_public:
        for assignment in review.assignments.select_related("lead_authority").order_by("assigned_at", "pk"):
            entries.append(
                FeedEntry(
                    key=f"assignment-{assignment.pk}",
                    title=_("Handed to %(authority)s for review") % {"authority": assignment.lead_authority},
                    description=_("The answer is due by %(date)s.")
                    % {"date": date_format(receipt.answer_due_on, "DATE_FORMAT")},
                    link=link,
                    happened_at=assignment.assigned_at,
                )
            )
        for evaluation in receipt.evaluations:
            entries.append(
                FeedEntry(
                    key=f"evaluation-{evaluation.pk}",
                    title=_("The evaluation is published")
                    if evaluation.revision == 1
                    else _("The evaluation was corrected"),
                    description=f"{evaluation.get_disposition_display()}: {evaluation.justification}",
                    link=link,
                    happened_at=evaluation.published_at,
                )
            )
    return sorted(entries, key=lambda entry: entry.happened_at, reverse=True)
