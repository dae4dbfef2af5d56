"""One visible number per item: staff meet a contribution as "Contribution N" (its own number) in the
moderation queue, the work queue, the overview, the review page and the e-mails, never as the number of
its review row or as "#N"."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from teilhabe.participation import services
from tests.accounts.factories import AuthorityFactory

from .factories import ContributionFactory, ProcedureFactory, authority_staff, department_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def numbered():
    """Contributions whose review rows are numbered differently from themselves (a bundle's review in between)."""
    procedure = ProcedureFactory()
    department = department_admin()
    lead = authority_staff(AuthorityFactory(code="schools", name="Schulbehörde"))
    for title in ("Kitas", "Sprachkurse", "Wohnen"):
        pair = [ContributionFactory(procedure=procedure), ContributionFactory(procedure=procedure)]
        services.create_bundle(actor=department, procedure=procedure, title=title, contributions=pair)
    waiting = ContributionFactory(procedure=procedure, text="Mehr Sprachkurse am Abend")
    pending = ContributionFactory(procedure=procedure, moderation_state="pending", text="Noch nicht geprüft")
    # No contribution carries the number of these two review rows, so showing one would be caught.
    assert not {waiting.review.pk, pending.review.pk} & set(procedure.contributions.values_list("pk", flat=True))
    return {"department": department, "lead": lead, "waiting": waiting, "pending": pending}


def _numbers(html: str) -> set[str]:
    return set(re.findall(r"Contribution (\d+)", html)) | set(re.findall(r"#(\d+)", html))


def test_staff_pages_and_mails_show_the_contribution_number(client, numbered, django_capture_on_commit_callbacks):
    waiting, pending = numbered["waiting"], numbered["pending"]
    client.force_login(numbered["department"])

    moderation = client.get(reverse("participation:moderation_list")).content.decode()
    assert f"Contribution {pending.pk}" in moderation
    assert str(pending.review.pk) not in _numbers(moderation)

    queue = client.get(reverse("participation:work_queue")).content.decode()
    overview = client.get(reverse("participation:work_overview")).content.decode()
    review_page = client.get(waiting.review.get_absolute_url()).content.decode()
    for html in (queue, overview, review_page):
        assert f"Contribution {waiting.pk}" in html
        assert str(waiting.review.pk) not in _numbers(html)
    assert re.search(rf"<h1>Contribution {waiting.pk}\b", review_page)

    with django_capture_on_commit_callbacks(execute=True):
        services.assign_review(
            actor=numbered["department"], review=waiting.review, lead_authority=numbered["lead"].authority
        )
    # Staff mails are written in the site's default language (German): "Beitrag N".
    notice = next(message for message in mail.outbox if numbered["lead"].email in message.to)
    assert f"Beitrag {waiting.pk}" in notice.subject
    assert f"#{waiting.review.pk}" not in notice.body and f"Beitrag {waiting.review.pk}" not in notice.subject
