"""Taking over an admin's account through the user and authenticator admin (issue 11, finding 2).

The attack: a department admin who is not a superuser sets a superuser's password and e-mail, removes
its authenticator and makes itself superuser, then logs in as it. Each step is tried as the attacker
would, by posting to the admin, and must be refused with nothing changed; a superuser may do each.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from teilhabe.accounts import permissions
from teilhabe.accounts.models import Role, User

from .factories import UserFactory

NEW_PASSWORD = "a new and long enough passphrase 42"


@pytest.fixture
def people(db):
    chief = UserFactory(username="chief", email="chief@example.org", is_staff=True, is_superuser=True, authority=None)
    return {
        "superuser": chief,
        "department_admin": UserFactory(
            username="dept", email="dept@example.org", is_staff=True, authority=None, roles=[Role.DEPARTMENT_ADMIN]
        ),
        "other_admin": UserFactory(
            username="dept2", email="dept2@example.org", is_staff=True, authority=None, roles=[Role.DEPARTMENT_ADMIN]
        ),
        "staff": UserFactory(username="staff", email="staff@example.org", is_staff=True, roles=[Role.MODERATOR]),
    }


def _snapshot(user: User) -> tuple:
    user = User.objects.get(pk=user.pk)
    groups = sorted(user.groups.values_list("name", flat=True))
    devices = sorted(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    return (user.password, user.email, user.username, user.is_superuser, user.is_staff, user.is_active, groups, devices)


def _change_form(user: User, **changes) -> dict:
    """What the admin's change form posts for this user, with some fields changed."""
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        "is_staff": "on",
        "groups": list(user.groups.values_list("pk", flat=True)),
        "authority": user.authority_id or "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    if user.is_superuser:
        data["is_superuser"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _password_form() -> dict:
    return {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}


TARGETS = ["superuser", "other_admin"]


@pytest.mark.parametrize("target", TARGETS)
def test_department_admin_cannot_set_an_admins_password(client, people, target):
    victim = people[target]
    before = _snapshot(victim)
    client.force_login(people["department_admin"])
    url = reverse("admin:auth_user_password_change", args=[victim.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, _password_form()).status_code == 403
    assert _snapshot(victim) == before
    assert not User.objects.get(pk=victim.pk).check_password(NEW_PASSWORD)


@pytest.mark.parametrize("target", TARGETS)
def test_department_admin_cannot_change_an_admins_email_username_or_rights(client, people, target):
    victim = people[target]
    before = _snapshot(victim)
    client.force_login(people["department_admin"])
    url = reverse("admin:accounts_user_change", args=[victim.pk])
    attempts = [
        _change_form(victim, email="attacker@example.org"),
        _change_form(victim, username="taken-over"),
        _change_form(victim, is_superuser=None, is_staff=None),  # unticked
        _change_form(victim, groups=[]),
    ]
    for data in attempts:
        assert client.post(url, data).status_code == 403
    # The change view still shows the account, read-only: no form fields to submit.
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert _snapshot(victim) == before


@pytest.mark.parametrize("target", TARGETS)
def test_department_admin_cannot_remove_an_admins_authenticator(client, people, target):
    victim = people[target]
    device = TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    before = _snapshot(victim)
    client.force_login(people["department_admin"])
    delete = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [device.pk], "post": "yes"},
    )
    listing = client.get(reverse("admin:otp_totp_totpdevice_changelist"))
    assert delete.status_code in (302, 403, 404)
    assert bulk.status_code in (200, 302)
    assert _snapshot(victim) == before
    assert victim.username not in listing.content.decode()


def test_department_admin_cannot_make_itself_or_anyone_superuser(client, people):
    attacker, staff = people["department_admin"], people["staff"]
    before = _snapshot(attacker), _snapshot(staff)
    client.force_login(attacker)
    for user in (attacker, staff):
        client.post(reverse("admin:accounts_user_change", args=[user.pk]), _change_form(user, is_superuser="on"))
    assert not User.objects.get(pk=attacker.pk).is_superuser
    assert not User.objects.get(pk=staff.pk).is_superuser
    assert (_snapshot(attacker)[3], _snapshot(staff)[3]) == (before[0][3], before[1][3])


def test_department_admin_cannot_offboard_a_superuser(client, people):
    victim = people["superuser"]
    before = _snapshot(victim)
    client.force_login(people["department_admin"])
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "offboard_selected", "_selected_action": [victim.pk], "index": 0},
    )
    assert _snapshot(victim) == before


def test_the_whole_takeover_fails(client, people):
    """Every step in a row, then the login as the victim with the password the attacker chose."""
    victim = people["superuser"]
    TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    client.force_login(people["department_admin"])
    client.post(reverse("admin:auth_user_password_change", args=[victim.pk]), _password_form())
    client.post(
        reverse("admin:accounts_user_change", args=[victim.pk]), _change_form(victim, email="attacker@example.org")
    )
    for device in TOTPDevice.objects.filter(user=victim):
        client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    client.logout()
    login = client.post(reverse("accounts:login"), {"username": "chief", "password": NEW_PASSWORD})
    assert login.status_code == 200  # the form again: wrong password
    victim.refresh_from_db()
    assert victim.email == "chief@example.org"
    assert TOTPDevice.objects.filter(user=victim).count() == 1


# --- What stays possible --------------------------------------------------------------------------


@pytest.mark.parametrize("target", ["department_admin", "other_admin", "staff"])
def test_a_superuser_manages_every_account(client, people, target):
    victim = people[target]
    device = TOTPDevice.objects.create(user=victim, name="phone", confirmed=True)
    client.force_login(people["superuser"])
    password = client.post(reverse("admin:auth_user_password_change", args=[victim.pk]), _password_form())
    change = client.post(
        reverse("admin:accounts_user_change", args=[victim.pk]), _change_form(victim, email="new@example.org")
    )
    delete = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert (password.status_code, change.status_code, delete.status_code) == (302, 302, 302)
    victim.refresh_from_db()
    assert victim.check_password(NEW_PASSWORD)
    assert victim.email == "new@example.org"
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_department_admin_still_manages_staff_accounts(client, people):
    staff = people["staff"]
    device = TOTPDevice.objects.create(user=staff, name="lost phone", confirmed=True)
    client.force_login(people["department_admin"])
    password = client.post(reverse("admin:auth_user_password_change", args=[staff.pk]), _password_form())
    delete = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert (password.status_code, delete.status_code) == (302, 302)
    staff.refresh_from_db()
    assert staff.check_password(NEW_PASSWORD)
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


@pytest.mark.parametrize(
    ("actor", "member", "expected"),
    [
        ("superuser", "superuser", True),
        ("superuser", "department_admin", True),
        ("department_admin", "superuser", False),
        ("department_admin", "other_admin", False),
        ("department_admin", "department_admin", True),  # their own
        ("department_admin", "staff", True),
        ("staff", "staff", False),  # own password: the account page, not the admin
    ],
)
def test_can_manage_account(people, actor, member, expected):
    assert permissions.can_manage_account(people[actor], people[member]) is expected


def test_an_account_with_permissions_of_its_own_counts_as_an_admin(people):
    staff = people["staff"]
    assert permissions.can_manage_account(people["department_admin"], staff)
    staff.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert not permissions.can_manage_account(people["department_admin"], staff)
