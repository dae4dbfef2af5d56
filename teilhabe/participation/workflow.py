"""The review workflow of a reviewable item (a contribution outside a bundle, or a bundle) as a pure state machine.

Data in, data out: no Django, no teilhabe imports. `services.py` asks `check_transition` before it changes a
review, applies the result atomically and writes the transition log; permissions.py maps a user to the actor
kinds used here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"
    ASSIGNED = "assigned"
    IN_REVIEW = "in_review"
    DRAFTED = "drafted"
    PUBLISHED = "published"
    # A contribution that joined a bundle: the bundle's own review carries on for it.
    BUNDLED = "bundled"


class Action(StrEnum):
    ASSIGN = "assign"
    REASSIGN = "reassign"
    START_REVIEW = "start_review"
    ADD_OPINION = "add_opinion"
    DRAFT = "draft"
    RETURN_FOR_REWORK = "return_for_rework"
    PUBLISH = "publish"
    PUBLISH_REVISION = "publish_revision"
    BUNDLE = "bundle"
    UNBUNDLE = "unbundle"


class ActorKind(StrEnum):
    """The part a user plays for one item; one user may play several (see permissions.actor_kinds)."""

    DEPARTMENT = "department"
    LEAD_AUTHORITY = "lead_authority"
    CO_AUTHORITY = "co_authority"
    MODERATOR = "moderator"
    PUBLIC = "public"


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State
    actors: frozenset[ActorKind]
    needs_comment: bool = False


def _rule(
    action: Action,
    sources: Iterable[State],
    target: State | None,
    actors: Iterable[ActorKind],
    *,
    needs_comment: bool = False,
) -> list[Transition]:
    """One rule per source state; a target of None keeps the state (an action that is not a change of state)."""
    return [Transition(action, source, target or source, frozenset(actors), needs_comment) for source in sources]


_DEPARTMENT = [ActorKind.DEPARTMENT]
_LEAD = [ActorKind.LEAD_AUTHORITY]
_OPEN = [State.ASSIGNED, State.IN_REVIEW, State.DRAFTED]

TRANSITIONS: tuple[Transition, ...] = tuple(
    _rule(Action.ASSIGN, [State.RECEIVED], State.ASSIGNED, _DEPARTMENT)
    # Handing an item to another authority must be explained to the authorities involved.
    + _rule(Action.REASSIGN, _OPEN, State.ASSIGNED, _DEPARTMENT, needs_comment=True)
    + _rule(Action.START_REVIEW, [State.ASSIGNED], State.IN_REVIEW, _LEAD)
    + _rule(Action.ADD_OPINION, _OPEN, None, [ActorKind.CO_AUTHORITY, ActorKind.LEAD_AUTHORITY])
    # Drafting again replaces the unpublished draft; the history of the evaluation keeps the earlier one.
    + _rule(Action.DRAFT, [State.IN_REVIEW, State.DRAFTED], State.DRAFTED, _LEAD)
    + _rule(Action.RETURN_FOR_REWORK, [State.DRAFTED], State.IN_REVIEW, _DEPARTMENT, needs_comment=True)
    + _rule(Action.PUBLISH, [State.DRAFTED], State.PUBLISHED, _DEPARTMENT)
    # A published evaluation is never edited: a correction is a new revision with its reason.
    + _rule(Action.PUBLISH_REVISION, [State.PUBLISHED], State.PUBLISHED, _DEPARTMENT, needs_comment=True)
    + _rule(Action.BUNDLE, [State.RECEIVED, State.ASSIGNED, State.IN_REVIEW], State.BUNDLED, _DEPARTMENT)
    + _rule(Action.UNBUNDLE, [State.BUNDLED], State.RECEIVED, _DEPARTMENT)
)

_BY_KEY: dict[tuple[State, Action], Transition] = {(t.source, t.action): t for t in TRANSITIONS}

# A bundle is never itself put into (or taken out of) a bundle; those actions apply to single contributions.
_NOT_FOR_BUNDLES = frozenset({Action.BUNDLE, Action.UNBUNDLE})

# Whose move it is in each state (the work queue's "waiting for me"); a co-authority is asked for an opinion
# while the item is open, which is not a move of the item.
WAITING_FOR: dict[State, ActorKind] = {
    State.RECEIVED: ActorKind.DEPARTMENT,
    State.ASSIGNED: ActorKind.LEAD_AUTHORITY,
    State.IN_REVIEW: ActorKind.LEAD_AUTHORITY,
    State.DRAFTED: ActorKind.DEPARTMENT,
}


class TransitionError(Exception):
    """An action that the workflow does not allow; the message says why in plain words."""

    # Why: "state" (not possible now), "actor" (reserved for another part), "comment" (a reason is missing).
    def __init__(
        self, message: str, *, reason: str, state: State, action: Action, actor_kind: ActorKind | None
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.state = state
        self.action = action
        self.actor_kind = actor_kind


def find_transition(state: State | str, action: Action | str) -> Transition | None:
    return _BY_KEY.get((State(state), Action(action)))


def states_allowing(action: Action | str) -> frozenset[State]:
    """The states in which `action` is possible at all (for whoever may take it)."""
    return frozenset(t.source for t in TRANSITIONS if t.action == Action(action))


def allowed_actions(
    state: State | str, actor_kinds: Iterable[ActorKind | str], *, is_bundle: bool = False
) -> list[Action]:
    """The actions these actors may take in this state, in the order of the Action enum.

    The one source of what a person may do with an item: the review page shows a control for exactly these.
    """
    kinds = {ActorKind(kind) for kind in actor_kinds}
    state = State(state)
    return [
        action
        for action in Action
        if (t := _BY_KEY.get((state, action))) is not None
        and t.actors & kinds
        and not (is_bundle and action in _NOT_FOR_BUNDLES)
    ]


def states_waiting_for(actor_kind: ActorKind | str) -> frozenset[State]:
    """The states in which the next move is this part's."""
    return frozenset(state for state, kind in WAITING_FOR.items() if kind == ActorKind(actor_kind))


def check_transition(
    state: State | str, action: Action | str, actor_kind: ActorKind | str, *, comment: str = ""
) -> State:
    """Return the state after `action`, or raise TransitionError saying why it is not allowed."""
    state, action, actor_kind = State(state), Action(action), ActorKind(actor_kind)
    transition = _BY_KEY.get((state, action))
    if transition is None:
        possible = sorted(t.source.value for t in TRANSITIONS if t.action == action)
        raise TransitionError(
            f"'{action.value}' is not possible in state '{state.value}' (only in: {', '.join(possible)}).",
            reason="state",
            state=state,
            action=action,
            actor_kind=actor_kind,
        )
    if actor_kind not in transition.actors:
        allowed = ", ".join(sorted(kind.value for kind in transition.actors))
        raise TransitionError(
            f"'{action.value}' in state '{state.value}' is reserved for: {allowed}; you act as '{actor_kind.value}'.",
            reason="actor",
            state=state,
            action=action,
            actor_kind=actor_kind,
        )
    if transition.needs_comment and not comment.strip():
        raise TransitionError(
            f"'{action.value}' needs a reason.",
            reason="comment",
            state=state,
            action=action,
            actor_kind=actor_kind,
        )
    return transition.target


def resolve_transition(
    state: State | str, action: Action | str, actor_kinds: Iterable[ActorKind | str], *, comment: str = ""
) -> tuple[State, ActorKind]:
    """Like check_transition for a user who plays several parts (or none): the first part allowed acts.

    When no part is allowed the error names the first one, so the message stays concrete.
    """
    kinds = [ActorKind(kind) for kind in actor_kinds] or [ActorKind.PUBLIC]
    transition = find_transition(state, action)
    allowed = [kind for kind in kinds if transition is not None and kind in transition.actors]
    kind = allowed[0] if allowed else kinds[0]
    return check_transition(state, action, kind, comment=comment), kind
