"""The review page offers exactly what the workflow allows the viewer: every state × every role.

The page is parsed as a person's browser would read it: each form that posts to a workflow action must
have a visible, labelled submit button, and the set of actions offered must equal
`permissions.allowed_actions` (which is `workflow.allowed_actions` for the viewer's parts). A control for
an action that is not allowed, or an allowed action without a control, fails the test.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve, reverse

from teilhabe.participation import permissions, services, workflow
from teilhabe.participation.models import Review
from tests.accounts.factories import AuthorityFactory, UserFactory

from .factories import ContributionFactory, ProcedureFactory, authority_staff, department_admin, moderator

pytestmark = pytest.mark.django_db

CONTRIBUTION_STATES = ["received", "assigned", "in_review", "drafted", "published", "bundled"]
BUNDLE_STATES = ["received", "assigned", "in_review", "drafted", "published"]
ROLES = [
    "department",
    "lead_authority_staff",
    "co_authority_staff",
    "department_and_lead_staff",
    "other_authority_staff",
    "moderator",
    "analyst",
]
# Only these viewers take part in an item at all; the others are refused the page.
PARTICIPANTS = {"department", "lead_authority_staff", "co_authority_staff", "department_and_lead_staff"}


class _Forms(HTMLParser):
    """Collect each POST form: its action URL and its submit buttons (text, and whether they are hidden)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._button: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._form = {"action": attributes.get("action", ""), "buttons": []}
            self.forms.append(self._form)
        elif tag == "button" and self._form is not None:
            self._button = {"text": "", "type": attributes.get("type", "submit"), "hidden": _is_hidden(attributes)}
            self._form["buttons"].append(self._button)
        elif tag == "input" and self._form is not None and attributes.get("type") == "submit":
            self._form["buttons"].append(
                {"text": attributes.get("value", ""), "type": "submit", "hidden": _is_hidden(attributes)}
            )

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "button":
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button["text"] += data


def _is_hidden(attributes: dict) -> bool:
    style = (attributes.get("style") or "").replace(" ", "")
    return "hidden" in attributes or "display:none" in style or "visually-hidden" in (attributes.get("class") or "")


def offered_actions(html: str, review: Review) -> dict[tuple[int, str], list[str]]:
    """{(review pk, action value): [button labels]} for every form that takes a workflow action."""
    parser = _Forms()
    parser.feed(html)
    offered: dict[tuple[int, str], list[str]] = {}
    for form in parser.forms:
        try:
            match = resolve(urlsplit(form["action"]).path)
        except Resolver404:
            continue
        if match.url_name == "review_action":
            key = (int(match.kwargs["pk"]), match.kwargs["action"])
        elif match.url_name in ("bundle_create", "bundle_add"):
            key = (int(match.kwargs["pk"]), workflow.Action.BUNDLE.value)
        elif match.url_name == "bundle_remove":
            # Taking a member out acts on the member's own (bundled) item.
            member = Review.objects.get(contribution_id=match.kwargs["contribution_pk"])
            key = (member.pk, workflow.Action.UNBUNDLE.value)
        else:
            continue  # not a workflow action (moderation, for example)
        labels = [b["text"].strip() for b in form["buttons"] if b["type"] == "submit" and not b["hidden"]]
        offered.setdefault(key, []).extend(labels)
    return offered


@pytest.fixture
def world():
    procedure = ProcedureFactory()
    lead, co, other = (
        AuthorityFactory(code=code, name=name)
        for code, name in (("schools", "Schulbehörde"), ("housing", "Wohnungsamt"), ("police", "Polizei"))
    )
    department = department_admin()
    viewers = {
        "department": department,
        "lead_authority_staff": authority_staff(lead, first_name="Lena", last_name="Lead"),
        "co_authority_staff": authority_staff(co),
        "department_and_lead_staff": UserFactory(roles=["department_admin", "authority_staff"], authority=lead),
        "other_authority_staff": authority_staff(other),
        "moderator": moderator(),
        "analyst": UserFactory(roles=["analyst"]),
    }
    return {"procedure": procedure, "lead": lead, "co": co, "department": department, "viewers": viewers}


def _advance(world, review: Review, state: str) -> None:
    """Take the item to `state` with the services, as the people involved would."""
    department, lead_staff = world["department"], world["viewers"]["lead_authority_staff"]
    steps = ["received", "assigned", "in_review", "drafted", "published"]
    for step in steps[1 : steps.index(state) + 1]:
        if step == "assigned":
            services.assign_review(
                actor=department, review=review, lead_authority=world["lead"], co_authorities=[world["co"]]
            )
        elif step == "in_review":
            services.start_review(actor=lead_staff, review=review)
        elif step == "drafted":
            services.draft_evaluation(
                actor=lead_staff,
                review=review,
                disposition="declined",
                justification="Das gibt es schon in allen Bezirken, seit 2019.",
            )
        elif step == "published":
            services.publish_evaluation(actor=department, review=review)
    review.refresh_from_db()
    assert review.state == state


def _contribution_in(world, state: str) -> Review:
    contribution = ContributionFactory(procedure=world["procedure"], text="Mehr Sprachkurse mit Kinderbetreuung")
    # A similar contribution, so the similar list and the bundle control have something to offer.
    ContributionFactory(procedure=world["procedure"], text="Sprachkurse mit Kinderbetreuung fehlen")
    if state == "bundled":
        services.create_bundle(
            actor=world["department"], procedure=world["procedure"], title="Sprachkurse", contributions=[contribution]
        )
        review = Review.objects.get(contribution=contribution)
    else:
        review = contribution.review
        _advance(world, review, state)
    return review


def _bundle_in(world, state: str) -> Review:
    members = [ContributionFactory(procedure=world["procedure"]) for _ in range(2)]
    bundle = services.create_bundle(
        actor=world["department"], procedure=world["procedure"], title="Kita-Plätze", contributions=members
    )
    review = bundle.review
    _advance(world, review, state)
    return review


def _check_page(client, world, review: Review, role: str) -> None:
    viewer = world["viewers"][role]
    client.force_login(viewer)
    response = client.get(reverse("participation:review_detail", kwargs={"pk": review.pk}))
    if role not in PARTICIPANTS or not permissions.can_view_review(viewer, review):
        # Outsiders, and authority staff before their authority is assigned, are refused the page.
        assert response.status_code == 403
        assert role not in {"department", "department_and_lead_staff"}
        return
    assert response.status_code == 200
    html = response.content.decode()
    offered = offered_actions(html, review)
    expected = {(review.pk, action.value) for action in permissions.allowed_actions(viewer, review)}
    if review.is_bundle:
        for member in review.bundle.members.select_related("review"):
            if permissions.can_act(viewer, member.review, workflow.Action.UNBUNDLE):
                expected.add((member.review.pk, workflow.Action.UNBUNDLE.value))
    assert set(offered) == expected, f"{role} on {review.item_label} ({review.state})"
    for key, labels in offered.items():
        assert labels and all(labels), f"{key}: a control without a visible, labelled button"
    if not expected:
        assert "Nothing for you at this stage." in html


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", CONTRIBUTION_STATES)
def test_contribution_page_offers_exactly_the_allowed_actions(client, world, state, role):
    review = _contribution_in(world, state)
    _check_page(client, world, review, role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", BUNDLE_STATES)
def test_bundle_page_offers_exactly_the_allowed_actions(client, world, state, role):
    review = _bundle_in(world, state)
    _check_page(client, world, review, role)


def test_the_check_notices_a_missing_control(client, world):
    """The parser is not blind: the lead's page in review offers drafting, and without it the check fails."""
    review = _contribution_in(world, "in_review")
    client.force_login(world["viewers"]["lead_authority_staff"])
    html = client.get(review.get_absolute_url()).content.decode()
    offered = offered_actions(html, review)
    assert (review.pk, "draft") in offered and offered[(review.pk, "draft")][-1] == "Save the draft"
    draft_url = reverse("participation:review_action", kwargs={"pk": review.pk, "action": "draft"})
    assert (review.pk, "draft") not in offered_actions(html.replace(draft_url, "/elsewhere/"), review)


def test_every_action_of_the_workflow_has_a_control_somewhere(client, world):
    """Across all states and participants, each workflow action is offered at least once."""
    seen: set[str] = set()
    reviews = [_contribution_in(world, state) for state in CONTRIBUTION_STATES]
    reviews += [_bundle_in(world, state) for state in BUNDLE_STATES]
    for role in PARTICIPANTS:
        client.force_login(world["viewers"][role])
        for review in reviews:
            html = client.get(review.get_absolute_url()).content.decode()
            seen |= {action for _, action in offered_actions(html, review)}
    assert seen == {action.value for action in workflow.Action}


def test_log_speaks_human(client, world):
    """The log names people, their authority and part, and uses labels, not codes."""
    review = _contribution_in(world, "in_review")
    client.force_login(world["department"])
    html = client.get(review.get_absolute_url()).content.decode()
    log = html[html.index('<ol class="log-list">') :]
    assert "Lena Lead (Schulbehörde, lead authority): Start the review, Assigned to an authority → In review" in log
    assert "lead_authority" not in log and "in_review" not in log


def test_queue_filter_lists_the_fields_of_the_current_edition_only(client, world):
    from tests.monitoring.factories import AreaOfActionFactory, EditionFactory

    old, current = EditionFactory(code="e2013", is_current=False), EditionFactory(code="e2017", is_current=True)
    AreaOfActionFactory(edition=old, code="arbeit-2013", title="Arbeitsmarkt")
    field = AreaOfActionFactory(edition=current, code="arbeit", title="Arbeitsmarkt")
    AreaOfActionFactory(edition=current, code="ausbildung", title="Ausbildung", parent=field)
    client.force_login(world["department"])
    html = client.get(reverse("participation:work_queue")).content.decode()
    select = html[html.index('name="area"') : html.index("</select>", html.index('name="area"'))]
    assert select.count("Arbeitsmarkt") == 1 and "Ausbildung" not in select
    assert f'value="{field.pk}"' in select


def test_my_queue_counts_what_waits_for_each_person(world):
    """The count in the staff navigation: the department's received and drafted items, the lead's assigned and
    in-review items, the co-authority's open items without its opinion."""
    from teilhabe.participation import queries

    viewers = world["viewers"]
    received, assigned, drafted = (_contribution_in(world, state) for state in ("received", "assigned", "drafted"))
    # _contribution_in adds a similar (received) contribution for each: three more for the department.
    assert queries.count_waiting_for(world["department"]) == 2 + 3
    assert queries.count_waiting_for(viewers["lead_authority_staff"]) == 1
    assert queries.count_waiting_for(viewers["co_authority_staff"]) == 2
    services.add_opinion(actor=viewers["co_authority_staff"], review=assigned, text="Wir helfen gern.")
    assert queries.count_waiting_for(viewers["co_authority_staff"]) == 1
    assert queries.count_waiting_for(viewers["other_authority_staff"]) == 0
    filters = queries.QueueFilters(is_waiting_for_me=True)
    assert set(queries.list_queue(viewers["lead_authority_staff"], filters)) == {assigned}
    assert received.state == "received" and drafted.state == "drafted"
