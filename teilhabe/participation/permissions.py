"""Named permission predicates for participation, used by views, services, API, exports and templates.

Moderators see and edit only the events they are assigned to; authority staff see and change only the
items assigned to their authority (as lead or co-authority); the department sees everything. Queries that
list items for a user filter with `visible_reviews_filter`, which states the same rule as a query condition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from teilhabe.accounts.models import Role
from teilhabe.accounts.permissions import has_role, is_department_admin, is_staff_member

from . import workflow

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from teilhabe.accounts.models import User

    from .models import Contribution, Event, Review

    AnyUser = User | AnonymousUser


def _is_active(user: AnyUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def is_moderator(user: AnyUser) -> bool:
    return _is_active(user) and has_role(user, Role.MODERATOR)


def is_authority_staff(user: AnyUser) -> bool:
    return _is_active(user) and has_role(user, Role.AUTHORITY_STAFF) and user.authority_id is not None


# --- Procedures and events ----------------------------------------------------------------------------


def can_use_work_area(user: AnyUser) -> bool:
    """The staff pages of participation (queues, events to record)."""
    return is_staff_member(user) and (is_department_admin(user) or is_moderator(user) or is_authority_staff(user))


def can_manage_procedure(user: AnyUser) -> bool:
    """Create events, moderate, bundle, assign and publish: the department's tasks."""
    return is_department_admin(user)


def can_create_event(user: AnyUser) -> bool:
    return is_department_admin(user) or is_moderator(user)


def is_assigned_moderator(user: AnyUser, event: Event) -> bool:
    if not is_moderator(user):
        return False
    prefetched = getattr(event, "_prefetched_objects_cache", {}).get("moderators")
    if prefetched is not None:
        return any(moderator.pk == user.pk for moderator in prefetched)
    return event.moderators.filter(pk=user.pk).exists()


def can_edit_event(user: AnyUser, event: Event) -> bool:
    return is_department_admin(user) or is_assigned_moderator(user, event)


def can_record_contribution(user: AnyUser, event: Event) -> bool:
    return can_edit_event(user, event)


def can_view_registrations(user: AnyUser, event: Event) -> bool:
    return can_edit_event(user, event)


def can_send_minutes(user: AnyUser, event: Event) -> bool:
    return can_edit_event(user, event)


# --- Contributions ---------------------------------------------------------------------------------


def can_use_moderation_queue(user: AnyUser) -> bool:
    """The queue of contributions awaiting moderation: the department and the moderators."""
    return is_department_admin(user) or is_moderator(user)


def _is_online_contribution(contribution: Contribution) -> bool:
    from .models import Contribution

    return contribution.event_id is None and contribution.source == Contribution.Source.ONLINE_FORM


def can_moderate(user: AnyUser, contribution: Contribution) -> bool:
    """Publish, reject or anonymise a contribution: the department; a moderator of the event it was made at;
    any moderator for the online form's contributions, because an outside organisation moderates the procedure.
    """
    if is_department_admin(user):
        return True
    if contribution.event_id is not None:
        return is_assigned_moderator(user, contribution.event)
    return _is_online_contribution(contribution) and is_moderator(user)


def can_edit_for_anonymisation(user: AnyUser, contribution: Contribution) -> bool:
    """Remove names and addresses from a contribution's title or text: whoever may moderate it."""
    return can_moderate(user, contribution)


def can_view_original_text(user: AnyUser, contribution: Contribution) -> bool:
    """The text as written before anonymisation holds personal details: only those who moderate see it
    (not the reviewing authorities, who need the concern, not the names)."""
    return can_moderate(user, contribution)


def can_view_contact(user: AnyUser, contribution: Contribution) -> bool:
    """The contributor's e-mail address is personal data: only the department sees it."""
    return is_department_admin(user)


def can_bundle(user: AnyUser) -> bool:
    return is_department_admin(user)


# --- Reviews ----------------------------------------------------------------------------------------


def _assignment_authorities(review: Review) -> tuple[int | None, set[int]]:
    assignment = review.assignment
    if assignment is None:
        return None, set()
    prefetched = getattr(assignment, "_prefetched_objects_cache", {}).get("co_authorities")
    if prefetched is not None:
        co = {authority.pk for authority in prefetched}
    else:
        co = set(assignment.co_authorities.values_list("pk", flat=True))
    return assignment.lead_authority_id, co


def actor_kinds(user: AnyUser, review: Review) -> list[workflow.ActorKind]:
    """The parts this user plays for this item, most powerful first (see workflow.ActorKind)."""
    kinds: list[workflow.ActorKind] = []
    if is_department_admin(user):
        kinds.append(workflow.ActorKind.DEPARTMENT)
    if is_authority_staff(user):
        lead, co = _assignment_authorities(review)
        if user.authority_id == lead:
            kinds.append(workflow.ActorKind.LEAD_AUTHORITY)
        elif user.authority_id in co:
            kinds.append(workflow.ActorKind.CO_AUTHORITY)
    return kinds


def can_view_review(user: AnyUser, review: Review) -> bool:
    """The department, and staff of the lead or a co-authority of the current assignment."""
    return bool(actor_kinds(user, review))


def allowed_actions(user: AnyUser, review: Review) -> list[workflow.Action]:
    """What the workflow lets this user do with the item now: the review page shows a control for each."""
    return workflow.allowed_actions(review.state, actor_kinds(user, review), is_bundle=review.bundle_id is not None)


def can_act(user: AnyUser, review: Review, action: workflow.Action | str) -> bool:
    """Whether the workflow lets this user take `action` on the item now (a reason may still be needed)."""
    return workflow.Action(action) in allowed_actions(user, review)


def can_view_opinions(user: AnyUser, review: Review) -> bool:
    """Opinions are internal: the department and the lead see all; a co-authority sees its own."""
    return bool(actor_kinds(user, review))


def can_handle_language(user: AnyUser, contribution: Contribution) -> bool:
    """Correct a contribution's language and ask for its machine translation: whoever moderates it or reviews
    it (the department, its moderators, the lead and co-authorities of its current assignment)."""
    if can_moderate(user, contribution):
        return True
    review = getattr(contribution, "review", None)
    return review is not None and can_view_review(user, review)


def can_translate_justification(user: AnyUser, review: Review) -> bool:
    """Add or replace the translation of an evaluation's public justification: the department, who publishes,
    and the lead authority, who wrote it."""
    kinds = actor_kinds(user, review)
    return workflow.ActorKind.DEPARTMENT in kinds or workflow.ActorKind.LEAD_AUTHORITY in kinds


def can_view_internal_contribution(user: AnyUser, contribution: Contribution, review: Review | None) -> bool:
    """Unpublished or hidden contributions: the department, the reviewing authorities, the event's moderators."""
    if is_department_admin(user):
        return True
    if review is not None and can_view_review(user, review):
        return True
    return contribution.event_id is not None and is_assigned_moderator(user, contribution.event)


def visible_reviews_filter(user: AnyUser) -> Q | None:
    """The rule of can_view_review as a condition on Review rows; None means every row (the department)."""
    if is_department_admin(user):
        return None
    if not is_authority_staff(user):
        return Q(pk__in=[])
    from .models import Assignment

    # A subquery, not a join over the co-authorities, so that no row is listed twice.
    co_assignments = Assignment.co_authorities.through.objects.filter(authority_id=user.authority_id)
    return Q(assignment__lead_authority_id=user.authority_id) | Q(
        assignment_id__in=co_assignments.values("assignment_id")
    )


def moderation_filter(user: AnyUser) -> Q | None:
    """The rule of can_moderate as a condition on Contribution rows; None means every row (the department)."""
    if is_department_admin(user):
        return None
    if not is_moderator(user):
        return Q(pk__in=[])
    from .models import Contribution, Event

    online = Q(event__isnull=True, source=Contribution.Source.ONLINE_FORM)
    return online | Q(event__in=Event.objects.filter(moderators=user).values("pk"))


def visible_events_filter(user: AnyUser) -> Q | None:
    """The events a user may edit, as a condition on Event rows; None means every row (the department)."""
    if is_department_admin(user):
        return None
    if not is_moderator(user):
        return Q(pk__in=[])
    return Q(moderators=user)
