"""Logging in, lockout, password reset, second factor and invitations, as a staff member meets them."""

import re
import time

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import PermissionDenied
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from teilhabe.accounts import reauth, services
from teilhabe.accounts.models import Role, User

from .factories import AuthorityFactory, UserFactory

WORK_AREA = "/beteiligung/arbeit/"  # where login lands (LOGIN_REDIRECT_URL)
PASSWORD = "correct horse battery staple"
LOGIN = "/konto/anmelden/"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _fail_login(client, username: str, times: int, url: str = LOGIN):
    responses = []
    for _attempt in range(times):
        responses.append(client.post(url, {"username": username, "password": "wrong password"}))
    return responses


# --- Login and lockout ----------------------------------------------------------------


def test_login_with_correct_password_lands_on_the_work_area(client, db):
    """Staff land on the work area; an account without one is sent on to its account page."""
    UserFactory(username="alice")
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == WORK_AREA
    landing = client.get(WORK_AREA, follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] in ("/konto/", WORK_AREA)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, db):
    UserFactory(username="alice")
    wrong_password = client.post(LOGIN, {"username": "alice", "password": "nope"})
    unknown_user = client.post(LOGIN, {"username": "nobody", "password": "nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "The username or password is not correct."
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()


def test_lockout_after_the_failure_limit_even_with_the_right_password(client, db, settings):
    """After AXES_FAILURE_LIMIT failures the account is locked for this address; the right password is refused."""
    UserFactory(username="alice")
    responses = _fail_login(client, "alice", settings.AXES_FAILURE_LIMIT)
    assert [r.status_code for r in responses[:-1]] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert responses[-1].status_code == 429
    locked = client.post(LOGIN, {"username": "alice", "password": PASSWORD})
    assert locked.status_code == 429
    assert "Login blocked for now" in locked.content.decode()
    assert SESSION_KEY not in client.session


def test_lockout_page_does_not_reveal_whether_the_account_exists(client, db, settings):
    UserFactory(username="alice")
    existing = _fail_login(client, "alice", settings.AXES_FAILURE_LIMIT + 1)[-1]
    unknown = _fail_login(client, "nobody", settings.AXES_FAILURE_LIMIT + 1)[-1]
    assert existing.status_code == unknown.status_code == 429
    assert existing.content == unknown.content
    assert b"alice" not in existing.content


def test_the_admin_login_is_the_site_login(client, db):
    """One login path: /admin/login/ keeps `next` and sends the visitor to the site's login."""
    response = client.get("/admin/login/?next=/admin/surveys/survey/")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2Fsurveys%2Fsurvey%2F"
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"


def test_posting_credentials_to_the_admin_login_never_logs_in(client, db):
    UserFactory(username="alice", is_staff=True, roles=[Role.DEPARTMENT_ADMIN])
    response = client.post("/admin/login/", {"username": "alice", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=%2Fadmin%2F"
    assert SESSION_KEY not in client.session


def test_admin_login_is_refused_once_the_site_login_is_rate_limited(client, db, settings):
    """The attack of issue 11: the site login answers 429 for an address; the admin login was still open."""
    # given: the address has used up its login attempts
    settings.TEILHABE_RATE_LOGIN = "3/h"
    UserFactory(username="alice", is_staff=True, roles=[Role.DEPARTMENT_ADMIN])
    statuses = [client.post(LOGIN, {"username": f"guess{i}", "password": "x"}).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]
    # when: the attacker tries the admin's login with the right password, and follows where it sends them
    response = client.post("/admin/login/", {"username": "alice", "password": PASSWORD}, follow=False)
    followed = client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    # then
    assert response.status_code == 302
    assert followed.status_code == 429
    assert SESSION_KEY not in client.session


def test_logged_in_without_admin_access_the_admin_login_is_refused_not_looped(client, db):
    client.force_login(UserFactory(username="alice", is_staff=False))
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/admin/", "/admin/"),
        ("https://evil.example/steal", WORK_AREA),
        ("//evil.example/steal", WORK_AREA),
        ("javascript:alert(1)", WORK_AREA),
    ],
)
def test_login_follows_only_local_next_targets(client, db, next_url, expected):
    UserFactory(username="alice")
    response = client.post(LOGIN, {"username": "alice", "password": PASSWORD, "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == expected


def test_login_form_is_rate_limited_per_address(client, db, settings):
    settings.TEILHABE_RATE_LOGIN = "3/h"
    statuses = [client.post(LOGIN, {"username": f"user{i}", "password": "x"}).status_code for i in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- Password reset ---------------------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, db):
    UserFactory(username="alice", email="alice@example.org")
    known = client.post("/konto/passwort-vergessen/", {"email": "alice@example.org"}, follow=True)
    unknown = client.post("/konto/passwort-vergessen/", {"email": "nobody@example.org"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/konto/passwort-vergessen/gesendet/", 302)]
    assert known.content == unknown.content
    assert "we do not say whether such an account exists" in known.content.decode()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.org"]


def test_password_reset_link_sets_a_new_password_once(client, db):
    user = UserFactory(username="alice", email="alice@example.org")
    client.post("/konto/passwort-vergessen/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/konto/passwort-neu/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_password_url = form_page.redirect_chain[-1][0]
    new_password = "a new long passphrase 42"
    done = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    again = client.get(link, follow=True)
    assert "This link no longer works" in again.content.decode()


def test_password_reset_form_is_rate_limited(client, db, settings):
    settings.TEILHABE_RATE_PUBLIC_FORM = "2/h"
    UserFactory(username="alice", email="alice@example.org")
    statuses = [client.post("/konto/passwort-vergessen/", {"email": "alice@example.org"}).status_code for _ in range(3)]
    assert statuses == [302, 302, 429]
    assert len(mail.outbox) == 2


# --- Second factor ----------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_confirms_with_a_valid_code(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # otherwise a wrong code makes the next try wait a second
    user = UserFactory(username="alice")
    client.force_login(user)
    page = client.get("/konto/zwei-faktor/einrichten/")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        "/konto/zwei-faktor/einrichten/", {"token": "000000" if _code(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    right = client.post("/konto/zwei-faktor/einrichten/", {"token": _code(device), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def _stale(client) -> None:
    """The session logged in longer ago than a fresh login lasts (a laptop left open, a stolen cookie)."""
    session = client.session
    session[reauth.SESSION_KEY] = time.time() - reauth.FRESH_LOGIN_MINUTES * 60 - 1
    session.save()


def test_enrolment_on_an_old_session_asks_for_the_password_before_showing_a_secret(client, db, settings):
    """The attack: with someone's open session, bind their account to your own phone."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(username="alice")
    client.force_login(user)
    _stale(client)
    # when: the attacker opens enrolment and posts a code
    page = client.get("/konto/zwei-faktor/einrichten/")
    posted = client.post("/konto/zwei-faktor/einrichten/", {"token": "123456"})
    # then: a password prompt, no secret, no device
    assert page.status_code == posted.status_code == 200
    assert 'name="password"' in page.content.decode()
    assert "data:image/svg+xml" not in page.content.decode() + posted.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    wrong = client.post("/konto/zwei-faktor/einrichten/", {"password": "not the password"})
    assert "The password is not correct." in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_enrolment_continues_after_the_password_and_needs_a_code_from_the_new_device(client, db, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(username="alice")
    client.force_login(user)
    _stale(client)
    confirmed = client.post("/konto/zwei-faktor/einrichten/", {"password": PASSWORD, "next": "/admin/"})
    assert confirmed.status_code == 302
    assert confirmed["Location"] == "/konto/zwei-faktor/einrichten/?next=%2Fadmin%2F"
    assert 'src="data:image/svg+xml' in client.get(confirmed["Location"]).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # A code from another authenticator (another secret) does not confirm this one.
    other = TOTPDevice(user=user, name="other")
    if _code(other) != _code(device):
        client.post("/konto/zwei-faktor/einrichten/", {"token": _code(other)})
        assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    right = client.post("/konto/zwei-faktor/einrichten/", {"token": _code(device)})
    assert right.status_code == 302
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


def test_the_enrolment_services_refuse_without_a_fresh_login(db):
    user = UserFactory(username="alice")
    pending = TOTPDevice.objects.create(user=user, name="phone", confirmed=False)
    with pytest.raises(PermissionDenied):
        services.start_totp_enrolment(user=user, login_is_fresh=False)
    with pytest.raises(PermissionDenied):
        services.confirm_totp_enrolment(user=user, token=_code(pending), login_is_fresh=False)
    assert list(TOTPDevice.objects.filter(user=user).values_list("confirmed", flat=True)) == [False]


def test_verification_accepts_the_current_code_and_rejects_others(client, db):
    user = UserFactory(username="alice")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    assert client.get("/konto/").status_code == 302  # sent to verification first
    wrong = client.post("/konto/zwei-faktor/", {"token": "12345x"})
    assert wrong.status_code == 200
    assert client.get("/konto/").status_code == 302
    right = client.post("/konto/zwei-faktor/", {"token": _code(device), "next": "https://evil.example/"})
    assert right.status_code == 302
    assert right["Location"] == WORK_AREA  # the foreign next is ignored
    assert client.get("/konto/").status_code == 200


# --- Invitations ------------------------------------------------------------------------


def test_department_admin_invites_a_staff_member_who_sets_a_password(client, db, django_capture_on_commit_callbacks):
    authority = AuthorityFactory(code="social")
    admin = UserFactory(username="head", roles=[Role.DEPARTMENT_ADMIN], is_staff=True)
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/konto/einladen/",
            {
                "email": "New.Person@Example.org",
                "first_name": "New",
                "last_name": "Person",
                "role": Role.AUTHORITY_STAFF,
                "authority": authority.pk,
            },
        )
    assert response.status_code == 302
    invited = User.objects.get(username="new.person@example.org")
    assert (invited.authority, invited.is_staff, invited.has_usable_password()) == (authority, True, False)
    assert list(invited.groups.values_list("name", flat=True)) == ["authority_staff"]
    assert mail.outbox[0].to == ["new.person@example.org"]
    link = re.search(r"http://testserver(/konto/einladung/\S+/)", mail.outbox[0].body).group(1)

    client.logout()
    form_page = client.get(link, follow=True)
    assert "Welcome to teilhabe" in form_page.content.decode()
    password = "my very own passphrase 7"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": password, "new_password2": password})
    login = client.post(LOGIN, {"username": "new.person@example.org", "password": password})
    assert login.status_code == 302
    client.logout()
    assert "no longer works" in client.get(link, follow=True).content.decode()


@pytest.mark.parametrize("role", [Role.AUTHORITY_STAFF, Role.MODERATOR, Role.ANALYST])
def test_other_roles_cannot_invite(client, db, role):
    client.force_login(UserFactory(roles=[role], is_staff=True))
    before = User.objects.count()
    response = client.post(
        "/konto/einladen/",
        {"email": "x@example.org", "first_name": "X", "last_name": "Y", "role": Role.DEPARTMENT_ADMIN},
    )
    assert response.status_code == 403
    assert User.objects.count() == before
    assert mail.outbox == []


def test_inviting_an_existing_address_is_refused_next_to_the_field(client, db):
    UserFactory(username="taken", email="taken@example.org")
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True))
    before = User.objects.count()
    response = client.post(
        "/konto/einladen/",
        {"email": "TAKEN@example.org", "first_name": "X", "last_name": "Y", "role": Role.DEPARTMENT_ADMIN},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": ["An account with this e-mail address already exists."]}
    assert User.objects.count() == before
    assert mail.outbox == []
