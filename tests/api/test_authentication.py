"""API tokens never skip the second factor (issue 11, finding 15).

The attack: a staff member whose role requires a second factor (or who set one up) cannot reach the
web pages without a code, but an API token created for them (in the admin, by drf_create_token, or
before they enrolled) let programs act as them without one.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from teilhabe.accounts import services
from teilhabe.accounts.models import ApiTokenGrant, Role
from tests.accounts.factories import UserFactory

UPLOAD = "/api/v1/observations/upload/"


@pytest.fixture(autouse=True)
def _second_factor_for_admins(settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = ["department_admin"]
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _api_status(key: str) -> int:
    """An upload of no rows: 401 when the token is refused, otherwise the upload's own answer."""
    client = Client()
    return client.post(
        UPLOAD, data="[]", content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    ).status_code


def _admin(**kwargs):
    return UserFactory(is_staff=True, roles=[Role.DEPARTMENT_ADMIN], authority=None, **kwargs)


def test_upload_path_is_the_api_route():
    assert reverse("api:observation_upload") == UPLOAD


def test_a_token_made_in_the_admin_does_not_skip_a_required_second_factor(db):
    # given: a department admin (second factor required) with an authenticator, and a token made for them
    user = _admin()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    token = Token.objects.create(user=user)
    # when / then
    assert _api_status(token.key) == 401


def test_a_token_of_a_user_who_has_not_enrolled_yet_is_refused(db):
    token = Token.objects.create(user=_admin())
    assert _api_status(token.key) == 401


def test_a_self_enrolled_authenticator_counts_too(db, settings):
    settings.TEILHABE_MFA_REQUIRED_ROLES = []
    user = UserFactory(is_staff=True, roles=[Role.AUTHORITY_STAFF])
    token = Token.objects.create(user=user)
    assert _api_status(token.key) != 401  # no second factor: the token works
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    assert _api_status(token.key) == 401  # made before the second factor: refused from now on


def test_a_token_issued_after_the_code_works_until_the_authenticator_is_removed(db):
    # given: the admin logs in and enters the code
    user = _admin()
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Client()
    browser.force_login(user)
    assert browser.post("/konto/zwei-faktor/", {"token": _code(device)}).status_code == 302
    # when: they create their key on the account page
    page = browser.post(reverse("accounts:api_token"))
    # then: it is shown once and works
    token = Token.objects.get(user=user)
    assert token.key in page.content.decode()
    assert ApiTokenGrant.objects.get(token=token).second_factor == device.persistent_id
    assert _api_status(token.key) != 401
    assert token.key not in browser.get(reverse("accounts:api_token")).content.decode()
    # and when the authenticator is removed (a lost phone), the key stops working
    device.delete()
    assert _api_status(token.key) == 401


def test_a_session_without_the_code_cannot_create_a_key(db):
    user = _admin()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    browser = Client()
    browser.force_login(user)
    response = browser.post(reverse("accounts:api_token"))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/zwei-faktor/")
    assert not Token.objects.filter(user=user).exists()


def test_the_service_refuses_a_key_without_the_second_factor(db):
    user = _admin()
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    someone_elses = TOTPDevice.objects.create(user=_admin(), name="their phone", confirmed=True)
    pending = TOTPDevice.objects.create(user=user, name="new phone", confirmed=False)
    for device in (None, someone_elses, pending):
        with pytest.raises(PermissionDenied):
            services.issue_api_token(user=user, verified_device=device)
    assert not Token.objects.filter(user=user).exists()


def test_a_new_key_replaces_the_old_one(db):
    user = UserFactory(is_staff=True, roles=[Role.AUTHORITY_STAFF])
    first = services.issue_api_token(user=user)
    second = services.issue_api_token(user=user)
    assert first != second
    assert list(Token.objects.filter(user=user).values_list("key", flat=True)) == [second]
    assert _api_status(first) == 401


def test_accounts_without_a_staff_role_get_no_key(db):
    user = UserFactory(is_staff=False)
    with pytest.raises(PermissionDenied):
        services.issue_api_token(user=user)
    browser = Client()
    browser.force_login(user)
    assert browser.post(reverse("accounts:api_token")).status_code == 403
    assert not Token.objects.filter(user=user).exists()
