"""Single sign-on: which identities become staff, with which roles and authority."""

import pytest
from django.core.exceptions import SuspiciousOperation

from teilhabe.accounts.models import User
from teilhabe.accounts.oidc import StaffOIDCBackend, authority_code_from_claims, roles_from_claims

from .factories import AuthorityFactory, UserFactory
from .test_middleware import OIDC_SETTINGS


@pytest.mark.parametrize(
    ("case", "value", "expected"),
    [
        ("list", ["authority_staff", "analyst"], {"authority_staff", "analyst"}),
        ("space separated", "moderator analyst", {"moderator", "analyst"}),
        ("comma separated", "moderator,department_admin", {"moderator", "department_admin"}),
        ("unknown names dropped", ["superuser", "admin", "analyst"], {"analyst"}),
        ("missing", None, set()),
    ],
)
def test_roles_from_claims(case, value, expected):
    claims = {} if value is None else {"teilhabe_roles": value}
    assert roles_from_claims(claims, "teilhabe_roles") == expected


def test_authority_code_from_claims_ignores_non_strings():
    assert authority_code_from_claims({"org": " schools "}, "org") == "schools"
    assert authority_code_from_claims({"org": ["schools"]}, "org") == ""


@pytest.fixture
def backend(settings):
    for name, value in OIDC_SETTINGS.items():
        setattr(settings, name, value)
    return StaffOIDCBackend()


def _claims(**extra) -> dict:
    return {"email": "Ida@Example.org", "given_name": "Ida", "family_name": "Idp", **extra}


def test_a_new_staff_identity_becomes_an_account_with_its_roles(db, backend):
    AuthorityFactory(code="schools")
    claims = _claims(teilhabe_roles=["authority_staff"], teilhabe_authority="schools")
    assert backend.verify_claims(claims)
    user = backend.create_user(claims)
    assert (user.username, user.email, user.authority.code, user.is_staff) == (
        "ida@example.org",
        "ida@example.org",
        "schools",
        True,
    )
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["authority_staff"]


def test_identities_without_a_teilhabe_role_are_refused(db, backend, settings):
    settings.OIDC_RP_SCOPES = "openid email"
    assert not backend.verify_claims(_claims())
    assert not backend.verify_claims(_claims(teilhabe_roles=["superuser"]))


def test_existing_accounts_are_matched_by_e_mail_and_updated(db, backend):
    user = UserFactory(username="ida", email="ida@example.org", roles=["analyst"])
    matched = backend.filter_users_by_claims(_claims())
    assert list(matched) == [user]
    backend.update_user(user, _claims(teilhabe_roles="moderator"))
    assert list(user.groups.values_list("name", flat=True)) == ["moderator"]


def test_offboarded_accounts_are_not_revived(db, backend):
    user = UserFactory(username="ida", email="ida@example.org", is_active=False, roles=["analyst"])
    backend.update_user(user, _claims(teilhabe_roles="department_admin"))
    user.refresh_from_db()
    assert not user.is_active
    assert list(user.groups.values_list("name", flat=True)) == ["analyst"]
    assert User.objects.filter(email__iexact="ida@example.org").count() == 1


def test_get_or_create_refuses_claims_without_a_role(db, backend, monkeypatch):
    monkeypatch.setattr(backend, "get_userinfo", lambda *args: _claims())
    with pytest.raises(SuspiciousOperation):
        backend.get_or_create_user("access", "id", {})
    assert not User.objects.filter(email__iexact="ida@example.org").exists()
