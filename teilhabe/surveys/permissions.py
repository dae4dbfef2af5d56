"""Named permission predicates for surveys and the barometer, used by views, services, API and templates.

Residents answer anonymously and need no permission; the department builds and runs surveys; the
department and analysts see the analysis, free text and downloads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from teilhabe.accounts.permissions import can_analyse, is_department_admin

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from teilhabe.accounts.models import User

    from .models import Survey

    AnyUser = User | AnonymousUser


def can_manage_surveys(user: AnyUser) -> bool:
    """Build, preview, open and close surveys; issue invitation codes."""
    return is_department_admin(user)


def can_preview(user: AnyUser, survey: Survey) -> bool:
    """Answer a survey that is not open (a draft or a closed one) without storing anything."""
    return can_manage_surveys(user)


def can_analyse_survey(user: AnyUser, survey: Survey) -> bool:
    """Full results, cross-tables, free-text answers and downloads."""
    return can_analyse(user)


def can_view_results(user: AnyUser, survey: Survey) -> bool:
    """Public results only of a survey that has been published (open or closed): a draft's are staff-only."""
    from .models import Survey

    is_published = survey.status in (Survey.Status.OPEN, Survey.Status.CLOSED)
    return (survey.results_are_public and is_published) or can_analyse_survey(user, survey)


def can_create_contributions(user: AnyUser, survey: Survey) -> bool:
    """Turn moderated free-text answers into contributions of the survey's procedure."""
    return is_department_admin(user) and survey.procedure_id is not None


def can_manage_barometer(user: AnyUser) -> bool:
    """Import margins, run the weighting, compute the index, map index parts to areas of action."""
    return is_department_admin(user)
