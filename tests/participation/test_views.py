"""Participation pages: public pages, the online form and receipt, and the staff work pages."""

import pytest
from django.test import Client
from django.urls import reverse

from teilhabe.participation import services
from teilhabe.participation.models import Contribution, Evaluation, Review, TransitionLog
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    MeasureFactory,
)

from .factories import (
    ContributionFactory,
    EventFactory,
    ProcedureFactory,
    authority_staff,
    department_admin,
    evaluate,
    moderator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def procedure():
    return ProcedureFactory(slug="konzept", edition=EditionFactory(code="e2017", is_current=True))


@pytest.fixture
def staff():
    schools, housing = AuthorityFactory(code="schools"), AuthorityFactory(code="housing")
    return {"department": department_admin(), "schools": authority_staff(schools), "housing": authority_staff(housing)}


def _submit(client, procedure, **data):
    values = {"kind": "proposal", "title": "", "text": "Mehr Sprachcafés im Quartier", "language": "de", **data}
    return client.post(reverse("participation:contribution_create", kwargs={"slug": procedure.slug}), values)


# --- The online form and the receipt ------------------------------------------------------------------------


def test_form_renders_labels_and_csrf(client, procedure):
    response = client.get(f"/en/beteiligung/{procedure.slug}/mitmachen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_text">Your contribution' in html
    assert "<legend>What kind of contribution is it?</legend>" in html
    assert '<div class="honeypot">' in html


def test_submitting_shows_the_receipt_with_the_current_state(client, procedure):
    response = _submit(client, procedure)
    contribution = Contribution.objects.get()
    receipt = contribution.get_receipt_url()
    assert receipt == f"/en/beteiligung/beitrag/{contribution.receipt_token}/"
    assert response.status_code == 302 and response["Location"] == receipt
    page = client.get(receipt)
    html = page.content.decode()
    assert "Received – it will be published after a short check." in html
    assert f"http://testserver{receipt}" in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]


def test_receipt_follows_the_item_to_its_evaluation_and_indicator(client, procedure, staff):
    """Published, reviewed, evaluated: the receipt shows each state and finally the links into monitoring."""
    _submit(client, procedure, contact_email="ada@example.org", consent="on")
    contribution = Contribution.objects.get()
    receipt = contribution.get_receipt_url()
    services.moderate_contribution(actor=staff["department"], contribution=contribution, publish=True)
    assert "Published – waiting to be handed to the competent authority." in client.get(receipt).content.decode()
    review = contribution.review
    services.assign_review(actor=staff["department"], review=review, lead_authority=staff["schools"].authority)
    assert "Published – being reviewed by" in client.get(receipt).content.decode()
    indicator = IndicatorVersionFactory(
        edition=procedure.edition, area__edition=procedure.edition, title="Kinder in Kitas"
    ).indicator
    measure = MeasureFactory(title="Sprachcafés")
    services.start_review(actor=staff["schools"], review=review)
    services.draft_evaluation(
        actor=staff["schools"],
        review=review,
        disposition="taken_up_as_measure",
        justification="Wir eröffnen zwei Sprachcafés in den Bücherhallen des Bezirks.",
        indicators=[indicator],
        measures=[measure],
    )
    assert "Published – being reviewed by" in client.get(receipt).content.decode()  # a draft is not public
    services.publish_evaluation(actor=staff["department"], review=review)
    html = client.get(receipt).content.decode()
    assert "Evaluated – the evaluation is published below." in html
    assert "Wir eröffnen zwei Sprachcafés in den Bücherhallen des Bezirks." in html
    assert f'href="{measure.get_absolute_url()}">Sprachcafés</a>' in html
    assert f'href="{indicator.get_absolute_url()}">{indicator.code} Kinder in Kitas</a>' in html
    assert "No assessment possible" in html
    assert "ada@example.org" not in html


def test_receipt_of_a_hidden_contribution_gives_the_reason(client, procedure, staff):
    _submit(client, procedure)
    contribution = Contribution.objects.get()
    services.moderate_contribution(
        actor=staff["department"], contribution=contribution, publish=False, reason="Enthält Namen Dritter."
    )
    html = client.get(contribution.get_receipt_url()).content.decode()
    assert "Not published." in html and "Enthält Namen Dritter." in html


def test_unknown_receipt_is_not_found(client):
    assert client.get("/beteiligung/beitrag/does-not-exist/").status_code == 404


@pytest.mark.parametrize(
    ("label", "data", "field"),
    [
        ("empty", {"text": ""}, "text"),
        ("too long", {"text": "x" * 4001}, "text"),
        ("wrong kind", {"kind": 7}, "kind"),
        ("wrong area", {"areas": "abc"}, "areas"),
        ("e-mail without consent", {"contact_email": "a@example.org"}, "consent"),
        ("honeypot", {"website": "spam"}, "website"),
    ],
)
def test_bad_input_changes_nothing_and_is_shown_by_the_field(client, procedure, label, data, field):
    response = _submit(client, procedure, **data)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not Contribution.objects.exists() and not Review.objects.exists()


def test_script_is_stored_as_written_and_shown_inert(client, procedure, staff):
    _submit(client, procedure, text='<script>alert("x")</script> Mehr Kitas', title="<b>Titel</b>")
    contribution = Contribution.objects.get()
    assert contribution.text == '<script>alert("x")</script> Mehr Kitas'
    services.moderate_contribution(actor=staff["department"], contribution=contribution, publish=True)
    for url in (contribution.get_receipt_url(), contribution.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<b>Titel</b>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Mehr Kitas" in html
        assert "&lt;b&gt;Titel&lt;/b&gt;" in html


def test_contribution_text_carries_its_language_and_direction(client, procedure):
    contribution = ContributionFactory(procedure=procedure, language="ar", text="نحتاج دورات لغة")
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert '<p class="contribution-text" lang="ar" dir="rtl">نحتاج دورات لغة</p>' in html


def test_csrf_is_required(procedure):
    client = Client(enforce_csrf_checks=True)
    assert _submit(client, procedure).status_code == 403
    assert not Contribution.objects.exists()


def test_rate_limit_blocks_after_twenty_posts(client, procedure):
    for _ in range(20):
        assert _submit(client, procedure, text="").status_code == 400
    assert _submit(client, procedure).status_code == 429
    assert not Contribution.objects.exists()


def test_closed_procedure_has_no_form(client, procedure):
    procedure.is_open_for_contributions = False
    procedure.save()
    assert client.get(reverse("participation:contribution_create", kwargs={"slug": procedure.slug})).status_code == 403
    assert _submit(client, procedure).status_code == 403
    assert not Contribution.objects.exists()


# --- Public pages -------------------------------------------------------------------------------------


def test_only_published_contributions_are_public(client, procedure):
    published = ContributionFactory(procedure=procedure, text="Öffentlich sichtbar")
    pending = ContributionFactory(procedure=procedure, moderation_state="pending", text="Noch in Prüfung")
    hidden = ContributionFactory(
        procedure=procedure, moderation_state="hidden", moderation_reason="Spam", text="Versteckt"
    )
    assert client.get(published.get_absolute_url()).status_code == 200
    assert client.get(pending.get_absolute_url()).status_code == 404
    assert client.get(hidden.get_absolute_url()).status_code == 404
    html = client.get(
        reverse("participation:documentation_area", kwargs={"slug": procedure.slug, "area": "ohne"})
    ).content.decode()
    assert "Öffentlich sichtbar" in html
    assert "Noch in Prüfung" not in html and "Versteckt" not in html


def test_procedure_and_event_pages(client, procedure):
    district = GeographyFactory(code="nord", name="Nord", level="district", parent=GeographyFactory())
    event = EventFactory(
        procedure=procedure, title="Stadtteilkonferenz Nord", district=district, minutes="<p>Protokoll</p>"
    )
    ContributionFactory(procedure=procedure, event=event, source="event", text="Mehr Bänke im Park")
    html = client.get(procedure.get_absolute_url()).content.decode()
    assert "Stadtteilkonferenz Nord" in html and ">1<" in html
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Mehr Bänke im Park" in html and "<p>Protokoll</p>" in html and "Nord" in html


def test_bundle_page_shows_where_the_concern_was_raised(client, procedure, staff):
    events = [
        EventFactory(
            procedure=procedure,
            district=GeographyFactory(code=f"d{n}", name=f"Bezirk {n}", level="district", parent=GeographyFactory()),
        )
        for n in range(3)
    ]
    members = [ContributionFactory(procedure=procedure, event=event, source="event") for event in events]
    bundle = services.create_bundle(
        actor=staff["department"], procedure=procedure, title="Mehr Kitas", contributions=members
    )
    evaluate(
        bundle.review,
        department=staff["department"],
        lead=staff["schools"],
        justification="Kommt: die Kurse beginnen im nächsten Schuljahr in drei Bezirken.",
    )
    html = client.get(bundle.get_absolute_url()).content.decode()
    assert "3 contributions raised this concern." in html
    assert "It was raised at 3 events, in 3 districts (Bezirk 0, Bezirk 1, Bezirk 2)." in html
    assert "Kommt: die Kurse beginnen im nächsten Schuljahr in drei Bezirken." in html
    for member in members:
        assert member.text in html


def test_correction_shows_the_earlier_text(client, procedure, staff):
    contribution = ContributionFactory(procedure=procedure)
    evaluate(
        contribution.review,
        department=staff["department"],
        lead=staff["schools"],
        justification="Erst so: die erste Fassung der Bewertung dieses Beitrags.",
    )
    services.publish_revision(
        actor=staff["department"],
        review=contribution.review,
        disposition="declined",
        justification="Dann so: die korrigierte Fassung der Bewertung dieses Beitrags.",
        reason="Zuständigkeit geklärt.",
    )
    html = client.get(contribution.get_absolute_url()).content.decode()
    assert (
        html.index("Dann so: die korrigierte Fassung der Bewertung dieses Beitrags.")
        < html.index("Earlier versions of the evaluation")
        < html.index("Erst so: die erste Fassung der Bewertung dieses Beitrags.")
    )
    assert "Zuständigkeit geklärt." in html


# --- Work pages: who sees what --------------------------------------------------------------------------


def _login(client, user):
    client.force_login(user)
    return client


def test_work_pages_need_a_login(client):
    response = client.get(reverse("participation:work_queue"))
    assert response.status_code == 302 and "next=" in response["Location"]


def test_residents_and_analysts_cannot_use_the_work_pages(client):
    from tests.accounts.factories import UserFactory

    _login(client, UserFactory(roles=["analyst"]))
    assert client.get(reverse("participation:work_queue")).status_code == 403


def test_authority_staff_see_only_their_items(client, procedure, staff):
    mine = ContributionFactory(procedure=procedure, text="Schulhof öffnen")
    theirs = ContributionFactory(procedure=procedure, text="Wohnungen bauen")
    services.assign_review(actor=staff["department"], review=mine.review, lead_authority=staff["schools"].authority)
    services.assign_review(actor=staff["department"], review=theirs.review, lead_authority=staff["housing"].authority)
    _login(client, staff["schools"])
    for url in (
        reverse("participation:work_queue"),
        reverse("participation:work_queue") + "?q=Wohnungen",
        reverse("participation:work_queue") + f"?authority={staff['housing'].authority.pk}",
        reverse("participation:work_queue") + "?format=csv",
    ):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert "Wohnungen bauen" not in body.decode(), url
    assert "Schulhof öffnen" in client.get(reverse("participation:work_queue")).content.decode()
    assert client.get(mine.review.get_absolute_url()).status_code == 200
    assert client.get(theirs.review.get_absolute_url()).status_code == 403


def test_authority_staff_cannot_act_on_another_authoritys_item(client, procedure, staff):
    theirs = ContributionFactory(procedure=procedure)
    services.assign_review(actor=staff["department"], review=theirs.review, lead_authority=staff["housing"].authority)
    _login(client, staff["schools"])
    url = reverse("participation:review_action", kwargs={"pk": theirs.review.pk, "action": "start_review"})
    assert client.post(url).status_code == 403
    draft = reverse("participation:review_action", kwargs={"pk": theirs.review.pk, "action": "draft"})
    assert client.post(draft, {"disposition": "declined", "justification": "x"}).status_code == 403
    assert Review.objects.get(pk=theirs.review.pk).state == "assigned"
    assert not Evaluation.objects.exists()
    assert TransitionLog.objects.filter(review=theirs.review).count() == 1


def test_draft_and_publish_through_the_pages(client, procedure, staff):
    contribution = ContributionFactory(procedure=procedure)
    review = contribution.review
    services.assign_review(actor=staff["department"], review=review, lead_authority=staff["schools"].authority)
    _login(client, staff["schools"])
    client.post(reverse("participation:review_action", kwargs={"pk": review.pk, "action": "start_review"}))
    url = reverse("participation:review_action", kwargs={"pk": review.pk, "action": "draft"})
    refused = client.post(url, {"disposition": "declined", "justification": "   "})
    assert refused.status_code == 400 and 'id="id_justification_error"' in refused.content.decode()
    assert not Evaluation.objects.exists()
    assert (
        client.post(
            url, {"disposition": "declined", "justification": "Gibt es schon: die Bücherhallen bieten es bereits an."}
        ).status_code
        == 302
    )
    publish = reverse("participation:review_action", kwargs={"pk": review.pk, "action": "publish"})
    response = client.post(publish, follow=True)
    assert "is not yours to do for this item." in response.content.decode()
    assert Review.objects.get(pk=review.pk).state == "drafted"
    _login(client, staff["department"])
    assert client.post(publish).status_code == 302
    assert Review.objects.get(pk=review.pk).state == "published"


def test_unknown_action_is_not_found(client, procedure, staff):
    contribution = ContributionFactory(procedure=procedure)
    _login(client, staff["department"])
    url = reverse("participation:review_action", kwargs={"pk": contribution.review.pk, "action": "delete"})
    assert client.post(url).status_code == 404


def test_bulk_assignment_page(client, procedure, staff):
    items = [ContributionFactory(procedure=procedure).review for _ in range(3)]
    _login(client, staff["department"])
    html = client.get(reverse("participation:work_overview")).content.decode()
    assert all(f'value="{item.pk}"' in html for item in items)
    response = client.post(
        reverse("participation:reviews_bulk_assign"),
        {"reviews": [items[0].pk, items[1].pk], "lead_authority": staff["housing"].authority.pk},
    )
    assert response.status_code == 302
    assert [Review.objects.get(pk=i.pk).state for i in items] == ["assigned", "assigned", "received"]


def test_authority_staff_cannot_bulk_assign(client, procedure, staff):
    item = ContributionFactory(procedure=procedure).review
    _login(client, staff["schools"])
    response = client.post(
        reverse("participation:reviews_bulk_assign"),
        {"reviews": [item.pk], "lead_authority": staff["schools"].authority.pk},
    )
    assert response.status_code == 403
    assert Review.objects.get(pk=item.pk).state == "received"


def test_moderator_edits_only_assigned_events(client, procedure):
    person = moderator()
    mine, theirs = EventFactory(procedure=procedure, moderators=[person]), EventFactory(procedure=procedure)
    _login(client, person)
    assert client.get(reverse("participation:event_edit", kwargs={"pk": mine.pk})).status_code == 200
    assert client.get(reverse("participation:event_edit", kwargs={"pk": theirs.pk})).status_code == 403
    response = client.post(
        reverse("participation:event_contribution_record", kwargs={"pk": theirs.pk}),
        {"kind": "statement", "source": "event", "text": "x", "language": "de"},
    )
    assert response.status_code == 403
    assert not Contribution.objects.exists()
    html = client.get(reverse("participation:event_work_list")).content.decode()
    assert mine.title in html and theirs.title not in html


def test_moderator_records_a_contribution(client, procedure):
    person = moderator()
    event = EventFactory(procedure=procedure, moderators=[person])
    _login(client, person)
    url = reverse("participation:event_contribution_record", kwargs={"pk": event.pk})
    response = client.post(
        url, {"kind": "statement", "source": "event", "text": "Es fehlen Dolmetscher.", "language": "de"}
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get()
    assert (contribution.event, contribution.moderation_state, contribution.recorded_by) == (event, "published", person)


def test_moderation_page_hides_with_reason(client, procedure, staff):
    contribution = ContributionFactory(procedure=procedure, moderation_state="pending")
    _login(client, staff["department"])
    url = reverse("participation:contribution_moderate", kwargs={"pk": contribution.pk})
    client.post(url, {"decision": "hide", "reason": ""})
    assert Contribution.objects.get(pk=contribution.pk).moderation_state == "pending"
    client.post(url, {"decision": "hide", "reason": "Werbung"})
    assert Contribution.objects.get(pk=contribution.pk).moderation_state == "hidden"


def test_suggestions_and_bundling_from_the_review_page(client, procedure, staff):
    area = AreaOfActionFactory(edition=procedure.edition)
    one = ContributionFactory(procedure=procedure, text="Die Wartelisten für Kita-Plätze sind zu lang", areas=[area])
    two = ContributionFactory(procedure=procedure, text="Wartelisten für Kita-Plätze im Stadtteil zu lang")
    ContributionFactory(procedure=procedure, text="Busse zur Erstaufnahme fahren zu selten")
    _login(client, staff["department"])
    html = client.get(one.review.get_absolute_url()).content.decode()
    assert f'value="{two.pk}"' in html and "Busse zur Erstaufnahme" not in html
    response = client.post(
        reverse("participation:bundle_create", kwargs={"pk": one.review.pk}),
        {"title": "Kita-Wartelisten", "contributions": [two.pk]},
    )
    assert response.status_code == 302
    bundle = Contribution.objects.get(pk=one.pk).bundle
    assert sorted(bundle.members.values_list("pk", flat=True)) == [one.pk, two.pk]


# --- Documentation ---------------------------------------------------------------------------------------


def test_documentation_pages_and_downloads(client, procedure, staff):
    area = AreaOfActionFactory(edition=procedure.edition, code="kita", title="Frühkindliche Bildung")
    evaluated = ContributionFactory(
        procedure=procedure,
        areas=[area],
        text="Mehr Kita-Plätze",
        contact_email="x@example.org",
        contact_consent_at="2024-01-01T00:00Z",
    )
    evaluate(
        evaluated.review,
        department=staff["department"],
        lead=staff["schools"],
        disposition="outside_competence",
        justification="Bundessache: das Aufenthaltsrecht regelt der Bund allein.",
    )
    ContributionFactory(procedure=procedure, moderation_state="pending", text="Nicht öffentlich")
    slug = procedure.slug
    overview = client.get(f"/en/beteiligung/{slug}/dokumentation/").content.decode()
    assert "Contributions by area of action" in overview
    assert '<th scope="row">Frühkindliche Bildung</th><td class="number">1</td>' in overview
    area_page = client.get(f"/beteiligung/{slug}/dokumentation/beitraege/kita/").content.decode()
    assert "Mehr Kita-Plätze" in area_page and "Bundessache: das Aufenthaltsrecht regelt der Bund allein." in area_page
    limits = client.get(f"/en/beteiligung/{slug}/dokumentation/grenzen/").content.decode()
    assert "Outside the city&#x27;s competence: 1" in limits and "Mehr Kita-Plätze" in limits
    csv_response = client.get(f"/beteiligung/{slug}/dokumentation/beitraege.csv")
    body = b"".join(csv_response.streaming_content).decode()
    assert "Mehr Kita-Plätze" in body and "Bundessache: das Aufenthaltsrecht regelt der Bund allein." in body
    assert "Nicht öffentlich" not in body and "x@example.org" not in body and evaluated.receipt_token not in body
    xlsx = client.get(f"/beteiligung/{slug}/dokumentation/beitraege.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/beteiligung/{slug}/dokumentation/beitraege.exe").status_code == 404
