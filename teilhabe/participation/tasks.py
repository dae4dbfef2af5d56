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
    # Double opt-in: nothing goes to an address its owner has not confirmed.
    if not contribution.contact_email or contribution.contact_consent_at is None:
        return 0
    if contribution.contact_confirmed_at is None:
        return 0
    language = contribution.language if contribution.language in dict(settings.LANGUAGES) else None
    evaluation = _published_evaluation(contribution)
    # The justification in the contributor's language first (when the authority gave one), German beside it.
    translated = (
        evaluation.justification_translations.filter(language=contribution.language).first() if evaluation else None
    )
    # The links open pages in the language the mail is written in, not in the publisher's.
    with translation.override(language or settings.LANGUAGE_CODE):
        context = {
            "contribution": contribution,
            "procedure": contribution.procedure,
            "evaluation": evaluation,
            "justification_german": (evaluation.justification_de or evaluation.justification) if evaluation else "",
            "translated": translated,
            "link": site_url(contribution.get_receipt_url()),
            "remove_link": _remove_link(contribution),
        }
    return _send(
        template="publication_notice", context=context, recipients=[contribution.contact_email], language=language
    )


def _published_evaluation(contribution):
    """The published evaluation that answers the contribution: its own, or its bundle's."""
    from .models import Review

    review = (
        Review.objects.filter(
            bundle_id=contribution.bundle_id if contribution.bundle_id else None,
            contribution_id=None if contribution.bundle_id else contribution.pk,
        )
        .select_related("published_evaluation")
        .first()
    )
    return review.published_evaluation if review is not None else None


@task()
def send_minutes_email(*, registration_id: int) -> int:
    from django.utils.html import strip_tags

    from .models import Registration

    registration = Registration.objects.select_related("event", "procedure").get(pk=registration_id)
    if registration.event is None or not registration.wants_minutes or registration.email_confirmed_at is None:
        return 0
    context = {
        "registration": registration,
        "event": registration.event,
        "minutes": strip_tags(registration.event.minutes),
        "link": site_url(registration.event.get_absolute_url()),
        "remove_link": _remove_link(registration),
    }
    return _send(template="minutes", context=context, recipients=[registration.email])


@task()
def build_documentation_pdf(*, procedure_id: int, language: str) -> int:
    """Build and store the PDF of a procedure's documentation in one language; returns its page count."""
    from . import documentation

    build = documentation.build_pdf(procedure_id=procedure_id, language=language)
    return build.page_count or 0


def _remove_link(row) -> str:
    from django.urls import reverse

    from .services import address_link_token

    token = address_link_token(row, purpose="remove")
    return site_url(reverse("participation:address_remove", kwargs={"token": token}))


@task()
def send_address_confirmation(*, kind: str, ident: str) -> int:
    """The one mail an unconfirmed address gets: what it was given for, the confirmation link, the removal link."""
    from django.urls import reverse

    from . import services

    row, email = services._address_row(kind, ident)
    if row is None or not email:
        return 0
    language = getattr(row, "language", "") or None
    if language not in dict(settings.LANGUAGES):
        language = None
    with translation.override(language or settings.LANGUAGE_CODE):
        purpose = services.describe_address(row)
        confirm = reverse(
            "participation:address_confirm", kwargs={"token": services.address_link_token(row, purpose="confirm")}
        )
        remove = reverse(
            "participation:address_remove", kwargs={"token": services.address_link_token(row, purpose="remove")}
        )
    context = {
        "purpose": purpose,
        "confirm_link": site_url(confirm),
        "remove_link": site_url(remove),
        "max_age_days": services.CONFIRMATION_MAX_AGE_DAYS,
    }
    return _send(template="address_confirmation", context=context, recipients=[email], language=language)


@task()
def send_follower_notice(*, subscription_id: int, review_id: int) -> int:
    """Tell a confirmed follower that an evaluation was published for what they follow."""
    from . import queries
    from .models import Review, Subscription

    subscription = (
        Subscription.objects.select_related("procedure", "indicator", "contribution")
        .filter(pk=subscription_id, confirmed_at__isnull=False)
        .first()
    )
    review = Review.objects.select_related("procedure", "contribution", "bundle").filter(pk=review_id).first()
    if subscription is None or review is None:
        return 0
    if subscription.target == Subscription.Target.CONTRIBUTION:
        link = site_url(subscription.contribution.get_receipt_url())
    else:
        link = site_url(queries.public_item_url(review))
    language = subscription.language if subscription.language in dict(settings.LANGUAGES) else None
    context = {
        "subscription": subscription,
        "target": subscription.procedure or subscription.indicator or subscription.contribution,
        "is_own_contribution": subscription.target == Subscription.Target.CONTRIBUTION,
        "item": review.item,
        "link": link,
        "remove_link": _remove_link(subscription),
    }
    return _send(template="follower_notice", context=context, recipients=[subscription.email], language=language)


@task()
def translate_contribution(*, contribution_id: int) -> int:
    """Ask the city's translation server for a German translation of a new contribution, for staff.

    A failure is logged, not raised: staff can ask again with the button on the review page, which reports
    the reason. Returns 1 when a translation was stored.
    """
    from django.core.exceptions import ValidationError

    from . import services
    from .models import Contribution

    contribution = Contribution.objects.filter(pk=contribution_id).first()
    if contribution is None or not services.needs_machine_translation(contribution):
        return 0
    try:
        services.translate_contribution(contribution=contribution)
    except ValidationError as error:
        logger.warning("Machine translation of contribution %s failed: %s", contribution_id, " ".join(error.messages))
        return 0
    return 1
