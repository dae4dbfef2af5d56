"""The accounts context's personal-data provider: export, erasure that keeps attribution, retention."""

import datetime as dt
import json

from axes.models import AccessAttempt
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from teilhabe.accounts import privacy
from teilhabe.accounts.audit import acting_as
from teilhabe.accounts.models import User
from tests.monitoring.factories import MeasureFactory

from .factories import AuthorityFactory, UserFactory


def test_export_lists_the_account_and_login_records_without_secrets(db, capsys):
    user = UserFactory(
        username="anna",
        email="Anna@Example.org",
        first_name="Anna",
        last_name="Alt",
        authority=AuthorityFactory(code="social", abbreviation="SOZ"),
        roles=["moderator"],
    )
    token = Token.objects.create(user=user)
    AccessAttempt.objects.create(
        username="anna@example.org",
        ip_address="192.0.2.1",
        user_agent="UA",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/",
        failures_since_start=1,
    )
    call_command("export_personal_data", "anna@example.org")
    output = capsys.readouterr().out
    document = json.loads(output)
    account = document["data"]["accounts"]["accounts"][0]
    assert {key: account[key] for key in ("username", "email", "first_name", "last_name", "authority", "roles")} == {
        "username": "anna",
        "email": "Anna@Example.org",
        "first_name": "Anna",
        "last_name": "Alt",
        "authority": "SOZ",
        "roles": ["moderator"],
    }
    assert account["has_api_token"] is True
    assert [record["ip_address"] for record in document["data"]["accounts"]["login_records"]] == ["192.0.2.1"]
    assert token.key not in output
    assert user.password not in output


def test_erasure_anonymises_the_account_but_keeps_it_for_attribution(db):
    user = UserFactory(username="anna@example.org", email="anna@example.org", first_name="Anna", roles=["moderator"])
    Token.objects.create(user=user)
    TOTPDevice.objects.create(user=user, name="phone")
    with acting_as(user):
        measure = MeasureFactory()
    changed = privacy.erase_account_data("ANNA@example.org")
    assert changed == 1
    user.refresh_from_db()
    assert (user.username, user.email, user.first_name, user.last_name) == (f"erased-{user.pk}", "", "", "")
    assert (user.is_active, user.is_staff, user.has_usable_password()) == (False, False, False)
    assert not user.groups.exists()
    assert not Token.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert measure.history.get().history_user == user


def test_retention_anonymises_long_unused_offboarded_accounts_only(db):
    now = timezone.now()
    old = now - dt.timedelta(days=400)
    stale = UserFactory(username="stale", is_active=False, last_login=old)
    never_used = UserFactory(username="never", is_active=False, last_login=None, date_joined=old)
    recent = UserFactory(username="recent", is_active=False, last_login=now - dt.timedelta(days=10))
    active = UserFactory(username="active", is_active=True, last_login=old)
    changed = privacy.expire_account_data(now - dt.timedelta(days=365))
    assert changed == 2
    assert sorted(User.objects.filter(username__startswith="erased-").values_list("pk", flat=True)) == sorted(
        [stale.pk, never_used.pk]
    )
    recent.refresh_from_db()
    active.refresh_from_db()
    assert (recent.username, active.username) == ("recent", "active")
