"""Who may write an indicator's observations: its current version's authority (and the department)."""

import pytest

from teilhabe.accounts.models import Role
from teilhabe.monitoring import permissions
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import EditionFactory, IndicatorVersionFactory


@pytest.fixture
def indicator(db):
    """Indicator whose old version belonged to 'old' and whose current one belongs to 'schools'."""
    old = EditionFactory(code="2013", is_current=False)
    current = EditionFactory(code="2017", is_current=True)
    version = IndicatorVersionFactory(
        area__edition=current, edition=current, authority=AuthorityFactory(code="schools")
    )
    IndicatorVersionFactory(
        indicator=version.indicator, area__edition=old, edition=old, authority=AuthorityFactory(code="old")
    )
    return version.indicator


@pytest.mark.parametrize(
    ("authority", "roles", "may_upload", "may_edit"),
    [
        ("schools", [Role.AUTHORITY_STAFF], True, True),
        ("old", [Role.AUTHORITY_STAFF], True, False),
        ("housing", [Role.AUTHORITY_STAFF], True, False),
        ("schools", [], False, False),
        ("schools", [Role.MODERATOR], False, False),
        (None, [Role.DEPARTMENT_ADMIN], True, True),
        (None, [Role.AUTHORITY_STAFF], False, False),
    ],
    ids=[
        "own authority",
        "previous edition's authority",
        "other authority",
        "no role",
        "moderator",
        "department admin",
        "staff without authority",
    ],
)
def test_indicator_data_permissions(indicator, authority, roles, may_upload, may_edit):
    user = UserFactory(authority=AuthorityFactory(code=authority) if authority else None, roles=roles)
    assert permissions.can_upload_observations(user) is may_upload
    assert permissions.can_edit_indicator_data(user, indicator) is may_edit


def test_anonymous_may_not(indicator):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.can_upload_observations(AnonymousUser())
    assert not permissions.can_edit_indicator_data(AnonymousUser(), indicator)
