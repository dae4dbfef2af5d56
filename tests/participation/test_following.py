"""Double opt-in for every address residents give, following by e-mail and by Atom feed, the public browser.

Rules are tried the way someone would break them: mail to an address nobody confirmed, a forged or expired
link, a receipt feed read with a wrong token, a browser search for what is not published.
"""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone, translation

from teilhabe.participation import queries, services
from teilhabe.participation.models import Contribution, Registration, Subscription
from tests.monitoring.factories import IndicatorFactory

from .factories import ContributionFactory, EventFactory, ProcedureFactory, authority_staff, department_admin

JUSTIFICATION = "Die Stadt nimmt den Vorschlag auf und misst ihn mit dem Indikator."
DRAFT_TEXT = "INTERNAL-DRAFT Dieser Entwurf ist noch nicht freigegeben und bleibt intern."


@pytest.fixture
def people(db):
    return {"department": department_admin(), "lead": authority_staff()}


def _evaluate(people, contribution, indicator, *, publish: bool = True):
    review = contribution.review
    services.assign_review(actor=people["department"], review=review, lead_authority=people["lead"].authority)
    services.start_review(actor=people["lead"], review=review)
    services.draft_evaluation(
        actor=people["lead"],
        review=review,
        disposition="informs_indicator",
        justification=JUSTIFICATION if publish else DRAFT_TEXT,
        indicators=[indicator],
    )
    if publish:
        services.publish_evaluation(actor=people["department"], review=review)
    review.refresh_from_db()
    return review


def _correct(people, review, indicator, reason: str):
    services.publish_revision(
        actor=people["department"],
        review=review,
        disposition="informs_indicator",
        justification=JUSTIFICATION + " " + reason,
        reason=reason,
        indicators=[indicator],
    )


def _link(message, name: str) -> str:
    """The path of the participation link named `name` (address_confirm / address_remove) in an e-mail."""
    segment = {"address_confirm": "bestaetigen", "address_remove": "entfernen"}[name]
    match = re.search(rf"/beteiligung/adresse/{segment}/([^/\s]+)/", message.body)
    assert match, f"no {name} link in: {message.body}"
    return match.group(1)


# --- Double opt-in: nothing before confirmation ------------------------------------------------------------


def test_registration_gets_only_the_confirmation_until_confirmed(people, django_capture_on_commit_callbacks):
    # given an event with minutes and a fresh registration
    event = EventFactory(minutes="<p>Protokoll der Sitzung</p>")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register_participant(
            procedure=event.procedure,
            event=event,
            name="Ada",
            email="ada@example.org",
            wants_invitations=False,
            wants_minutes=True,
            has_consented=True,
        )
    # A registration records no language: its mails are written in the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        subject = translation.gettext("Please confirm your e-mail address")
    assert [(m.to, m.subject) for m in mail.outbox] == [(["ada@example.org"], subject)]
    confirmation = mail.outbox[0]
    mail.outbox.clear()
    # when the minutes are sent before the address is confirmed
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.send_minutes(actor=people["department"], event=event)
    # then nothing goes out
    assert queued == 0 and mail.outbox == []
    # when the owner confirms with the link from the mail, the minutes reach them with a link to stop
    services.confirm_address(token=_link(confirmation, "address_confirm"))
    registration.refresh_from_db()
    assert registration.email_confirmed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_minutes(actor=people["department"], event=event) == 1
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    services.remove_address(token=_link(mail.outbox[0], "address_remove"))
    assert not Registration.objects.filter(pk=registration.pk).exists()


def test_unconfirmed_contact_address_gets_no_publication_notice(people, django_capture_on_commit_callbacks):
    # given two contributions with contact addresses; only one owner confirms
    procedure = ProcedureFactory()
    indicator = IndicatorFactory()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = services.submit_online_contribution(
            procedure=procedure,
            kind="proposal",
            title="",
            text="Mehr Sprachkurse",
            language="de",
            contact_email="yes@example.org",
            has_consented=True,
        )
        unconfirmed = services.submit_online_contribution(
            procedure=procedure,
            kind="proposal",
            title="",
            text="Mehr Kitaplätze",
            language="de",
            contact_email="no@example.org",
            has_consented=True,
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["no@example.org", "yes@example.org"]
    services.confirm_address(
        token=_link(next(m for m in mail.outbox if m.to == ["yes@example.org"]), "address_confirm")
    )
    mail.outbox.clear()
    # when both are published and evaluated
    with django_capture_on_commit_callbacks(execute=True):
        for contribution in (confirmed, unconfirmed):
            services.moderate_contribution(actor=people["department"], contribution=contribution, publish=True)
            _evaluate(people, contribution, indicator)
    # then only the confirmed address is told (the authority notices go to staff)
    residents = sorted(a for m in mail.outbox for a in m.to if a in ("yes@example.org", "no@example.org"))
    assert residents == ["yes@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["yes@example.org"])
    # The link opens the receipt in the language of the contribution (and of the mail), German here.
    with translation.override("de"):
        receipt = confirmed.get_receipt_url()
    assert receipt in notice.body and "/adresse/entfernen/" in notice.body
    assert "/en/" not in notice.body


def test_forged_or_expired_links_are_refused_and_change_nothing(db, django_capture_on_commit_callbacks, monkeypatch):
    # given an unconfirmed subscription and its genuine confirmation token
    procedure = ProcedureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        subscription = services.subscribe(
            email="ada@example.org", language="en", has_consented=True, procedure=procedure
        )
    genuine = _link(mail.outbox[0], "address_confirm")
    other = services.subscribe(email="bo@example.org", language="en", has_consented=True, procedure=procedure)
    kind, ident, digest = signing.loads(genuine, salt=services.CONFIRM_SALT)
    forged = [
        genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB"),  # signature tampered with
        signing.dumps([kind, other.token, digest], salt="another-salt"),  # signed for something else
        signing.dumps([kind, other.token, digest], salt=services.REMOVE_SALT),  # a removal link used to confirm
        "not-a-token",
    ]
    # when each is tried, then each is refused
    for token in forged:
        with pytest.raises(services.LinkError):
            services.confirm_address(token=token)
    # and an expired genuine link is refused too
    later = timezone.now() + datetime.timedelta(days=services.CONFIRMATION_MAX_AGE_DAYS + 1)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    with pytest.raises(services.LinkError, match="expired"):
        services.confirm_address(token=genuine)
    # nothing changed
    assert list(Subscription.objects.order_by("pk").values_list("email", "confirmed_at")) == [
        ("ada@example.org", None),
        ("bo@example.org", None),
    ]
    assert subscription.pk and Subscription.objects.count() == 2


def test_a_link_dies_with_the_address_it_was_sent_to(db, django_capture_on_commit_callbacks):
    """After erasure the old confirmation link must not confirm whatever address the row holds next."""
    procedure = ProcedureFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribution = services.submit_online_contribution(
            procedure=procedure,
            kind="proposal",
            title="",
            text="Text",
            language="de",
            contact_email="ada@example.org",
            has_consented=True,
        )
    token = _link(mail.outbox[0], "address_confirm")
    Contribution.objects.filter(pk=contribution.pk).update(contact_email="eve@example.org")
    with pytest.raises(services.LinkError):
        services.confirm_address(token=token)
    contribution.refresh_from_db()
    assert contribution.contact_confirmed_at is None


def test_followers_hear_only_after_confirming_and_stop_with_the_link(people, django_capture_on_commit_callbacks):
    # given a procedure with a published contribution and a follower who has not confirmed yet
    indicator = IndicatorFactory()
    contribution = ContributionFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.subscribe(
            email="Follower@Example.org", language="en", has_consented=True, procedure=contribution.procedure
        )
        # asking twice sends no second mail
        services.subscribe(
            email="follower@example.org", language="en", has_consented=True, procedure=contribution.procedure
        )
    assert [m.to for m in mail.outbox] == [["follower@example.org"]]
    confirmation = mail.outbox[0]
    mail.outbox.clear()
    # when an evaluation is published, the unconfirmed follower gets nothing
    with django_capture_on_commit_callbacks(execute=True):
        review = _evaluate(people, contribution, indicator)
    assert "follower@example.org" not in [a for m in mail.outbox for a in m.to]
    # when they confirm, the next published correction reaches them with a link to stop
    services.confirm_address(token=_link(confirmation, "address_confirm"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _correct(people, review, indicator, "Zweite Fassung.")
    notices = [m for m in mail.outbox if m.to == ["follower@example.org"]]
    assert len(notices) == 1 and contribution.get_absolute_url() in notices[0].body
    # when they use the link to stop, the subscription is gone and nothing more arrives
    services.remove_address(token=_link(notices[0], "address_remove"))
    assert not Subscription.objects.exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _correct(people, review, indicator, "Dritte Fassung.")
    assert "follower@example.org" not in [a for m in mail.outbox for a in m.to]


def test_subscribing_needs_consent_and_a_valid_address(db):
    procedure = ProcedureFactory()
    with pytest.raises(services.ValidationError) as error:
        services.subscribe(email="not-an-address", language="de", has_consented=False, procedure=procedure)
    assert set(error.value.message_dict) == {"email", "consent"}
    assert not Subscription.objects.exists()


def test_a_hidden_contribution_cannot_be_followed(db):
    hidden = ContributionFactory(moderation_state="hidden", moderation_reason="Beleidigung")
    with pytest.raises(services.ValidationError):
        services.subscribe(email="ada@example.org", language="de", has_consented=True, contribution=hidden)
    assert not Subscription.objects.exists()


def test_erasure_removes_subscriptions(db):
    services.subscribe(email="ada@example.org", language="de", has_consented=True, procedure=ProcedureFactory())
    assert queries.list_personal_data("ADA@example.org")["subscriptions"][0]["email"] == "ada@example.org"
    services.erase_contact_data(email="Ada@example.org")
    assert not Subscription.objects.exists()


def test_opening_a_confirmation_link_does_not_confirm_until_the_button_is_pressed(client, db):
    """Mail scanners open links: a GET shows the question, only the POST confirms."""
    subscription = services.subscribe(
        email="ada@example.org", language="de", has_consented=True, procedure=ProcedureFactory()
    )
    url = reverse(
        "participation:address_confirm",
        kwargs={"token": services.address_link_token(subscription, purpose="confirm")},
    )
    assert client.get(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is None
    assert client.get(url[:-5] + "xxxx/").status_code == 404
    assert client.post(url).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None


# --- Feeds ----------------------------------------------------------------------------------------------


def test_private_feed_refuses_a_wrong_token(client, db):
    contribution = ContributionFactory()
    wrong = contribution.receipt_token[:-1] + ("a" if contribution.receipt_token[-1] != "a" else "b")
    response = client.get(reverse("participation:contribution_receipt_feed", kwargs={"token": wrong}))
    assert response.status_code == 404
    response = client.get(contribution.get_receipt_url() + "feed/")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert response["Cache-Control"] == "private, no-store"


def test_feeds_show_nothing_unpublished(client, people):
    # given a published evaluation, a draft in review, an unmoderated and a hidden contribution
    indicator = IndicatorFactory()
    published = ContributionFactory(text="PUBLIC-CONTRIBUTION Sprachkurse", moderated_at=timezone.now())
    procedure = published.procedure
    _evaluate(people, published, indicator)
    drafted = ContributionFactory(procedure=procedure, text="SECOND-CONTRIBUTION Spielplätze")
    _evaluate(people, drafted, indicator, publish=False)
    ContributionFactory(procedure=procedure, moderation_state="pending", text="PENDING-CONTRIBUTION geheim")
    ContributionFactory(
        procedure=procedure, moderation_state="hidden", moderation_reason="Name", text="HIDDEN-CONTRIBUTION"
    )
    feeds = {
        "procedure": client.get(reverse("participation:procedure_feed", kwargs={"slug": procedure.slug})),
        "indicator": client.get(reverse("participation:indicator_feed", kwargs={"code": indicator.code})),
        "own drafted": client.get(drafted.get_receipt_url() + "feed/"),
    }
    for name, response in feeds.items():
        body = response.content.decode()
        assert response.status_code == 200, name
        for withheld in ("INTERNAL-DRAFT", "PENDING-CONTRIBUTION", "HIDDEN-CONTRIBUTION", "@example.org"):
            assert withheld not in body, (name, withheld)
    assert "PUBLIC-CONTRIBUTION" in feeds["procedure"].content.decode()
    assert JUSTIFICATION in feeds["indicator"].content.decode()
    assert "Handed to" in feeds["own drafted"].content.decode()


# --- The public browser ----------------------------------------------------------------------------------


def test_browser_never_lists_unpublished_contributions_or_contact_data(client, db):
    procedure = ProcedureFactory()
    ContributionFactory(
        procedure=procedure, text="Sprachkurse PUBLIC", contact_email="c@example.org", contact_consent_at=timezone.now()
    )
    ContributionFactory(procedure=procedure, text="Sprachkurse PENDING", moderation_state="pending")
    ContributionFactory(
        procedure=procedure, text="Sprachkurse HIDDEN", moderation_state="hidden", moderation_reason="Name"
    )
    response = client.get(reverse("participation:contribution_browse"), {"q": "Sprachkurse"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "PUBLIC" in body and "PENDING" not in body and "HIDDEN" not in body and "c@example.org" not in body


def test_browser_names_the_bad_filter(client, db):
    ContributionFactory(text="Sprachkurse")
    response = client.get(reverse("participation:contribution_browse"), {"kind": "nonsense"})
    assert response.status_code == 400
    assert response.context["form"].errors.keys() == {"kind"}
    assert "Sprachkurse" in response.content.decode()  # the other filters still apply: here none
