"""The second factor is enforced for the roles the city names, and for anyone who enrolled one."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from teilhabe.accounts.models import Role

from .factories import UserFactory


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize(
    ("required", "roles", "is_superuser", "sent_to"),
    [
        ("department_admin", [Role.DEPARTMENT_ADMIN], False, "/konto/zwei-faktor/einrichten/?next=%2Fadmin%2F"),
        (
            "department_admin,authority_staff",
            [Role.AUTHORITY_STAFF],
            False,
            "/konto/zwei-faktor/einrichten/?next=%2Fadmin%2F",
        ),
        ("superuser", [], True, "/konto/zwei-faktor/einrichten/?next=%2Fadmin%2F"),
        ("department_admin", [Role.AUTHORITY_STAFF], False, None),
        ("", [Role.DEPARTMENT_ADMIN], False, None),
    ],
)
def test_roles_the_city_names_must_enrol_before_reaching_the_admin(
    client, db, settings, required, roles, is_superuser, sent_to
):
    settings.TEILHABE_MFA_REQUIRED_ROLES = required.split(",") if required else []
    user = UserFactory(roles=roles, is_staff=True, is_superuser=is_superuser)
    client.force_login(user)
    response = client.get("/admin/")
    if sent_to is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == sent_to


def test_a_user_with_an_authenticator_is_sent_to_verification_then_let_through(client, db, settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    user = UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/konto/zwei-faktor/?next=%2Fadmin%2Faccounts%2Fuser%2F"
    verified = client.post("/konto/zwei-faktor/", {"token": _code(device), "next": "/admin/accounts/user/"})
    assert verified["Location"] == "/admin/accounts/user/"
    assert client.get("/admin/accounts/user/").status_code == 200


def test_self_enrolled_authenticator_is_required_even_when_the_role_is_not(client, db, settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = []
    user = UserFactory(roles=[Role.ANALYST], is_staff=True)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    assert client.get("/konto/").status_code == 302


def test_pages_needed_to_log_in_stay_reachable(client, db, settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True))
    assert client.get("/konto/zwei-faktor/einrichten/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.post("/konto/abmelden/").status_code == 302


def test_session_authenticated_api_calls_get_a_json_refusal(client, db, settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True))
    response = client.get("/api/schema/")
    assert response.status_code == 403
    assert response.json() == {"detail": "A second factor is required; log in through the web page."}


OIDC_SETTINGS = {
    "OIDC_RP_CLIENT_ID": "teilhabe",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/auth",
    "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
    "OIDC_RP_SIGN_ALGO": "HS256",
}


def test_single_sign_on_counts_as_the_second_factor_when_configured(client, db, settings):
    for name, value in OIDC_SETTINGS.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "teilhabe.accounts.oidc.StaffOIDCBackend"]
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    client.force_login(UserFactory(roles=[Role.DEPARTMENT_ADMIN], is_staff=True))
    session = client.session
    session[BACKEND_SESSION_KEY] = "teilhabe.accounts.oidc.StaffOIDCBackend"
    session.save()
    settings.TEILHABE_OIDC_SATISFIES_MFA = True
    assert client.get("/konto/").status_code == 200
    settings.TEILHABE_OIDC_SATISFIES_MFA = False
    assert client.get("/konto/").status_code == 302
