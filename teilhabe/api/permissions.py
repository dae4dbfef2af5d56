"""DRF permission classes; the rules themselves are the named predicates of each context."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from teilhabe.monitoring import permissions as monitoring_permissions


class CanUploadObservations(BasePermission):
    """Signed in (token or session) and allowed to upload observations for some indicator.

    Anonymous requests get 401; the per-indicator check (own authority) runs in the service.
    """

    message = "Only the department and authority staff may upload observations."

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return monitoring_permissions.can_upload_observations(request.user)
