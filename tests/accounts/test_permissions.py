"""The role predicates every context builds on, as a table over user kinds."""

import pytest
from django.contrib.auth.models import AnonymousUser

from teilhabe.accounts import permissions

from .factories import AuthorityFactory, UserFactory

USER_KINDS = {
    "anonymous": lambda: AnonymousUser(),
    "no role": lambda: UserFactory(),
    "department admin": lambda: UserFactory(roles=["department_admin"]),
    "authority staff": lambda: UserFactory(roles=["authority_staff"]),
    "moderator": lambda: UserFactory(roles=["moderator"]),
    "analyst": lambda: UserFactory(roles=["analyst"]),
    "inactive admin": lambda: UserFactory(roles=["department_admin"], is_active=False),
}


@pytest.mark.parametrize(
    ("kind", "staff", "admin", "imports", "analyses"),
    [
        ("anonymous", False, False, False, False),
        ("no role", False, False, False, False),
        ("department admin", True, True, True, True),
        ("authority staff", True, False, False, False),
        ("moderator", True, False, False, False),
        ("analyst", True, False, False, True),
        ("inactive admin", False, False, False, False),
    ],
)
def test_role_predicates(db, kind, staff, admin, imports, analyses):
    user = USER_KINDS[kind]()
    assert permissions.is_staff_member(user) is staff
    assert permissions.is_department_admin(user) is admin
    assert permissions.can_import_data(user) is imports
    assert permissions.can_analyse(user) is analyses


def test_belongs_to_own_authority_only(db):
    own, other = AuthorityFactory(), AuthorityFactory()
    staff = UserFactory(authority=own, roles=["authority_staff"])
    assert permissions.belongs_to(staff, own)
    assert not permissions.belongs_to(staff, other)
    assert not permissions.belongs_to(staff, None)
    assert permissions.belongs_to(UserFactory(roles=["department_admin"]), other)
