"""The accounts context's personal-data provider (teilhabe.core.privacy): staff accounts and login records.

Erasure anonymises the account but keeps its row, so the audit trail still shows that *a* (now
anonymous) account made a change. Login records (django-axes) hold addresses and are deleted.
"""

from __future__ import annotations

from datetime import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from teilhabe.core.privacy import PersonalDataProvider

from .audit import SYSTEM_ACTOR_PREFIX
from .models import Role, User
from .services import revoke_sessions

ERASED_PREFIX = "erased-"


def _accounts(email: str):
    return User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))


def _login_records(email: str) -> list:
    return [model.objects.filter(username__iexact=email) for model in (AccessAttempt, AccessLog, AccessFailureLog)]


def export_account_data(email: str) -> dict:
    accounts = []
    for user in _accounts(email).select_related("authority").order_by("pk"):
        accounts.append(
            {
                "username": user.username,
                "email": user.email,
                "first_name": user.first_name,
                "last_name": user.last_name,
                "authority": str(user.authority) if user.authority else None,
                "roles": sorted(user.groups.filter(name__in=Role.values).values_list("name", flat=True)),
                "is_active": user.is_active,
                "date_joined": user.date_joined.isoformat(),
                "last_login": user.last_login.isoformat() if user.last_login else None,
                "authenticator_apps": list(TOTPDevice.objects.filter(user=user).values_list("name", flat=True)),
                "has_api_token": Token.objects.filter(user=user).exists(),
            }
        )
    logins = []
    for records in _login_records(email):
        for record in records.order_by("pk"):
            logins.append(
                {
                    "kind": record._meta.model_name,
                    "at": record.attempt_time.isoformat(),
                    "ip_address": record.ip_address,
                    "user_agent": getattr(record, "user_agent", ""),
                }
            )
    return {"accounts": accounts, "login_records": logins}


def erase_account_data(email: str) -> int:
    changed = 0
    for user in _accounts(email).exclude(username__startswith=SYSTEM_ACTOR_PREFIX):
        anonymise_account(user)
        changed += 1
    for records in _login_records(email):
        deleted, _details = records.delete()
        changed += deleted
    return changed


def anonymise_account(user: User) -> None:
    """Strip everything personal from an account; it can never log in again."""
    revoke_sessions(user=user)
    Token.objects.filter(user=user).delete()
    TOTPDevice.objects.filter(user=user).delete()
    user.groups.remove(*Group.objects.filter(name__in=Role.values))
    user.username = f"{ERASED_PREFIX}{user.pk}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.is_staff = False
    user.set_unusable_password()
    user.save()


def expire_account_data(before: datetime) -> int:
    """Anonymise offboarded accounts unused since `before`; delete login records older than that."""
    stale = (
        User.objects.filter(is_active=False)
        .exclude(username__startswith=SYSTEM_ACTOR_PREFIX)
        .exclude(username__startswith=ERASED_PREFIX)
        .filter(Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before))
    )
    changed = 0
    for user in stale:
        anonymise_account(user)
        changed += 1
    for model in (AccessAttempt, AccessLog, AccessFailureLog):
        deleted, _details = model.objects.filter(attempt_time__lt=before).delete()
        changed += deleted
    return changed


PROVIDER = PersonalDataProvider(
    name="accounts", export=export_account_data, erase=erase_account_data, retain=expire_account_data
)
