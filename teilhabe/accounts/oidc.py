"""Single sign-on for staff through the city's OpenID Connect identity provider (mozilla-django-oidc).

Active only when OIDC_RP_CLIENT_ID is set (docs/configuration.md). The identity provider decides who is
staff: the claim named by TEILHABE_OIDC_ROLES_CLAIM lists teilhabe role names, the claim named by
TEILHABE_OIDC_AUTHORITY_CLAIM holds the code of the user's authority. Both are applied at every login.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db.models import Q
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import services
from .models import Role, User


def roles_from_claims(claims: Mapping, claim: str) -> set[str]:
    """The known role names in a claim given as a list or as a space- or comma-separated string."""
    value = claims.get(claim) or []
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return {str(name).strip() for name in value if str(name).strip() in Role.values}


def authority_code_from_claims(claims: Mapping, claim: str) -> str:
    value = claims.get(claim) or ""
    return value.strip() if isinstance(value, str) else ""


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Matches accounts by e-mail; refuses identities that carry no teilhabe role."""

    def verify_claims(self, claims) -> bool:
        return (
            super().verify_claims(claims)
            and bool(claims.get("email"))
            and bool(roles_from_claims(claims, settings.TEILHABE_OIDC_ROLES_CLAIM))
        )

    def filter_users_by_claims(self, claims):
        email = (claims.get("email") or "").strip()
        if not email:
            return self.UserModel.objects.none()
        # Offboarded (inactive) accounts match too, so single sign-on cannot recreate them;
        # the callback view refuses inactive users.
        return self.UserModel.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))

    def create_user(self, claims) -> User:
        email = claims["email"].strip().lower()
        user = self.UserModel(username=email, email=email)
        user.set_unusable_password()
        user.save()
        return self.update_user(user, claims)

    def update_user(self, user: User, claims) -> User:
        if not user.is_active:
            return user
        return services.sync_staff_from_identity_provider(
            user=user,
            first_name=claims.get("given_name") or "",
            last_name=claims.get("family_name") or "",
            roles=roles_from_claims(claims, settings.TEILHABE_OIDC_ROLES_CLAIM),
            authority_code=authority_code_from_claims(claims, settings.TEILHABE_OIDC_AUTHORITY_CLAIM),
        )
