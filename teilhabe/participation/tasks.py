"""Background jobs of participation (django-tasks): e-mails and the documentation PDF.

Jobs take primary keys, not objects, so they can be queued in the database and run by a worker later;
services queue them after the commit (transaction.on_commit), so no e-mail leaves for a rolled-back change.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task

logger = logging.getLogger(__name__)


def site_url(path: str) -> str:
    """An absolute link for e-mails (settings.TEILHABE_SITE_URL, e.g. https://teilhabe.example.org)."""
    base = settings.TEILHABE_SITE_URL.rstrip("/")
    return f"{base}{path}"


def _send(*, template: str, context: dict, recipients: list[str], language: str | None = None) -> int:
    recipients = sorted({address for address in recipients if address})
    if not recipients:
        return 0
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"participation/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"participation/email/{template}.txt", context)
    # One message per recipient: addresses of different people never appear together.
    for address in recipients:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    return len(recipients)


def _authority_addresses(authority) -> list[str]:
    from teilhabe.accounts.models import Role

    members = authority.members.filter(is_active=True, groups__name=Role.AUTHORITY_STAFF.value).exclude(email="")
    return [authority.email, *members.values_list("email", flat=True)]


@task()
def send_assignment_notice(*, assignment_id: int) -> int:
    """Tell the lead authority and the co-authorities that an item is theirs to review."""
    from .models import Assignment

    assignment = (
        Assignment.objects.select_related("review", "lead_authority", "review__contribution", "review__bundle")
        .prefetch_related("co_authorities")
        .get(pk=assignment_id)
    )
    review = assignment.review
    context = {
        "assignment": assignment,
        "review": review,
        "item": review.item,
        "link": site_url(review.get_absolute_url()),
        "deadline_days": settings.TEILHABE_REVIEW_DEADLINE_DAYS,
    }
    sent = _send(
        template="assignment_notice",
        context={**context, "as_lead": True},
        recipients=_authority_addresses(assignment.lead_authority),
    )
    for authority in assignment.co_authorities.all():
        sent += _send(
            template="assignment_notice",
            context={**context, "as_lead": False},
            recipients=_authority_addresses(authority),
        )
    return sent


@task()
def send_overdue_reminder(*, authority_id: int) -> int:
    """Remind an authority of the items it leads that are past the review deadline."""
    from teilhabe.accounts.models import Authority

    from . import queries

    authority = Authority.objects.get(pk=authority_id)
    items = list(queries.list_overdue_reviews(authority=authority)[:50])
    if not items:
        return 0
    context = {
        "authority": authority,
        "items": [(review, site_url(review.get_absolute_url())) for review in items],
        "deadline_days": settings.TEILHABE_REVIEW_DEADLINE_DAYS,
    }
    return _send(template="overdue_reminder", context=context, recipients=_authority_addresses(authority))


@task()
def send_publication_notice(*, contribution_id: int) -> int:
    """With the contributor's consent, tell them that the evaluation of their contribution is published."""
    from .models import Contribution

    contribution = Contribution.objects.select_related("procedure").get(pk=contribution_id)
    if not contribution.contact_email or contribution.contact_consent_at is None:
        return 0
    language = contribution.language if contribution.language in dict(settings.LANGUAGES) else None
    context = {
        "contribution": contribution,
        "procedure": contribution.procedure,
        "link": site_url(contribution.get_receipt_url()),
    }
    return _send(
        template="publication_notice", context=context, recipients=[contribution.contact_email], language=language
    )


@task()
def send_minutes_email(*, registration_id: int) -> int:
    from django.utils.html import strip_tags

    from .models import Registration

    registration = Registration.objects.select_related("event", "procedure").get(pk=registration_id)
    if registration.event is None or not registration.wants_minutes:
        return 0
    context = {
        "registration": registration,
        "event": registration.event,
        "minutes": strip_tags(registration.event.minutes),
        "link": site_url(registration.event.get_absolute_url()),
    }
    return _send(template="minutes", context=context, recipients=[registration.email])


@task()
def build_documentation_pdf(*, procedure_id: int, language: str) -> int:
    """Build and store the PDF of a procedure's documentation in one language; returns its page count."""
    from . import documentation

    build = documentation.build_pdf(procedure_id=procedure_id, language=language)
    return build.page_count or 0
