"""Permission predicates of participation, each as a table over the kinds of user."""

import pytest
from django.contrib.auth.models import AnonymousUser

from teilhabe.participation import permissions
from teilhabe.participation.models import Review
from teilhabe.participation.workflow import ActorKind
from tests.accounts.factories import AuthorityFactory, UserFactory

from .factories import ContributionFactory, EventFactory, authority_staff, department_admin, moderator

pytestmark = pytest.mark.django_db

USER_KINDS = [
    "anonymous",
    "department",
    "lead_staff",
    "co_staff",
    "other_staff",
    "assigned_moderator",
    "other_moderator",
    "analyst",
    "inactive_department",
]


@pytest.fixture
def world():
    from teilhabe.participation.models import Assignment

    lead, co, other = (AuthorityFactory(code=code) for code in ("lead", "co", "other"))
    users = {
        "anonymous": AnonymousUser(),
        "department": department_admin(),
        "lead_staff": authority_staff(lead),
        "co_staff": authority_staff(co),
        "other_staff": authority_staff(other),
        "assigned_moderator": moderator(),
        "other_moderator": moderator(),
        "analyst": UserFactory(roles=["analyst"]),
        "inactive_department": department_admin(is_active=False),
    }
    event = EventFactory(moderators=[users["assigned_moderator"]])
    contribution = ContributionFactory(procedure=event.procedure, event=event, source="event")
    review = Review.objects.get(contribution=contribution)
    assignment = Assignment.objects.create(review=review, lead_authority=lead)
    assignment.co_authorities.set([co])
    review.assignment = assignment
    review.save()
    return users, event, contribution, review


def _expect(table: dict[str, bool]) -> list:
    return [pytest.param(kind, table[kind], id=f"{kind}-{'yes' if table[kind] else 'no'}") for kind in USER_KINDS]


NOBODY = dict.fromkeys(USER_KINDS, False)


@pytest.mark.parametrize(
    ("kind", "expected"), _expect({**NOBODY, "department": True, "lead_staff": True, "co_staff": True})
)
def test_can_view_review(world, kind, expected):
    users, _event, _contribution, review = world
    assert permissions.can_view_review(users[kind], review) is expected


@pytest.mark.parametrize(("kind", "expected"), _expect({**NOBODY, "department": True, "assigned_moderator": True}))
def test_can_edit_event(world, kind, expected):
    users, event, _contribution, _review = world
    assert permissions.can_edit_event(users[kind], event) is expected


@pytest.mark.parametrize(("kind", "expected"), _expect({**NOBODY, "department": True, "assigned_moderator": True}))
def test_can_moderate(world, kind, expected):
    users, _event, contribution, _review = world
    assert permissions.can_moderate(users[kind], contribution) is expected


@pytest.mark.parametrize(("kind", "expected"), _expect({**NOBODY, "department": True}))
def test_can_view_contact(world, kind, expected):
    users, _event, contribution, _review = world
    assert permissions.can_view_contact(users[kind], contribution) is expected


@pytest.mark.parametrize(("kind", "expected"), _expect({**NOBODY, "department": True}))
def test_can_bundle_and_manage(world, kind, expected):
    users, *_rest = world
    assert permissions.can_bundle(users[kind]) is expected
    assert permissions.can_manage_procedure(users[kind]) is expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    _expect(
        {
            **NOBODY,
            "department": True,
            "lead_staff": True,
            "co_staff": True,
            "other_staff": True,
            "assigned_moderator": True,
            "other_moderator": True,
        }
    ),
)
def test_can_use_work_area(world, kind, expected):
    users, *_rest = world
    assert permissions.can_use_work_area(users[kind]) is expected


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("department", [ActorKind.DEPARTMENT]),
        ("lead_staff", [ActorKind.LEAD_AUTHORITY]),
        ("co_staff", [ActorKind.CO_AUTHORITY]),
        ("other_staff", []),
        ("assigned_moderator", []),
        ("anonymous", []),
        ("inactive_department", []),
    ],
)
def test_actor_kinds(world, kind, expected):
    users, _event, _contribution, review = world
    assert permissions.actor_kinds(users[kind], review) == expected


@pytest.mark.parametrize(
    ("kind", "expected"), _expect({**NOBODY, "department": True, "lead_staff": True, "co_staff": True})
)
def test_visible_reviews_filter_matches_the_predicate(world, kind, expected):
    """The query condition and the predicate state the same rule."""
    users, _event, _contribution, review = world
    condition = permissions.visible_reviews_filter(users[kind])
    rows = Review.objects.all() if condition is None else Review.objects.filter(condition)
    assert rows.filter(pk=review.pk).exists() is expected
    assert rows.filter(pk=review.pk).count() == (1 if expected else 0)


def test_staff_without_authority_role_sees_nothing(world):
    users, _event, _contribution, review = world
    member_without_role = UserFactory(authority=review.assignment.lead_authority)
    assert permissions.can_view_review(member_without_role, review) is False
