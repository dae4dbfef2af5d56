"""The moderator role moderates online contributions: who may, what publishing, rejecting and anonymising do."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from teilhabe.participation import permissions, queries, services
from teilhabe.participation.models import Contribution
from tests.accounts.factories import AuthorityFactory, UserFactory

from .factories import ContributionFactory, EventFactory, authority_staff, department_admin, moderator

pytestmark = pytest.mark.django_db

USER_KINDS = [
    "anonymous",
    "department",
    "authority_staff",
    "event_moderator",
    "other_moderator",
    "analyst",
    "inactive_moderator",
]


@pytest.fixture
def world():
    users = {
        "anonymous": AnonymousUser(),
        "department": department_admin(),
        "authority_staff": authority_staff(AuthorityFactory(code="schools")),
        "event_moderator": moderator(),
        "other_moderator": moderator(),
        "analyst": UserFactory(roles=["analyst"]),
        "inactive_moderator": moderator(is_active=False),
    }
    event = EventFactory(moderators=[users["event_moderator"]])
    online = ContributionFactory(
        procedure=event.procedure,
        moderation_state="pending",
        title="Sprachkurse bei Familie Yılmaz",
        text="Ich, Ayşe Yılmaz, Lindenstraße 4, wünsche mir Sprachkurse mit Kinderbetreuung.",
    )
    from_event = ContributionFactory(
        procedure=event.procedure, event=event, source="event", moderation_state="pending", text="Mehr Kita-Plätze"
    )
    letter = ContributionFactory(procedure=event.procedure, source="letter", moderation_state="pending", text="Brief")
    return users, online, from_event, letter


def _table(yes: set[str]) -> list:
    return [pytest.param(kind, kind in yes, id=f"{kind}-{'yes' if kind in yes else 'no'}") for kind in USER_KINDS]


@pytest.mark.parametrize(("kind", "expected"), _table({"department", "event_moderator", "other_moderator"}))
def test_can_moderate_online_contributions(world, kind, expected):
    """An outside organisation moderates the procedure: every moderator moderates the online form's contributions."""
    users, online, _event, _letter = world
    assert permissions.can_moderate(users[kind], online) is expected
    assert permissions.can_edit_for_anonymisation(users[kind], online) is expected
    assert permissions.can_view_original_text(users[kind], online) is expected


@pytest.mark.parametrize(("kind", "expected"), _table({"department", "event_moderator"}))
def test_can_moderate_event_contributions(world, kind, expected):
    users, _online, from_event, _letter = world
    assert permissions.can_moderate(users[kind], from_event) is expected


@pytest.mark.parametrize(("kind", "expected"), _table({"department"}))
def test_can_moderate_letters(world, kind, expected):
    """Letters and e-mails are recorded by the department; moderators do not decide on them."""
    users, _online, _event, letter = world
    assert permissions.can_moderate(users[kind], letter) is expected


@pytest.mark.parametrize(("kind", "expected"), _table({"department", "event_moderator", "other_moderator"}))
def test_can_use_moderation_queue(world, kind, expected):
    users, *_rest = world
    assert permissions.can_use_moderation_queue(users[kind]) is expected


@pytest.mark.parametrize(
    ("kind", "listed"),
    [
        ("department", {"online", "event", "letter"}),
        ("event_moderator", {"online", "event"}),
        ("other_moderator", {"online"}),
        ("authority_staff", set()),
        ("analyst", set()),
    ],
)
def test_moderation_queue_lists_what_the_user_moderates(world, kind, listed):
    """The queue states can_moderate as a query: the same contributions, no more, no fewer."""
    users, online, from_event, letter = world
    names = {online.pk: "online", from_event.pk: "event", letter.pk: "letter"}
    rows = queries.list_pending_moderation(users[kind])
    assert {names[row.pk] for row in rows} == listed
    assert all(permissions.can_moderate(users[kind], row) for row in rows)


def test_moderator_publishes_an_online_contribution(world):
    users, online, *_rest = world
    services.moderate_contribution(actor=users["other_moderator"], contribution=online, publish=True)
    online.refresh_from_db()
    assert (online.moderation_state, online.moderated_by) == ("published", users["other_moderator"])


def test_rejection_needs_a_reason_and_changes_nothing_without_one(world):
    users, online, *_rest = world
    with pytest.raises(ValidationError) as caught:
        services.moderate_contribution(actor=users["event_moderator"], contribution=online, publish=False, reason=" ")
    assert "reason" in caught.value.message_dict
    online.refresh_from_db()
    assert (online.moderation_state, online.moderation_reason, online.moderated_by) == ("pending", "", None)


def test_rejection_reason_is_shown_on_the_receipt(world, client):
    users, online, *_rest = world
    services.moderate_contribution(
        actor=users["event_moderator"], contribution=online, publish=False, reason="Enthält nur Werbung."
    )
    html = client.get(online.get_receipt_url(), HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Enthält nur Werbung." in html


def test_anonymising_keeps_the_original_for_staff_and_shows_the_edit_to_the_public(world, client):
    users, online, *_rest = world
    original_title, original_text = online.title, online.text
    services.edit_contribution_for_anonymisation(
        actor=users["other_moderator"],
        contribution=online,
        title="Sprachkurse",
        text="Ich wünsche mir Sprachkurse mit Kinderbetreuung.",
    )
    services.moderate_contribution(actor=users["other_moderator"], contribution=online, publish=True)
    online.refresh_from_db()
    assert (online.title, online.text) == ("Sprachkurse", "Ich wünsche mir Sprachkurse mit Kinderbetreuung.")
    assert (online.original_title, online.original_text) == (original_title, original_text)
    assert online.edited_by == users["other_moderator"] and online.is_edited
    page = client.get(online.get_absolute_url()).content.decode()
    assert "Ich wünsche mir Sprachkurse mit Kinderbetreuung." in page and "Lindenstraße" not in page
    api = client.get(reverse("api:contribution_detail", kwargs={"pk": online.pk}))
    assert api.status_code == 200
    assert api.json()["text"] == "Ich wünsche mir Sprachkurse mit Kinderbetreuung."
    assert "Lindenstraße" not in api.content.decode()


def test_a_second_edit_keeps_the_first_original(world):
    users, online, *_rest = world
    written = online.text
    for text in ("Ich, A. Y., wünsche mir Sprachkurse.", "Ich wünsche mir Sprachkurse."):
        services.edit_contribution_for_anonymisation(
            actor=users["department"], contribution=online, title="", text=text
        )
    online.refresh_from_db()
    assert (online.text, online.original_text) == ("Ich wünsche mir Sprachkurse.", written)


@pytest.mark.parametrize("kind", ["authority_staff", "analyst", "anonymous", "inactive_moderator"])
def test_who_may_not_moderate_cannot_anonymise_and_nothing_changes(world, kind):
    users, online, *_rest = world
    before = Contribution.objects.filter(pk=online.pk).values().get()
    with pytest.raises(PermissionDenied):
        services.edit_contribution_for_anonymisation(actor=users[kind], contribution=online, title="", text="Neu")
    with pytest.raises(PermissionDenied):
        services.moderate_contribution(actor=users[kind], contribution=online, publish=True)
    assert Contribution.objects.filter(pk=online.pk).values().get() == before


def test_other_moderator_cannot_moderate_another_events_contribution(world):
    users, _online, from_event, _letter = world
    with pytest.raises(PermissionDenied):
        services.moderate_contribution(actor=users["other_moderator"], contribution=from_event, publish=True)
    from_event.refresh_from_db()
    assert from_event.moderation_state == "pending"


@pytest.mark.parametrize(("title", "text", "field"), [("", "   ", "text"), ("x" * 201, "Text", "title")])
def test_an_empty_or_too_long_edit_is_refused_and_nothing_changes(world, title, text, field):
    users, online, *_rest = world
    before = Contribution.objects.filter(pk=online.pk).values().get()
    with pytest.raises(ValidationError) as caught:
        services.edit_contribution_for_anonymisation(
            actor=users["department"], contribution=online, title=title, text=text
        )
    assert field in caught.value.message_dict
    assert Contribution.objects.filter(pk=online.pk).values().get() == before


def test_review_page_shows_the_original_to_the_department_not_to_the_reviewing_authority(world, client):
    users, online, *_rest = world
    department, staff = users["department"], users["authority_staff"]
    services.edit_contribution_for_anonymisation(
        actor=department, contribution=online, title="Sprachkurse", text="Sprachkurse mit Kinderbetreuung."
    )
    services.moderate_contribution(actor=department, contribution=online, publish=True)
    services.assign_review(actor=department, review=online.review, lead_authority=staff.authority)
    client.force_login(department)
    assert "Lindenstraße 4" in client.get(online.review.get_absolute_url()).content.decode()
    client.force_login(staff)
    page = client.get(online.review.get_absolute_url()).content.decode()
    assert "Sprachkurse mit Kinderbetreuung." in page
    assert "Lindenstraße" not in page and "Yılmaz" not in page
