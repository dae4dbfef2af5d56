"""Named permission predicates of the monitoring domain, used by views, services, API and templates."""

from __future__ import annotations

from teilhabe.accounts.models import Role
from teilhabe.accounts.permissions import belongs_to, has_role, is_department_admin

from .models import Indicator, IndicatorVersion
from .queries import get_current_edition


def responsible_authority(indicator: Indicator):
    """The authority of the indicator's version in the current edition, else of its latest version."""
    versions = IndicatorVersion.objects.filter(indicator=indicator).select_related("authority")
    edition = get_current_edition()
    version = versions.filter(edition=edition).first() if edition else None
    version = version or versions.order_by("-edition__adopted_on", "-pk").first()
    return version.authority if version else None


def can_upload_observations(user) -> bool:
    """The department admin, and staff of an authority (for that authority's indicators only)."""
    if is_department_admin(user):
        return True
    return has_role(user, Role.AUTHORITY_STAFF) and getattr(user, "authority_id", None) is not None


def can_edit_indicator_data(user, indicator: Indicator) -> bool:
    """Whether the user may write observations of this indicator: its current version's authority is theirs."""
    if is_department_admin(user):
        return True
    return has_role(user, Role.AUTHORITY_STAFF) and belongs_to(user, responsible_authority(indicator))


def can_edit_concept(user, obj=None) -> bool:
    """Editions, areas, sub-goals, breakdowns, geographies and indicators' identities: the department's concept.

    Every staff role reads them; `obj` is accepted so the admin can use this as an object predicate.
    """
    return is_department_admin(user)


def can_edit_indicator_record(user, record=None) -> bool:
    """An observation or target: written by the indicator's current authority (as in uploads) or the department.

    Without a record: whether the user may write such records at all (for some indicator).
    """
    if record is None:
        return can_upload_observations(user)
    return can_edit_indicator_data(user, record.indicator)
