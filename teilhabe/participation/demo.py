"""The illustrative participation procedure of `teilhabe load_demo`: 40 events, ~1,200 contributions, reviews.

Built on the demo concept (or whatever concept is current): its areas, districts, authorities, indicators
and measures. Everything is deterministic for a seed, written in bulk without history rows (the demo is
not an edit anybody made), and every review's log follows workflow.py step by step.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from teilhabe.accounts.models import Authority, Role, User
from teilhabe.monitoring.models import AreaOfAction, Edition, Geography, IndicatorVersion, Measure, Target

from . import similarity, workflow
from .demo_content import (
    AGENDA,
    COMPETENT_LEVEL,
    CONCERNS,
    DATA_NEEDED,
    HIDING_REASONS,
    JUSTIFICATIONS,
    JUSTIFICATIONS_EN,
    MINUTES,
    MODERATORS,
    OPINION,
    ORGANISER,
    PHASES,
    PHASES_RESIDENTS,
    PROCEDURE_DESCRIPTION,
    PROCEDURE_DESCRIPTION_RESIDENTS,
    PROCEDURE_SLUG,
    PROCEDURE_TITLE,
    PROCEDURE_TITLE_RESIDENTS,
    REVISION_ADDITION,
    REVISION_REASON,
    STAKEHOLDER_GROUPS,
    TALK_GROUP,
    Concern,
)
from .models import (
    Assignment,
    Bundle,
    Contribution,
    DocumentationBuild,
    Evaluation,
    Event,
    EventAttendance,
    Opinion,
    Phase,
    Procedure,
    Registration,
    Review,
    StakeholderGroup,
    TransitionLog,
)

DEFAULT_SEED = 2017
BATCH_SIZE = 1000
S, A, K = workflow.State, workflow.Action, workflow.ActorKind
DISPOSITIONS = [value for value, _label in Evaluation.Disposition.choices]
# How far reviews have got, for items (contributions outside bundles and bundles) that are published.
STATE_WEIGHTS = {S.PUBLISHED: 55, S.DRAFTED: 8, S.IN_REVIEW: 10, S.ASSIGNED: 12, S.RECEIVED: 15}
PATHS = {
    S.RECEIVED: [],
    S.ASSIGNED: [A.ASSIGN],
    S.IN_REVIEW: [A.ASSIGN, A.START_REVIEW],
    S.DRAFTED: [A.ASSIGN, A.START_REVIEW, A.DRAFT],
    S.PUBLISHED: [A.ASSIGN, A.START_REVIEW, A.DRAFT, A.PUBLISH],
}
GERMAN_ADDITIONS = (
    "",
    "",
    "",
    " Das betrifft besonders {district}.",
    " Das haben mehrere am Tisch so gesehen.",
    " Bitte schnell handeln.",
    " Das sagen viele in unserer Gruppe.",
    " Gerade für Alleinerziehende ist das schwer.",
    " Das merken wir jeden Tag.",
    " Wir wünschen uns hier mehr Verbindlichkeit.",
)


class DemoRefused(Exception):
    """There is no concept to attach the demo procedure to."""


def is_demo_loaded() -> bool:
    return Procedure.objects.filter(slug=PROCEDURE_SLUG, is_illustrative=True).exists()


@dataclass
class _Context:
    rng: random.Random
    today: date
    edition: Edition
    areas: list[AreaOfAction]
    districts: list[Geography]
    authorities: list[Authority]
    department_user: User | None
    moderators: list[User]
    staff: dict[int, User]
    area_authority: dict[int, Authority] = field(default_factory=dict)
    area_indicators: dict[int, list[int]] = field(default_factory=dict)
    area_measures: dict[int, list[int]] = field(default_factory=dict)
    area_sub_goals: dict[int, list[int]] = field(default_factory=dict)
    indicator_targets: dict[int, list[int]] = field(default_factory=dict)
    concern_areas: dict[str, list[AreaOfAction]] = field(default_factory=dict)


@transaction.atomic
def load_demo(
    *, seed: int = DEFAULT_SEED, reset: bool = False, today: date | None = None, scale: float = 1.0
) -> dict[str, int]:
    """Load the demo procedure; returns counts of what was created (empty: it was already there).

    `scale` multiplies the number of contributions (the benchmark uses about 8 for 10,000).
    """
    if reset:
        delete_demo()
    elif is_demo_loaded():
        return {}
    context = _context(seed=seed, today=today or timezone.localdate())
    procedure = _create_procedure(context)
    groups = _create_stakeholder_groups()
    events = _create_events(context, procedure, groups)
    contributions = _create_contributions(context, procedure, events, scale=scale)
    bundles = _create_bundles(context, procedure, contributions)
    counts = _create_reviews(context, procedure, contributions, bundles)
    registrations = _create_registrations(context, procedure, events)
    return {
        "procedures": 1,
        "phases": len(PHASES),
        "stakeholder groups": len(groups),
        "events": len(events),
        "contributions": len(contributions),
        "bundles": len(bundles),
        **counts,
        "registrations": registrations,
    }


def delete_demo() -> dict[str, int]:
    """Remove the demo procedure and everything recorded under it; other procedures stay."""
    procedures = Procedure.objects.filter(slug=PROCEDURE_SLUG, is_illustrative=True)
    reviews = Review.objects.filter(procedure__in=procedures)
    # Back to "received" first: a published review must name its evaluation, which is deleted below.
    Review.objects.filter(pk__in=reviews.values("pk")).update(
        state=S.RECEIVED.value, assignment=None, published_evaluation=None
    )
    # The log is append-only for everyone; removing the illustrative procedure is the one exception.
    logs = TransitionLog.objects.filter(review__in=reviews)
    log_count = logs.count()
    logs._raw_delete(TransitionLog.objects.db)
    Opinion.objects.filter(review__in=reviews).delete()
    evaluations, _details = Evaluation.objects.filter(review__in=reviews).delete()
    Assignment.objects.filter(review__in=reviews).delete()
    review_count, _details = reviews.delete()
    contributions = Contribution.objects.filter(procedure__in=procedures)
    contribution_count = contributions.count()
    contributions.delete()
    Bundle.objects.filter(procedure__in=procedures).delete()
    Registration.objects.filter(procedure__in=procedures).delete()
    DocumentationBuild.objects.filter(procedure__in=procedures).delete()
    events = Event.objects.filter(procedure__in=procedures)
    event_count = events.count()
    events.delete()
    procedure_count = procedures.count()
    procedures.delete()
    StakeholderGroup.objects.filter(code__in=[code for code, _name in STAKEHOLDER_GROUPS], events__isnull=True).delete()
    return {
        "procedures": procedure_count,
        "events": event_count,
        "contributions": contribution_count,
        "reviews": review_count,
        "evaluations": evaluations,
        "transitions": log_count,
    }


# --- What the demo builds on ---------------------------------------------------------------------------


def _context(*, seed: int, today: date) -> _Context:
    from teilhabe.monitoring.queries import get_current_edition

    edition = get_current_edition()
    if edition is None:
        raise DemoRefused("The participation demo needs a concept edition; load the monitoring demo first.")
    areas = list(
        AreaOfAction.objects.filter(edition=edition, parent__isnull=False).order_by(
            "parent__position", "position", "code"
        )
    )
    areas = areas or list(AreaOfAction.objects.filter(edition=edition).order_by("position", "code"))
    if not areas:
        raise DemoRefused("The current concept edition has no areas of action.")
    roles = {name: Group.objects.filter(name=name).first() for name in Role.values}
    department_user = (
        User.objects.filter(groups=roles[Role.DEPARTMENT_ADMIN], is_active=True).order_by("-is_superuser", "pk").first()
    )
    staff: dict[int, User] = {}
    for user in User.objects.filter(
        groups=roles[Role.AUTHORITY_STAFF], is_active=True, authority__isnull=False
    ).order_by("pk"):
        staff.setdefault(user.authority_id, user)
    context = _Context(
        rng=random.Random(seed),
        today=today,
        edition=edition,
        areas=areas,
        districts=list(Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "code")),
        authorities=list(Authority.objects.filter(is_department=False).order_by("code")),
        department_user=department_user,
        moderators=list(User.objects.filter(groups=roles[Role.MODERATOR], is_active=True).order_by("pk")),
        staff=staff,
    )
    _map_areas(context)
    return context


def _map_areas(context: _Context) -> None:
    """Which authority leads, and which indicators, measures and sub-goals belong to each area."""
    authorities = {authority.pk: authority for authority in context.authorities}
    leads: dict[int, Counter] = defaultdict(Counter)
    for area_id, authority_id, indicator_id in (
        IndicatorVersion.objects.filter(edition=context.edition)
        .values_list("area_id", "authority_id", "indicator_id")
        .order_by("area_id", "indicator__code")
    ):
        context.area_indicators.setdefault(area_id, []).append(indicator_id)
        if authority_id in authorities:
            leads[area_id][authority_id] += 1
    for area in context.areas:
        if leads.get(area.pk):
            context.area_authority[area.pk] = authorities[leads[area.pk].most_common(1)[0][0]]
        elif context.authorities:
            context.area_authority[area.pk] = context.authorities[area.pk % len(context.authorities)]
    for measure_id, area_id in (
        Measure.objects.filter(sub_goals__area__edition=context.edition)
        .values_list("pk", "sub_goals__area_id")
        .order_by("code")
        .distinct()
    ):
        context.area_measures.setdefault(area_id, [])
        if measure_id not in context.area_measures[area_id]:
            context.area_measures[area_id].append(measure_id)
    for area in context.areas:
        context.area_sub_goals[area.pk] = list(area.sub_goals.order_by("position").values_list("pk", flat=True))
    for target_id, indicator_id in (
        Target.objects.filter(edition=context.edition).values_list("pk", "indicator_id").order_by("pk")
    ):
        context.indicator_targets.setdefault(indicator_id, []).append(target_id)
    for concern in CONCERNS:
        matching = [
            area
            for area in context.areas
            if any(word in f"{area.code} {area.title_de or area.title}".lower() for word in concern.area_keywords)
        ]
        context.concern_areas[concern.key] = matching or [context.areas[len(concern.key) % len(context.areas)]]


# --- Procedure, groups, events -------------------------------------------------------------------------


def _at(day: date, hour: int = 18) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _create_procedure(context: _Context) -> Procedure:
    procedure = Procedure(
        slug=PROCEDURE_SLUG,
        title_de=PROCEDURE_TITLE[0],
        title_en=PROCEDURE_TITLE[1],
        description_de=PROCEDURE_DESCRIPTION[0],
        description_en=PROCEDURE_DESCRIPTION[1],
        **{f"title_{code}": text for code, text in PROCEDURE_TITLE_RESIDENTS.items()},
        **{f"description_{code}": text for code, text in PROCEDURE_DESCRIPTION_RESIDENTS.items()},
        edition=context.edition,
        is_open_for_contributions=True,
        is_illustrative=True,
    )
    procedure.save()
    start = context.today - timedelta(days=240)
    spans = [(0, 180), (120, 270), (150, 300), (300, 360)]
    Phase.objects.bulk_create(
        [
            Phase(
                procedure=procedure,
                title_de=title[0],
                title_en=title[1],
                description_de=text[0],
                description_en=text[1],
                **{
                    f"{field}_{code}": phases[position][index]
                    for code, phases in PHASES_RESIDENTS.items()
                    for index, field in enumerate(("title", "description"))
                },
                starts_on=start + timedelta(days=begin),
                ends_on=start + timedelta(days=end),
                position=position,
            )
            for position, ((title, text), (begin, end)) in enumerate(zip(PHASES, spans, strict=True))
        ]
    )
    return procedure


def _create_stakeholder_groups() -> list[StakeholderGroup]:
    groups = []
    for position, (code, (name_de, name_en)) in enumerate(STAKEHOLDER_GROUPS):
        group, _created = StakeholderGroup.objects.get_or_create(
            code=code, defaults={"name_de": name_de, "name_en": name_en, "position": position}
        )
        groups.append(group)
    return groups


@dataclass
class _EventSpec:
    title: tuple[str, str]
    format: str
    district: Geography | None
    groups: list[StakeholderGroup]
    is_online: bool = False


def _event_specs(context: _Context, groups: list[StakeholderGroup]) -> list[_EventSpec]:
    by_code = {group.code: group for group in groups}
    districts = context.districts
    specs = [
        _EventSpec(
            (
                f"Gespräch {n} mit dem Bündnis der Flüchtlingsinitiativen: Masterplan Integration",
                f"Talk {n} with the alliance of refugee initiatives: master plan for integration",
            ),
            Event.Format.TALK,
            None,
            [by_code[TALK_GROUP]],
        )
        for n in range(1, 7)
    ]
    for index, district in enumerate(districts):
        specs.append(
            _EventSpec(
                (
                    f"Stadtteilkonferenz {district.name_de or district.name}",
                    f"District conference {district.name_en or district.name}",
                ),
                Event.Format.DISTRICT_EVENT,
                district,
                groups[index % 3 : index % 3 + 2],
            )
        )
        is_hearing = index in (1, 4)
        specs.append(
            _EventSpec(
                (
                    f"{'Anhörung' if is_hearing else 'Bezirksforum'} {district.name_de or district.name}",
                    f"{'Hearing' if is_hearing else 'District forum'} {district.name_en or district.name}",
                ),
                Event.Format.HEARING if is_hearing else Event.Format.DISTRICT_EVENT,
                district,
                [],
            )
        )
    index = 0
    while len(specs) < 40:
        group = groups[index % len(groups)]
        district = districts[index % len(districts)] if districts else None
        is_online = index % 10 == 9
        specs.append(
            _EventSpec(
                (
                    f"Werkstatt mit: {group.name_de or group.name} ({index // len(groups) + 1})",
                    f"Workshop with: {group.name_en or group.name} ({index // len(groups) + 1})",
                ),
                Event.Format.WORKSHOP,
                None if is_online else district,
                [group],
                is_online,
            )
        )
        index += 1
    return specs


def _create_events(context: _Context, procedure: Procedure, groups: list[StakeholderGroup]) -> list[Event]:
    rng = context.rng
    start = context.today - timedelta(days=240)
    specs = _event_specs(context, groups)
    days = sorted(rng.sample(range(0, 180), len(specs)))
    events, extra = [], []
    for spec, offset in zip(specs, days, strict=True):
        held_on = start + timedelta(days=offset)
        spoken = ["de", *rng.sample(["ar", "fa", "tr", "ru", "uk", "en"], rng.randint(0, 3))]
        total = rng.randint(15, 140)
        place = spec.district.name if spec.district else ("online" if spec.is_online else "stadtweit")
        events.append(
            Event(
                procedure=procedure,
                title_de=spec.title[0],
                title_en=spec.title[1],
                summary_de=(
                    f"{total} Teilnehmende ({place}) diskutierten, was sich in den Handlungsfeldern ändern soll. "
                    "Die Beiträge wurden festgehalten und an die zuständigen Behörden gegeben."
                ),
                summary_en=(
                    f"{total} participants ({place}) discussed what should change in the areas of action. "
                    "Their contributions were recorded and passed to the competent authorities."
                ),
                held_on=held_on,
                format=spec.format,
                district=spec.district,
                is_online=spec.is_online,
                venue="" if spec.is_online else "Bürgerhaus (Demo)",
                organiser=ORGANISER,
                moderating_organisation=rng.choice(MODERATORS),
                attendance_total=total,
                languages=spoken,
                interpretation_languages=spoken[1:],
                agenda=AGENDA,
                minutes=MINUTES,
            )
        )
        extra.append((spec, total))
    Event.objects.bulk_create(events)
    group_rows, attendance_rows, moderator_rows = [], [], []
    through_groups, through_moderators = Event.stakeholder_groups.through, Event.moderators.through
    for event, (spec, total) in zip(events, extra, strict=True):
        remaining = total
        for group in spec.groups:
            group_rows.append(through_groups(event_id=event.pk, stakeholdergroup_id=group.pk))
            count = max(1, int(remaining * rng.uniform(0.4, 0.8)))
            remaining -= count
            attendance_rows.append(EventAttendance(event=event, stakeholder_group=group, count=count))
        if context.moderators and rng.random() < 0.6:
            moderator_rows.append(through_moderators(event_id=event.pk, user_id=rng.choice(context.moderators).pk))
    through_groups.objects.bulk_create(group_rows)
    EventAttendance.objects.bulk_create(attendance_rows)
    through_moderators.objects.bulk_create(moderator_rows)
    return events


# --- Contributions ---------------------------------------------------------------------------------------


def _text(rng: random.Random, concern: Concern, kind: str, district: Geography | None) -> tuple[str, str]:
    """(language, text) of one contribution: mostly German, sometimes as written in another language."""
    roll = rng.random()
    if concern.other_languages and roll < 0.2:
        return rng.choice(concern.other_languages)
    if roll > 0.93:
        return "en", concern.english
    base = {"statement": concern.statement, "question": concern.question, "proposal": concern.proposal}[kind]
    addition = rng.choice(GERMAN_ADDITIONS)
    if "{district}" in addition:
        addition = addition.format(district=district.name_de or district.name) if district else ""
    return "de", base + addition


def _kind_of(language: str, text: str, rng: random.Random) -> str:
    if text.rstrip().endswith(("?", "؟")):
        return Contribution.Kind.QUESTION
    return rng.choice([Contribution.Kind.STATEMENT, Contribution.Kind.PROPOSAL])


@dataclass
class _Draft:
    contribution: Contribution
    concern: Concern
    areas: list[AreaOfAction]
    created_at: datetime


def _create_contributions(
    context: _Context, procedure: Procedure, events: list[Event], *, scale: float = 1.0
) -> list[_Draft]:
    rng = context.rng
    drafts: list[_Draft] = []

    def add(
        *,
        source: str,
        event: Event | None,
        district: Geography | None,
        when: datetime,
        moderation: str,
        reason: str = "",
        titled: bool = False,
    ) -> None:
        concern = rng.choice(CONCERNS)
        wanted_kind = rng.choices(["statement", "question", "proposal"], weights=[35, 20, 45])[0]
        language, text = _text(rng, concern, wanted_kind, district)
        kind = wanted_kind if language == "de" else _kind_of(language, text, rng)
        if language == "de" and kind == "question" and not text.endswith("?"):
            kind = Contribution.Kind.STATEMENT
        title = text.split(".")[0][:60] if titled and language == "de" else ""
        areas = [rng.choice(context.concern_areas[concern.key])]
        if rng.random() < 0.1:
            second = rng.choice(context.areas)
            if second not in areas:
                areas.append(second)
        contribution = Contribution(
            procedure=procedure,
            kind=kind,
            title=title,
            text=text,
            language=language,
            source=source,
            event=event,
            district=district,
            moderation_state=moderation,
            moderation_reason=reason,
            moderated_at=when if moderation != Contribution.Moderation.PENDING else None,
            moderated_by=context.department_user if moderation != Contribution.Moderation.PENDING else None,
            normalised_text=similarity.normalise(f"{title} {text}"),
        )
        drafts.append(_Draft(contribution, concern, areas, when))

    published = Contribution.Moderation.PUBLISHED
    for event in events:
        source = Contribution.Source.TALK if event.format == Event.Format.TALK else Contribution.Source.EVENT
        for _ in range(round(rng.randint(18, 32) * scale)):
            add(source=source, event=event, district=event.district, when=_at(event.held_on, 19), moderation=published)
    online_start = context.today - timedelta(days=120)
    for index in range(round(170 * scale)):
        when = _at(online_start + timedelta(days=rng.randint(0, 119)), rng.randint(8, 22))
        district = rng.choice([*context.districts, None]) if context.districts else None
        roll = rng.random()
        if roll < 0.05:
            add(
                source=Contribution.Source.ONLINE_FORM,
                event=None,
                district=district,
                when=when,
                moderation=Contribution.Moderation.HIDDEN,
                reason=HIDING_REASONS[index % len(HIDING_REASONS)],
            )
        else:
            moderation = Contribution.Moderation.PENDING if roll < 0.12 else published
            add(
                source=Contribution.Source.ONLINE_FORM,
                event=None,
                district=district,
                when=when,
                moderation=moderation,
                titled=rng.random() < 0.4,
            )
    for source, count in ((Contribution.Source.SURVEY, 40), (Contribution.Source.LETTER, 30)):
        for _ in range(round(count * scale)):
            when = _at(online_start + timedelta(days=rng.randint(0, 119)), 10)
            add(source=source, event=None, district=None, when=when, moderation=published)

    Contribution.objects.bulk_create([draft.contribution for draft in drafts], batch_size=BATCH_SIZE)
    for draft in drafts:
        draft.contribution.created_at = draft.created_at
        draft.contribution.updated_at = draft.created_at
    Contribution.objects.bulk_update(
        [d.contribution for d in drafts], ["created_at", "updated_at"], batch_size=BATCH_SIZE
    )
    through = Contribution.areas.through
    through.objects.bulk_create(
        [
            through(contribution_id=draft.contribution.pk, areaofaction_id=area.pk)
            for draft in drafts
            for area in draft.areas
        ],
        batch_size=BATCH_SIZE,
    )
    return drafts


def _create_bundles(context: _Context, procedure: Procedure, drafts: list[_Draft]) -> list[tuple[Bundle, list[_Draft]]]:
    """Bundles of German contributions raising the same concern at different events (the largest at nine)."""
    rng = context.rng
    candidates: dict[str, list[_Draft]] = defaultdict(list)
    for draft in drafts:
        c = draft.contribution
        if c.language == "de" and c.event_id and c.moderation_state == Contribution.Moderation.PUBLISHED:
            candidates[draft.concern.key].append(draft)
    bundles: list[tuple[Bundle, list[_Draft]]] = []
    for index, concern in enumerate(CONCERNS):
        pool = candidates.get(concern.key, [])
        size = 9 if index == 0 else rng.randint(3, 7)
        members, seen_events = [], set()
        for draft in pool:
            if draft.contribution.event_id not in seen_events:
                members.append(draft)
                seen_events.add(draft.contribution.event_id)
            if len(members) == size:
                break
        if len(members) < 2:
            continue
        bundle = Bundle(
            procedure=procedure,
            title_de=concern.proposal.rstrip("."),
            title_en=concern.english,
            summary_de=concern.statement,
            summary_en=concern.english,
            created_by=context.department_user,
        )
        bundles.append((bundle, members))
    Bundle.objects.bulk_create([bundle for bundle, _members in bundles])
    through = Bundle.areas.through
    area_rows = {(bundle.pk, area.pk) for bundle, members in bundles for d in members for area in d.areas}
    through.objects.bulk_create([through(bundle_id=b, areaofaction_id=a) for b, a in sorted(area_rows)])
    for bundle, members in bundles:
        for draft in members:
            draft.contribution.bundle = bundle
    Contribution.objects.bulk_update(
        [m.contribution for _bundle, members in bundles for m in members], ["bundle"], batch_size=BATCH_SIZE
    )
    return bundles


# --- Reviews, logs, evaluations ----------------------------------------------------------------------------


@dataclass
class _Item:
    review: Review
    area: AreaOfAction
    received_at: datetime
    target: workflow.State
    is_bundle: bool


def _create_reviews(
    context: _Context, procedure: Procedure, drafts: list[_Draft], bundles: list[tuple[Bundle, list[_Draft]]]
) -> dict[str, int]:
    rng = context.rng
    now = timezone.now()
    items: list[_Item] = []
    member_reviews: list[tuple[Review, datetime]] = []
    for draft in drafts:
        contribution = draft.contribution
        review = Review(procedure=procedure, contribution=contribution)
        if contribution.bundle is not None:
            member_reviews.append((review, draft.created_at))
            continue
        if contribution.moderation_state != Contribution.Moderation.PUBLISHED or not context.authorities:
            target = S.RECEIVED
        else:
            target = rng.choices(list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
        items.append(_Item(review, draft.areas[0], draft.created_at, target, False))
    for bundle, members in bundles:
        review = Review(procedure=procedure, bundle=bundle)
        received = max(member.created_at for member in members)
        target = (
            rng.choices([S.PUBLISHED, S.DRAFTED, S.IN_REVIEW], weights=[70, 15, 15])[0]
            if context.authorities
            else S.RECEIVED
        )
        items.append(_Item(review, members[0].areas[0], received, target, True))
    reviews = [item.review for item in items] + [review for review, _at_ in member_reviews]
    Review.objects.bulk_create(reviews, batch_size=BATCH_SIZE)

    logs: list[TransitionLog] = []
    department = context.department_user
    for review, created in member_reviews:
        logs.append(
            _log(
                review,
                department,
                K.DEPARTMENT,
                A.BUNDLE,
                S.RECEIVED,
                "Gebündelt mit ähnlichen Beiträgen.",
                created + timedelta(days=2),
            )
        )
        review.state, review.state_changed_at = S.BUNDLED.value, created + timedelta(days=2)

    assignments, evaluations, opinions = [], [], []
    links: dict[str, list] = defaultdict(list)
    published_count = 0
    for item in items:
        review = item.review
        state = S.RECEIVED
        lead = context.area_authority.get(item.area.pk)
        co_authority = None
        evaluation: Evaluation | None = None
        path = list(PATHS[item.target])
        is_corrected = item.target == S.PUBLISHED and rng.random() < 0.04
        moments = _moments(rng, item.received_at, len(path) + (1 if is_corrected else 0), now)
        for action, moment in zip(path, moments, strict=False):
            if action == A.ASSIGN:
                others = [a for a in context.authorities if a.pk != lead.pk]
                co_authority = rng.choice(others) if others and rng.random() < 0.2 else None
                assignment = Assignment(review=review, lead_authority=lead, assigned_by=department, assigned_at=moment)
                assignments.append((assignment, co_authority))
                kind, actor = K.DEPARTMENT, department
            elif action == A.PUBLISH:
                kind, actor = K.DEPARTMENT, department
            else:
                kind, actor = K.LEAD_AUTHORITY, context.staff.get(lead.pk)
            new_state = workflow.check_transition(state, action, kind)
            logs.append(_log(review, actor, kind, action, state, "", moment))
            if action == A.START_REVIEW and co_authority is not None:
                # Between starting the review and the next step: a minute later.
                opinion_at = moment + timedelta(minutes=1)
                opinions.append(
                    Opinion(
                        review=review,
                        authority=co_authority,
                        author=context.staff.get(co_authority.pk),
                        text=OPINION,
                        created_at=opinion_at,
                    )
                )
                logs.append(
                    _log(
                        review,
                        context.staff.get(co_authority.pk),
                        K.CO_AUTHORITY,
                        A.ADD_OPINION,
                        S.IN_REVIEW,
                        "",
                        opinion_at,
                    )
                )
            if action == A.DRAFT:
                # The first seven evaluations that get published cycle through every disposition.
                disposition = _disposition(rng, published_count if item.target == S.PUBLISHED else len(DISPOSITIONS))
                if not _can_link(context, disposition):
                    disposition = Evaluation.Disposition.DECLINED.value
                evaluation = Evaluation(
                    review=review,
                    revision=1,
                    disposition=disposition,
                    authority=lead,
                    drafted_by=context.staff.get(lead.pk),
                )
                _write_answer(evaluation, disposition, JUSTIFICATIONS[disposition], JUSTIFICATIONS_EN[disposition])
                evaluations.append(evaluation)
                _choose_links(context, rng, item.area, evaluation, links)
            if action == A.PUBLISH:
                evaluation.published_at, evaluation.published_by = moment, department
                published_count += 1
            state = new_state
        if is_corrected:
            moment = moments[-1]
            logs.append(_log(review, department, K.DEPARTMENT, A.PUBLISH_REVISION, state, REVISION_REASON, moment))
            revision = Evaluation(
                review=review,
                revision=2,
                disposition=evaluation.disposition,
                revision_reason=REVISION_REASON,
                authority=lead,
                drafted_by=department,
                published_by=department,
                published_at=moment,
            )
            _write_answer(
                revision,
                evaluation.disposition,
                JUSTIFICATIONS[evaluation.disposition] + REVISION_ADDITION[0],
                JUSTIFICATIONS_EN[evaluation.disposition] + REVISION_ADDITION[1],
            )
            evaluations.append(revision)
            for rows in links.values():
                rows.extend([(revision, target) for owner, target in rows if owner is evaluation])
            evaluation = revision
        review.state = state.value
        review.state_changed_at = moments[len(path) - 1] if path else item.received_at
        review._current = evaluation if state == S.PUBLISHED else None

    Assignment.objects.bulk_create([assignment for assignment, _co in assignments], batch_size=BATCH_SIZE)
    Assignment.co_authorities.through.objects.bulk_create(
        [
            Assignment.co_authorities.through(assignment_id=assignment.pk, authority_id=co.pk)
            for assignment, co in assignments
            if co is not None
        ]
    )
    Evaluation.objects.bulk_create(evaluations, batch_size=BATCH_SIZE)
    columns = {
        "measures": "measure_id",
        "indicators": "indicator_id",
        "sub_goals": "subgoal_id",
        "targets": "target_id",
    }
    for name, rows in links.items():
        through = getattr(Evaluation, name).through
        through.objects.bulk_create(
            [through(**{"evaluation_id": owner.pk, columns[name]: target}) for owner, target in rows],
            batch_size=BATCH_SIZE,
        )
    Opinion.objects.bulk_create(opinions, batch_size=BATCH_SIZE)
    TransitionLog.objects.bulk_create(logs, batch_size=BATCH_SIZE)
    current = {assignment.review_id: assignment for assignment, _co in assignments}
    for item in items:
        item.review.assignment = current.get(item.review.pk)
        item.review.published_evaluation = item.review._current
        item.review.created_at = item.received_at
    for review, created in member_reviews:
        review.created_at = created
    Review.objects.bulk_update(
        reviews,
        ["state", "state_changed_at", "assignment", "published_evaluation", "created_at"],
        batch_size=BATCH_SIZE,
    )
    return {
        "reviews": len(reviews),
        "evaluations": len(evaluations),
        "transitions": len(logs),
        "opinions": len(opinions),
    }


def _moments(rng: random.Random, start: datetime, steps: int, now: datetime) -> list[datetime]:
    """`steps` increasing moments after `start`, days apart, squeezed to end before now if they would not."""
    gaps = [rng.randint(2, 14) * 86400 + rng.randint(0, 36000) for _ in range(steps)]
    available = (now - timedelta(hours=1) - start).total_seconds()
    factor = min(1.0, available / sum(gaps)) if gaps and available > 0 else 1.0
    moments, elapsed = [], 0.0
    for gap in gaps:
        # At least two minutes apart, so an opinion (a minute after starting the review) fits in between.
        elapsed += max(gap * factor, 120)
        moments.append(start + timedelta(seconds=elapsed))
    return moments


def _log(
    review: Review,
    actor: User | None,
    kind: workflow.ActorKind,
    action: workflow.Action,
    state: workflow.State,
    comment: str,
    moment: datetime,
) -> TransitionLog:
    target = workflow.check_transition(state, action, kind, comment=comment or "-")
    return TransitionLog(
        review=review,
        actor=actor,
        actor_kind=kind.value,
        action=action.value,
        from_state=state.value,
        to_state=target.value,
        comment=comment,
        created_at=moment,
    )


def _disposition(rng: random.Random, published_count: int) -> str:
    """Every disposition occurs: the first seven cycle through them, the rest follow plausible weights."""
    if published_count < len(DISPOSITIONS):
        return DISPOSITIONS[published_count]
    return rng.choices(DISPOSITIONS, weights=[22, 18, 20, 14, 9, 6, 11])[0]


def _write_answer(evaluation: Evaluation, disposition: str, german: str, english: str) -> None:
    """The justification in both languages and what the disposition asks for (services.check_evaluation)."""
    # The untranslated column holds the German text, as services._fill_evaluation writes it.
    evaluation.justification = evaluation.justification_de = german
    evaluation.justification_en = english
    evaluation.competent_level = COMPETENT_LEVEL if disposition == Evaluation.Disposition.OUTSIDE_COMPETENCE else ""
    evaluation.data_needed = DATA_NEEDED if disposition == Evaluation.Disposition.NO_DATA else ""


def _can_link(context: _Context, disposition: str) -> bool:
    """A concept without measures (or indicators) cannot back "taken up as a measure" (or "informs an indicator")."""
    if disposition == Evaluation.Disposition.TAKEN_UP_AS_MEASURE:
        return any(context.area_measures.values())
    if disposition == Evaluation.Disposition.INFORMS_INDICATOR:
        return any(context.area_indicators.values())
    return True


def _choose_links(
    context: _Context, rng: random.Random, area: AreaOfAction, evaluation: Evaluation, links: dict[str, list]
) -> None:
    # A disposition that needs a measure or an indicator gets one: the area's own, or else any of the concept's
    # (sorted, so the choice stays deterministic).
    indicators = context.area_indicators.get(area.pk, [])
    measures = context.area_measures.get(area.pk, [])
    if evaluation.disposition == "taken_up_as_measure" and not measures:
        measures = sorted({pk for pks in context.area_measures.values() for pk in pks})
    if evaluation.disposition == "informs_indicator" and not indicators:
        indicators = sorted({pk for pks in context.area_indicators.values() for pk in pks})
    if evaluation.disposition in ("taken_up_as_measure", "already_in_place") and measures:
        links["measures"].append((evaluation, rng.choice(measures)))
    if evaluation.disposition in ("informs_indicator", "taken_up_as_measure") and indicators:
        indicator = rng.choice(indicators)
        links["indicators"].append((evaluation, indicator))
        targets = context.indicator_targets.get(indicator, [])
        if targets and rng.random() < 0.3:
            links["targets"].append((evaluation, targets[0]))
    if evaluation.disposition == "referred_to_specialist_concept" and context.area_sub_goals.get(area.pk):
        links["sub_goals"].append((evaluation, context.area_sub_goals[area.pk][0]))


def _create_registrations(context: _Context, procedure: Procedure, events: list[Event]) -> int:
    rng = context.rng
    rows = []
    for number in range(1, 26):
        event = rng.choice(events)
        rows.append(
            Registration(
                procedure=procedure,
                event=event,
                name=f"Teilnehmende {number} (Demo)",
                email=f"teilnehmende{number}@example.org",
                wants_invitations=rng.random() < 0.7,
                wants_minutes=True,
                consent_given_at=_at(event.held_on, 17),
                consent_wording_version="demo",
            )
        )
    Registration.objects.bulk_create(rows)
    return len(rows)
