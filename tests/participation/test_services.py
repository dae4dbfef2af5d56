"""Services of participation: the review workflow's invariants, moderation, bundles, events, personal data."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.utils import timezone, translation

from teilhabe.participation import services
from teilhabe.participation.models import (
    Bundle,
    Contribution,
    Evaluation,
    EventAttachment,
    Opinion,
    Registration,
    Review,
    TransitionLog,
)
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, IndicatorFactory, MeasureFactory

from .factories import (
    ContributionFactory,
    EventFactory,
    ProcedureFactory,
    StakeholderGroupFactory,
    authority_staff,
    department_admin,
    moderator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    lead = AuthorityFactory(code="schools", name="School authority", email="schools@example.org")
    co = AuthorityFactory(code="social", name="Social authority")
    other = AuthorityFactory(code="housing", name="Housing authority")
    return {
        "department": department_admin(),
        "lead": authority_staff(lead),
        "co": authority_staff(co),
        "outsider": authority_staff(other),
        "lead_authority": lead,
        "co_authority": co,
        "moderator": moderator(),
    }


def _assigned(people, contribution=None):
    contribution = contribution or ContributionFactory()
    review = contribution.review
    services.assign_review(
        actor=people["department"],
        review=review,
        lead_authority=people["lead_authority"],
        co_authorities=[people["co_authority"]],
    )
    return review


JUSTIFICATION_TAKEN_UP = "Wir bauen das Angebot aus, mit Kinderbetreuung in allen Bezirken."
JUSTIFICATION_NEW = "Neu: das Angebot besteht bereits in allen Bezirken der Stadt."


def _drafted(people, contribution=None, **links):
    review = _assigned(people, contribution)
    services.start_review(actor=people["lead"], review=review)
    links.setdefault("measures", [MeasureFactory()])
    services.draft_evaluation(
        actor=people["lead"],
        review=review,
        disposition="taken_up_as_measure",
        justification=JUSTIFICATION_TAKEN_UP,
        **links,
    )
    return review


def _log(review):
    return list(
        TransitionLog.objects.filter(review=review)
        .order_by("pk")
        .values_list("actor__username", "actor_kind", "action", "from_state", "to_state", "comment")
    )


# --- The full path and its log ------------------------------------------------------------------------


def test_full_review_is_logged_step_by_step(people, django_capture_on_commit_callbacks):
    """received → assigned → in review → drafted → published, every step in the log with who and what."""
    # given
    contribution = ContributionFactory(
        contact_email="resident@example.org", contact_consent_at=timezone.now(), contact_confirmed_at=timezone.now()
    )
    review = contribution.review
    measure, indicator = MeasureFactory(), IndicatorFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        _drafted(people, contribution, measures=[measure], indicators=[indicator])
        services.add_opinion(actor=people["co"], review=review, text="Wir unterstützen das.")
        evaluation = services.publish_evaluation(actor=people["department"], review=review, comment="Freigabe")
    # then
    review.refresh_from_db()
    assert review.state == "published"
    assert review.published_evaluation == evaluation
    assert evaluation.revision == 1 and evaluation.published_by == people["department"]
    assert list(evaluation.measures.all()) == [measure]
    assert list(evaluation.indicators.all()) == [indicator]
    d, lead, co = (people[k].username for k in ("department", "lead", "co"))
    assert _log(review) == [
        (d, "department", "assign", "received", "assigned", ""),
        (lead, "lead_authority", "start_review", "assigned", "in_review", ""),
        (lead, "lead_authority", "draft", "in_review", "drafted", ""),
        (co, "co_authority", "add_opinion", "drafted", "drafted", ""),
        (d, "department", "publish", "drafted", "published", "Freigabe"),
    ]
    # an assignment notice to the lead and the co-authority, and the contributor's notice (with consent)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert "resident@example.org" in recipients
    assert "schools@example.org" in recipients
    assert people["lead"].email in recipients and people["co"].email in recipients
    assert people["outsider"].email not in recipients


def test_no_notice_without_consent(people, django_capture_on_commit_callbacks):
    contribution = ContributionFactory()
    review = _drafted(people, contribution)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_evaluation(actor=people["department"], review=review)
    assert mail.outbox == []


# --- Refusals change nothing ------------------------------------------------------------------------


def test_authority_staff_cannot_publish(people):
    """Only the department publishes; the lead's attempt is refused and the draft stays a draft."""
    review = _drafted(people)
    log_before = _log(review)
    with pytest.raises(services.ReviewError, match="is not yours to do"):
        services.publish_evaluation(actor=people["lead"], review=review)
    review.refresh_from_db()
    assert review.state == "drafted" and review.published_evaluation is None
    assert not Evaluation.objects.filter(published_at__isnull=False).exists()
    assert _log(review) == log_before


def test_no_publication_without_a_drafted_justification(people):
    review = _assigned(people)
    with pytest.raises(services.ReviewError):
        services.publish_evaluation(actor=people["department"], review=review)
    review.refresh_from_db()
    assert review.state == "assigned"
    assert not Evaluation.objects.exists()


@pytest.mark.parametrize("justification", ["", "   \n "], ids=["empty", "blank"])
def test_no_draft_without_justification(people, justification):
    review = _assigned(people)
    services.start_review(actor=people["lead"], review=review)
    with pytest.raises(ValidationError) as caught:
        services.draft_evaluation(
            actor=people["lead"], review=review, disposition="declined", justification=justification
        )
    assert "justification" in caught.value.message_dict
    review.refresh_from_db()
    assert review.state == "in_review" and not Evaluation.objects.exists()


def test_unknown_disposition_is_refused(people):
    review = _assigned(people)
    services.start_review(actor=people["lead"], review=review)
    with pytest.raises(ValidationError) as caught:
        services.draft_evaluation(actor=people["lead"], review=review, disposition="maybe", justification="x")
    assert caught.value.message_dict["disposition"] == ["Choose one of the dispositions offered."]


@pytest.mark.parametrize("who", ["outsider", "moderator"])
def test_other_authority_cannot_see_or_act(people, who):
    """Staff of an authority not assigned (and moderators) are refused at every step; nothing changes."""
    review = _assigned(people)
    actor = people[who]
    log_before = _log(review)
    for call in (
        lambda: services.start_review(actor=actor, review=review),
        lambda: services.add_opinion(actor=actor, review=review, text="Meinung"),
        lambda: services.draft_evaluation(actor=actor, review=review, disposition="declined", justification="x"),
        lambda: services.return_for_rework(actor=actor, review=review, comment="x"),
    ):
        with pytest.raises(PermissionDenied):
            call()
    review.refresh_from_db()
    assert review.state == "assigned"
    assert _log(review) == log_before
    assert not Opinion.objects.exists() and not Evaluation.objects.exists()


def test_co_authority_cannot_draft(people):
    review = _assigned(people)
    services.start_review(actor=people["lead"], review=review)
    with pytest.raises(services.ReviewError, match="is not yours to do"):
        services.draft_evaluation(actor=people["co"], review=review, disposition="declined", justification="x")
    assert not Evaluation.objects.exists()


def test_reassignment_needs_a_reason(people):
    review = _assigned(people)
    other = AuthorityFactory(code="health")
    with pytest.raises(services.ReviewError, match="needs a reason"):
        services.assign_review(actor=people["department"], review=review, lead_authority=other)
    review.refresh_from_db()
    assert review.assignment.lead_authority == people["lead_authority"]
    assert review.assignments.count() == 1


def test_reassignment_moves_the_item(people):
    review = _assigned(people)
    services.start_review(actor=people["lead"], review=review)
    health = AuthorityFactory(code="health")
    services.assign_review(
        actor=people["department"], review=review, lead_authority=health, reason="Gesundheit ist zuständig."
    )
    review.refresh_from_db()
    assert review.state == "assigned" and review.assignment.lead_authority == health
    assert review.assignment.reason == "Gesundheit ist zuständig."
    # the former lead may no longer act
    with pytest.raises(PermissionDenied):
        services.start_review(actor=people["lead"], review=review)


def test_return_for_rework_needs_a_reason_and_goes_back(people):
    review = _drafted(people)
    with pytest.raises(services.ReviewError, match="needs a reason"):
        services.return_for_rework(actor=people["department"], review=review, comment="")
    services.return_for_rework(actor=people["department"], review=review, comment="Bitte konkreter.")
    review.refresh_from_db()
    assert review.state == "in_review"


def test_redrafting_replaces_the_unpublished_draft(people):
    review = _drafted(people)
    services.draft_evaluation(
        actor=people["lead"], review=review, disposition="declined", justification=JUSTIFICATION_NEW
    )
    assert list(Evaluation.objects.values_list("revision", "disposition", "justification")) == [
        (1, "declined", JUSTIFICATION_NEW)
    ]


# --- Corrections keep the earlier text ---------------------------------------------------------------


def test_correction_keeps_the_earlier_text(people):
    review = _drafted(people)
    first = services.publish_evaluation(actor=people["department"], review=review)
    second = services.publish_revision(
        actor=people["department"],
        review=review,
        disposition="already_in_place",
        justification="Das Angebot gibt es schon: die Bücherhallen bieten es an.",
        reason="Fehler korrigiert.",
    )
    review.refresh_from_db()
    first.refresh_from_db()
    assert review.published_evaluation == second
    assert (second.revision, second.revision_reason) == (2, "Fehler korrigiert.")
    assert (first.justification, first.disposition) == (JUSTIFICATION_TAKEN_UP, "taken_up_as_measure")
    assert first.published_at is not None
    assert _log(review)[-1][2:] == ("publish_revision", "published", "published", "Fehler korrigiert.")


def test_correction_needs_a_reason(people):
    review = _drafted(people)
    services.publish_evaluation(actor=people["department"], review=review)
    with pytest.raises(services.ReviewError, match="needs a reason"):
        services.publish_revision(
            actor=people["department"],
            review=review,
            disposition="declined",
            justification=JUSTIFICATION_NEW,
            reason=" ",
        )
    assert Evaluation.objects.count() == 1


def test_published_evaluation_cannot_be_redrafted(people):
    review = _drafted(people)
    services.publish_evaluation(actor=people["department"], review=review)
    with pytest.raises(services.ReviewError, match="is not possible while the item is"):
        services.draft_evaluation(actor=people["lead"], review=review, disposition="declined", justification="x")
    assert Evaluation.objects.get().justification == JUSTIFICATION_TAKEN_UP


# --- The log is append-only ----------------------------------------------------------------------------


def test_transition_log_cannot_be_changed_or_deleted(people):
    review = _assigned(people)
    entry = TransitionLog.objects.get(review=review)
    entry.comment = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        TransitionLog.objects.filter(pk=entry.pk).update(comment="rewritten")
    with pytest.raises(PermissionError):
        TransitionLog.objects.filter(pk=entry.pk).delete()
    assert TransitionLog.objects.get(pk=entry.pk).comment == ""


# --- Bulk assignment ---------------------------------------------------------------------------------


def test_bulk_assignment_is_all_or_nothing(people):
    fresh = [ContributionFactory().review for _ in range(2)]
    already = _assigned(people)
    with pytest.raises(ValidationError, match="already further along"):
        services.bulk_assign_reviews(
            actor=people["department"], reviews=[*fresh, already], lead_authority=people["co_authority"]
        )
    assert [Review.objects.get(pk=r.pk).state for r in fresh] == ["received", "received"]
    assert (
        services.bulk_assign_reviews(actor=people["department"], reviews=fresh, lead_authority=people["co_authority"])
        == 2
    )
    assert set(Review.objects.filter(pk__in=[r.pk for r in fresh]).values_list("state", flat=True)) == {"assigned"}


def test_bulk_assignment_is_the_departments(people):
    review = ContributionFactory().review
    with pytest.raises(PermissionDenied):
        services.bulk_assign_reviews(actor=people["lead"], reviews=[review], lead_authority=people["lead_authority"])
    assert Review.objects.get(pk=review.pk).state == "received"


# --- Bundles --------------------------------------------------------------------------------------------


def test_bundle_keeps_members_and_is_evaluated_once(people):
    procedure = ProcedureFactory()
    area = AreaOfActionFactory(edition=procedure.edition)
    members = [ContributionFactory(procedure=procedure, areas=[area]) for _ in range(3)]
    bundle = services.create_bundle(
        actor=people["department"], procedure=procedure, title="Mehr Kita-Plätze", contributions=members
    )
    assert sorted(bundle.members.values_list("pk", flat=True)) == [m.pk for m in members]
    assert set(Review.objects.filter(contribution__in=members).values_list("state", flat=True)) == {"bundled"}
    assert list(bundle.areas.all()) == [area]
    assert Contribution.objects.filter(pk__in=[m.pk for m in members]).count() == 3
    # evaluated once for all
    review = _drafted(people, contribution=None) if False else bundle.review
    services.assign_review(actor=people["department"], review=review, lead_authority=people["lead_authority"])
    services.start_review(actor=people["lead"], review=review)
    services.draft_evaluation(
        actor=people["lead"],
        review=review,
        disposition="informs_indicator",
        justification="Fließt in den Indikator ein, der die Kita-Plätze misst.",
        indicators=[IndicatorFactory()],
    )
    services.publish_evaluation(actor=people["department"], review=review)
    assert Evaluation.objects.count() == 1


def test_contribution_with_a_draft_cannot_join_a_bundle(people):
    drafted = _drafted(people).contribution
    with pytest.raises(ValidationError, match="already has an evaluation"):
        services.create_bundle(
            actor=people["department"], procedure=drafted.procedure, title="Thema", contributions=[drafted]
        )
    assert not Bundle.objects.exists()
    assert Review.objects.get(contribution=drafted).state == "drafted"


def test_contribution_of_another_procedure_cannot_join(people):
    mine, foreign = ContributionFactory(), ContributionFactory()
    with pytest.raises(ValidationError, match="belongs to another procedure"):
        services.create_bundle(
            actor=people["department"], procedure=mine.procedure, title="Thema", contributions=[mine, foreign]
        )
    assert not Bundle.objects.exists() and Contribution.objects.filter(bundle__isnull=False).count() == 0


def test_only_the_department_bundles(people):
    contribution = ContributionFactory()
    with pytest.raises(PermissionDenied):
        services.create_bundle(
            actor=people["lead"], procedure=contribution.procedure, title="x", contributions=[contribution]
        )
    assert not Bundle.objects.exists()


def test_removing_from_a_bundle_returns_the_item(people):
    members = [ContributionFactory(procedure=ProcedureFactory(slug="p")) for _ in range(2)]
    services.create_bundle(
        actor=people["department"], procedure=members[0].procedure, title="Thema", contributions=members
    )
    contribution = Contribution.objects.select_related("review").get(pk=members[0].pk)
    services.remove_from_bundle(actor=people["department"], contribution=contribution, reason="Anderes Thema.")
    contribution.refresh_from_db()
    assert contribution.bundle is None
    assert contribution.review.state == "received"
    assert _log(contribution.review)[-1][2:] == ("unbundle", "bundled", "received", "Anderes Thema.")


# --- Contributions and moderation ---------------------------------------------------------------------


def test_online_contribution_is_anonymous_and_pending():
    procedure = ProcedureFactory()
    contribution = services.submit_online_contribution(
        procedure=procedure, kind="proposal", title="", text="  Mehr Sprachcafés  ", language="de"
    )
    assert contribution.text == "Mehr Sprachcafés"
    assert contribution.moderation_state == "pending" and contribution.source == "online_form"
    assert contribution.contact_email == "" and contribution.contact_consent_at is None
    assert contribution.review.state == "received"
    assert len(contribution.receipt_token) == 32


def test_online_contribution_keeps_email_only_with_consent():
    procedure = ProcedureFactory()
    with pytest.raises(ValidationError) as caught:
        services.submit_online_contribution(
            procedure=procedure,
            kind="proposal",
            title="",
            text="Text",
            language="de",
            contact_email="a@example.org",
            has_consented=False,
        )
    assert "consent" in caught.value.message_dict
    assert not Contribution.objects.exists()
    contribution = services.submit_online_contribution(
        procedure=procedure,
        kind="proposal",
        title="",
        text="Text",
        language="de",
        contact_email="a@example.org",
        has_consented=True,
    )
    assert contribution.contact_consent_at is not None
    assert contribution.consent_wording_version == services.CONSENT_WORDING_VERSION


@pytest.mark.parametrize(
    ("label", "arguments", "field"),
    [
        ("empty text", {"text": "   "}, "text"),
        ("too long text", {"text": "x" * 4001}, "text"),
        ("too long title", {"title": "t" * 201}, "title"),
    ],
)
def test_online_contribution_bad_input(label, arguments, field):
    procedure = ProcedureFactory()
    values = {"kind": "proposal", "title": "", "text": "Text", "language": "de", **arguments}
    with pytest.raises(ValidationError) as caught:
        services.submit_online_contribution(procedure=procedure, **values)
    assert field in caught.value.message_dict
    assert not Contribution.objects.exists() and not Review.objects.exists()


def test_closed_procedure_refuses_online_contributions():
    procedure = ProcedureFactory(is_open_for_contributions=False)
    with pytest.raises(ValidationError, match="does not take online contributions"):
        services.submit_online_contribution(procedure=procedure, kind="proposal", title="", text="x", language="de")
    assert not Contribution.objects.exists()


def test_areas_of_another_edition_are_refused():
    procedure = ProcedureFactory()
    foreign = AreaOfActionFactory()
    with pytest.raises(ValidationError) as caught:
        services.submit_online_contribution(
            procedure=procedure, kind="proposal", title="", text="x", language="de", areas=[foreign]
        )
    assert "areas" in caught.value.message_dict
    assert not Contribution.objects.exists()


def test_hiding_needs_a_reason_and_keeps_the_original(people):
    contribution = ContributionFactory(moderation_state="pending", text="<script>alert(1)</script> Original")
    with pytest.raises(ValidationError):
        services.moderate_contribution(actor=people["department"], contribution=contribution, publish=False)
    services.moderate_contribution(
        actor=people["department"], contribution=contribution, publish=False, reason="Beleidigend."
    )
    contribution.refresh_from_db()
    assert (contribution.moderation_state, contribution.moderation_reason) == ("hidden", "Beleidigend.")
    assert contribution.text == "<script>alert(1)</script> Original"


def test_moderator_moderates_only_own_events(people):
    mine = EventFactory(moderators=[people["moderator"]])
    theirs = EventFactory(procedure=mine.procedure)
    own = ContributionFactory(procedure=mine.procedure, event=mine, source="event", moderation_state="pending")
    other = ContributionFactory(procedure=mine.procedure, event=theirs, source="event", moderation_state="pending")
    services.moderate_contribution(actor=people["moderator"], contribution=own, publish=True)
    with pytest.raises(PermissionDenied):
        services.moderate_contribution(actor=people["moderator"], contribution=other, publish=True)
    assert Contribution.objects.get(pk=other.pk).moderation_state == "pending"


def test_moderator_records_only_at_own_events(people):
    mine = EventFactory(moderators=[people["moderator"]])
    theirs = EventFactory(procedure=mine.procedure)
    contribution = services.record_contribution(
        actor=people["moderator"],
        procedure=mine.procedure,
        event=mine,
        kind="statement",
        title="",
        text="Es fehlen Dolmetscher.",
        language="de",
        source="event",
    )
    assert contribution.moderation_state == "published" and contribution.recorded_by == people["moderator"]
    with pytest.raises(PermissionDenied):
        services.record_contribution(
            actor=people["moderator"],
            procedure=mine.procedure,
            event=theirs,
            kind="statement",
            title="",
            text="x",
            language="de",
            source="event",
        )
    with pytest.raises(PermissionDenied):
        services.record_contribution(
            actor=people["moderator"],
            procedure=mine.procedure,
            event=None,
            kind="statement",
            title="",
            text="x",
            language="de",
            source="letter",
        )
    assert Contribution.objects.count() == 1


# --- Events -------------------------------------------------------------------------------------------


def test_event_minutes_are_sanitised_and_moderator_is_assigned(people):
    procedure = ProcedureFactory()
    group = StakeholderGroupFactory()
    event = services.create_event(
        actor=people["moderator"],
        procedure=procedure,
        stakeholder_groups=[group],
        attendance={group: 12},
        title_de="Workshop",
        held_on=datetime.date(2016, 11, 2),
        format="workshop",
        minutes='<p onclick="x()">Gut</p><script>alert(1)</script>',
        languages=["de", "AR"],
    )
    assert event.minutes == "<p>Gut</p>"
    assert event.languages == ["de", "ar"]
    assert list(event.moderators.all()) == [people["moderator"]]
    assert list(event.attendances.values_list("stakeholder_group__code", "count")) == [(group.code, 12)]


def test_moderator_cannot_edit_someone_elses_event(people):
    event = EventFactory()
    with pytest.raises(PermissionDenied):
        services.update_event(actor=people["moderator"], event=event, title_de="Neu")
    event.refresh_from_db()
    assert event.title != "Neu"


def test_bad_language_code_is_refused(people):
    with pytest.raises(ValidationError) as caught:
        services.create_event(
            actor=people["department"],
            procedure=ProcedureFactory(),
            title_de="W",
            held_on=datetime.date(2016, 1, 1),
            format="workshop",
            languages=["<b>"],
        )
    assert "languages" in caught.value.message_dict


def test_attachments_are_checked_by_content(people):
    event = EventFactory()
    fake = SimpleUploadedFile("protokoll.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.add_event_attachment(actor=people["department"], event=event, title="Protokoll", upload=fake)
    assert caught.value.message_dict["file"] == ["The content of protokoll.pdf is not a PDF file."]
    assert not EventAttachment.objects.exists()
    real = SimpleUploadedFile("protokoll.pdf", one_page_pdf(), content_type="application/pdf")
    attachment = services.add_event_attachment(actor=people["department"], event=event, title="Protokoll", upload=real)
    assert attachment.file_type == "pdf"


def one_page_pdf(prefix: bytes = b"") -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    content = buffer.getvalue()
    return content[:9] + prefix + content[9:]  # after "%PDF-1.x\n", where a polyglot puts its page


def test_a_pdf_html_polyglot_is_refused(people):
    """A real PDF whose first bytes also make an HTML page (a browser sniffing it would run the script)."""
    event = EventFactory()
    polyglot = one_page_pdf(b"<html><body><script>alert(document.cookie)</script></body></html>\n")
    upload = SimpleUploadedFile("protokoll.pdf", polyglot, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.add_event_attachment(actor=people["department"], event=event, title="Protokoll", upload=upload)
    assert caught.value.message_dict["file"] == ["protokoll.pdf contains HTML at its start; a PDF file must not."]
    assert not EventAttachment.objects.exists()


def test_a_pdf_that_only_starts_like_one_is_refused(people):
    event = EventFactory()
    upload = SimpleUploadedFile("protokoll.pdf", b"%PDF-1.7\n<p>not a pdf</p>", content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        services.add_event_attachment(actor=people["department"], event=event, title="Protokoll", upload=upload)
    assert caught.value.message_dict["file"] == ["protokoll.pdf is not a readable PDF file."]
    assert not EventAttachment.objects.exists()


# --- Personal data -----------------------------------------------------------------------------------


def test_erasure_removes_the_address_everywhere_but_keeps_the_contribution():
    procedure = ProcedureFactory()
    contribution = services.submit_online_contribution(
        procedure=procedure,
        kind="proposal",
        title="",
        text="Mein Vorschlag",
        language="de",
        contact_email="Person@Example.org",
        has_consented=True,
    )
    Registration.objects.create(
        procedure=procedure,
        name="P",
        email="person@example.org",
        consent_given_at=timezone.now(),
        consent_wording_version="x",
    )
    changed = services.erase_contact_data(email="person@example.org")
    assert changed == 2
    contribution.refresh_from_db()
    assert contribution.text == "Mein Vorschlag" and contribution.contact_email == ""
    assert not Contribution.history.filter(contact_email__iexact="person@example.org").exists()
    assert not Registration.objects.exists()


def test_review_reminders_go_to_authorities_with_overdue_items(people, settings, django_capture_on_commit_callbacks):
    settings.TEILHABE_REVIEW_DEADLINE_DAYS = 10
    review = _assigned(people)
    Review.objects.filter(pk=review.pk).update(created_at=timezone.now() - datetime.timedelta(days=11))
    _assigned(people)  # a fresh one: not overdue
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_review_reminders() == 1
    assert len({m.subject for m in mail.outbox}) == 1
    # Staff e-mails are written in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        expected = render_to_string("participation/email/overdue_reminder_subject.txt", {"items": [review]}).strip()
        # The item by the one number staff see everywhere ("Beitrag 12"), the contribution's own.
        label = translation.gettext("Contribution %(number)d") % {"number": review.contribution_id}
    assert mail.outbox[0].subject == expected
    assert label in mail.outbox[0].body and review.get_absolute_url() in mail.outbox[0].body
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(["schools@example.org", people["lead"].email])
