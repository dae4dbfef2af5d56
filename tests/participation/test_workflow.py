"""The review state machine: every (state, action, actor) combination, allowed or refused, from one table."""

import itertools

import pytest

from teilhabe.participation.workflow import (
    Action,
    ActorKind,
    State,
    TransitionError,
    allowed_actions,
    check_transition,
    resolve_transition,
    states_allowing,
)

S, A, K = State, Action, ActorKind

# The whole workflow, written out by hand: (state, action, actor) -> state afterwards.
ALLOWED = {
    (S.RECEIVED, A.ASSIGN, K.DEPARTMENT): S.ASSIGNED,
    (S.ASSIGNED, A.REASSIGN, K.DEPARTMENT): S.ASSIGNED,
    (S.IN_REVIEW, A.REASSIGN, K.DEPARTMENT): S.ASSIGNED,
    (S.DRAFTED, A.REASSIGN, K.DEPARTMENT): S.ASSIGNED,
    (S.ASSIGNED, A.START_REVIEW, K.LEAD_AUTHORITY): S.IN_REVIEW,
    (S.ASSIGNED, A.ADD_OPINION, K.CO_AUTHORITY): S.ASSIGNED,
    (S.IN_REVIEW, A.ADD_OPINION, K.CO_AUTHORITY): S.IN_REVIEW,
    (S.DRAFTED, A.ADD_OPINION, K.CO_AUTHORITY): S.DRAFTED,
    (S.ASSIGNED, A.ADD_OPINION, K.LEAD_AUTHORITY): S.ASSIGNED,
    (S.IN_REVIEW, A.ADD_OPINION, K.LEAD_AUTHORITY): S.IN_REVIEW,
    (S.DRAFTED, A.ADD_OPINION, K.LEAD_AUTHORITY): S.DRAFTED,
    (S.IN_REVIEW, A.DRAFT, K.LEAD_AUTHORITY): S.DRAFTED,
    (S.DRAFTED, A.DRAFT, K.LEAD_AUTHORITY): S.DRAFTED,
    (S.DRAFTED, A.RETURN_FOR_REWORK, K.DEPARTMENT): S.IN_REVIEW,
    (S.DRAFTED, A.PUBLISH, K.DEPARTMENT): S.PUBLISHED,
    (S.PUBLISHED, A.PUBLISH_REVISION, K.DEPARTMENT): S.PUBLISHED,
    (S.RECEIVED, A.BUNDLE, K.DEPARTMENT): S.BUNDLED,
    (S.ASSIGNED, A.BUNDLE, K.DEPARTMENT): S.BUNDLED,
    (S.IN_REVIEW, A.BUNDLE, K.DEPARTMENT): S.BUNDLED,
    (S.BUNDLED, A.UNBUNDLE, K.DEPARTMENT): S.RECEIVED,
}
NEEDS_REASON = {A.REASSIGN, A.RETURN_FOR_REWORK, A.PUBLISH_REVISION}
POSSIBLE_IN = {(state, action) for state, action, _kind in ALLOWED}

ALL_CASES = list(itertools.product(State, Action, ActorKind))


def _label(case) -> str:
    state, action, kind = case
    verdict = "allowed" if case in ALLOWED else "refused"
    return f"{state.value}-{action.value}-{kind.value}-{verdict}"


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c in ALLOWED], ids=_label)
def test_allowed_transition(case):
    state, action, kind = case
    assert check_transition(state, action, kind, comment="Weil es so ist.") == ALLOWED[case]


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c not in ALLOWED], ids=_label)
def test_refused_transition(case):
    state, action, kind = case
    with pytest.raises(TransitionError) as caught:
        check_transition(state, action, kind, comment="Weil es so ist.")
    # Not possible in this state at all, or possible but reserved for another part.
    expected_reason = "actor" if (state, action) in POSSIBLE_IN else "state"
    assert caught.value.reason == expected_reason
    assert caught.value.state == state and caught.value.action == action


@pytest.mark.parametrize("case", [c for c in ALLOWED if c[1] in NEEDS_REASON], ids=_label)
@pytest.mark.parametrize("comment", ["", "   "], ids=["empty", "blank"])
def test_reason_required(case, comment):
    state, action, kind = case
    with pytest.raises(TransitionError) as caught:
        check_transition(state, action, kind, comment=comment)
    assert caught.value.reason == "comment"
    assert str(caught.value) == f"'{action.value}' needs a reason."


@pytest.mark.parametrize(
    ("label", "state", "action", "kind", "message"),
    [
        (
            "publish from received",
            S.RECEIVED,
            A.PUBLISH,
            K.DEPARTMENT,
            "'publish' is not possible in state 'received' (only in: drafted).",
        ),
        (
            "authority publishes",
            S.DRAFTED,
            A.PUBLISH,
            K.LEAD_AUTHORITY,
            "'publish' in state 'drafted' is reserved for: department; you act as 'lead_authority'.",
        ),
        (
            "co-authority drafts",
            S.IN_REVIEW,
            A.DRAFT,
            K.CO_AUTHORITY,
            "'draft' in state 'in_review' is reserved for: lead_authority; you act as 'co_authority'.",
        ),
    ],
)
def test_messages_name_the_problem(label, state, action, kind, message):
    with pytest.raises(TransitionError) as caught:
        check_transition(state, action, kind)
    assert str(caught.value) == message


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_allowed_actions_agree_with_the_table(state):
    for kind in ActorKind:
        expected = [action for action in Action if (state, action, kind) in ALLOWED]
        assert allowed_actions(state, [kind]) == expected


@pytest.mark.parametrize(
    ("label", "kinds", "expected_kind"),
    [
        ("department who also leads drafts as lead", [K.DEPARTMENT, K.LEAD_AUTHORITY], K.LEAD_AUTHORITY),
        ("lead alone", [K.LEAD_AUTHORITY], K.LEAD_AUTHORITY),
    ],
)
def test_resolve_picks_the_part_that_may_act(label, kinds, expected_kind):
    assert resolve_transition(S.IN_REVIEW, A.DRAFT, kinds) == (S.DRAFTED, expected_kind)


def test_resolve_without_any_part_is_refused_as_public():
    with pytest.raises(TransitionError) as caught:
        resolve_transition(S.RECEIVED, A.ASSIGN, [])
    assert caught.value.reason == "actor" and caught.value.actor_kind == K.PUBLIC


def test_states_allowing_bundling():
    assert states_allowing(A.BUNDLE) == {S.RECEIVED, S.ASSIGNED, S.IN_REVIEW}
