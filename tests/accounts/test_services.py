"""Offboarding, invitations and identity-provider sync, through the services every entry point calls."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from teilhabe.accounts import services
from teilhabe.accounts.models import Role, User

from .factories import AuthorityFactory, UserFactory

PASSWORD = "correct horse battery staple"


def _logged_in_clients(username: str, count: int) -> list:
    clients = []
    for _index in range(count):
        client = Client()
        response = client.post("/konto/anmelden/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302
        clients.append(client)
    return clients


def test_offboarding_ends_every_session_and_deletes_api_tokens(db):
    """Two browsers are logged in and an API token exists; after offboarding none of them gets in."""
    # given
    member = UserFactory(username="leaving", roles=[Role.AUTHORITY_STAFF], is_staff=True)
    other = UserFactory(username="staying")
    browsers = _logged_in_clients("leaving", 2)
    bystander = _logged_in_clients("staying", 1)[0]
    token = Token.objects.create(user=member)
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN])
    assert all(browser.get("/konto/").status_code == 200 for browser in browsers)
    # when
    result = services.offboard_user(user=member, by=admin)
    # then
    assert result == services.OffboardingResult(sessions_revoked=2, tokens_deleted=1)
    member.refresh_from_db()
    assert (member.is_active, member.has_usable_password()) == (False, False)
    assert not Token.objects.filter(key=token.key).exists()
    for browser in browsers:
        response = browser.get("/konto/")
        assert response.status_code == 302
        assert response["Location"].startswith("/konto/anmelden/")
    assert bystander.get("/konto/").status_code == 200
    assert other.is_active
    assert Session.objects.count() == 1


def test_api_token_stops_working_after_offboarding(db, client):
    member = UserFactory(roles=[Role.AUTHORITY_STAFF])
    token = Token.objects.create(user=member)
    services.offboard_user(user=member, by=UserFactory(roles=[Role.DEPARTMENT_ADMIN]))
    response = client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401


@pytest.mark.parametrize("role", [Role.AUTHORITY_STAFF, Role.MODERATOR, Role.ANALYST])
def test_only_department_admins_offboard(db, role):
    member = UserFactory()
    Token.objects.create(user=member)
    with pytest.raises(PermissionDenied):
        services.offboard_user(user=member, by=UserFactory(roles=[role]))
    member.refresh_from_db()
    assert member.is_active and member.has_usable_password()
    assert Token.objects.filter(user=member).count() == 1


def test_a_department_admin_cannot_offboard_themselves(db):
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN])
    with pytest.raises(PermissionDenied):
        services.offboard_user(user=admin, by=admin)
    admin.refresh_from_db()
    assert admin.is_active


def test_offboard_command_reports_what_it_revoked(db, capsys):
    member = UserFactory(username="leaving")
    Token.objects.create(user=member)
    UserFactory(username="head", roles=[Role.DEPARTMENT_ADMIN])
    call_command("offboard_user", "leaving", "--by", "head")
    assert "leaving offboarded: 0 sessions ended, 1 API tokens deleted." in capsys.readouterr().out
    assert not User.objects.get(username="leaving").is_active


def test_offboard_action_in_the_admin(db, client):
    member = UserFactory(username="leaving", is_staff=True)
    admin = UserFactory(username="head", roles=[Role.DEPARTMENT_ADMIN], is_staff=True)
    client.force_login(admin)
    response = client.post(
        "/admin/accounts/user/", {"action": "offboard_selected", "_selected_action": [member.pk, admin.pk]}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    admin.refresh_from_db()
    assert (member.is_active, admin.is_active) == (False, True)


def test_invitation_needs_an_authority_for_scoped_roles(db):
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN])
    before = User.objects.count()
    with pytest.raises(ValidationError) as error:
        services.invite_staff(
            invited_by=admin,
            email="new@example.org",
            first_name="N",
            last_name="P",
            authority=None,
            role=Role.AUTHORITY_STAFF,
            base_url="https://teilhabe.example.org",
        )
    assert error.value.message_dict == {"authority": ["Staff other than department admins belong to an authority."]}
    assert User.objects.count() == before
    assert mail.outbox == []


def test_invitation_link_points_to_the_site_given(db, django_capture_on_commit_callbacks):
    admin = UserFactory(roles=[Role.DEPARTMENT_ADMIN], first_name="Dana", last_name="Head")
    with django_capture_on_commit_callbacks(execute=True):
        user = services.invite_staff(
            invited_by=admin,
            email="new@example.org",
            first_name="N",
            last_name="P",
            authority=AuthorityFactory(),
            role=Role.MODERATOR,
            base_url="https://teilhabe.example.org/",
        )
    body = mail.outbox[0].body
    assert "Dana Head has created a staff account for you" in body
    # The token carries a timestamp in seconds, so the link is compared by its parts, not rebuilt.
    prefix = services.invitation_path(user).rsplit("/", 2)[0] + "/"
    link = re.search(rf"https://teilhabe\.example\.org{re.escape(prefix)}(?P<token>[^/\s]+)/", body)
    assert link is not None, body
    assert default_token_generator.check_token(user, link["token"])


def test_identity_provider_sync_grants_only_known_roles_and_the_named_authority(db):
    authority = AuthorityFactory(code="schools")
    user = UserFactory(roles=[Role.ANALYST], authority=None, is_staff=False)
    services.sync_staff_from_identity_provider(
        user=user,
        first_name="Ida",
        last_name="Idp",
        roles=["authority_staff", "superuser", "root"],
        authority_code="schools",
    )
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.authority, user.is_staff, user.is_superuser) == (
        "Ida",
        "Idp",
        authority,
        True,
        False,
    )
    assert sorted(user.groups.values_list("name", flat=True)) == ["authority_staff"]


def test_identity_provider_sync_with_an_unknown_authority_leaves_none(db):
    user = UserFactory(roles=[Role.AUTHORITY_STAFF])
    services.sync_staff_from_identity_provider(
        user=user, first_name="", last_name="", roles=["authority_staff"], authority_code="no-such-code"
    )
    user.refresh_from_db()
    assert user.authority is None
