"""The authorisation matrix for participation (see matrix.py): work pages, public pages, documentation, API.

Authority staff see only the items assigned to their authority, moderators only their events, the department
everything; residents and the public see what is published.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from teilhabe.accounts.models import Authority, Role, User
from teilhabe.participation import services
from teilhabe.participation.models import (
    Bundle,
    Contribution,
    DocumentationBuild,
    JustificationTranslation,
    MachineTranslation,
)
from tests.participation import factories

from .matrix import (
    ADMINS,
    ANALYST,
    ANONYMOUS,
    AUTHORITY_STAFF,
    DENIED,
    EVERYONE_NOT_FOUND,
    EVERYONE_OK,
    MAKERS,
    MODERATOR,
    OK,
    OTHER,
    OWN,
    SEARCH_TERM,
    TO_LOGIN,
    Endpoint,
    Expect,
    Kind,
    Request,
    World,
    absent,
    both,
    by_role,
    expect,
    finds,
    marker,
    monitoring_factories,
    post_guarded,
    public_api,
    readable_body,
)

# The world holds, for each side (own/other authority, own/other moderator), an item in review whose text is
# public but whose opinion and draft evaluation are internal, an event with an unmoderated contribution and a
# registration (personal data), and contact addresses only the department sees.

WORK_AREA = ADMINS | {AUTHORITY_STAFF, MODERATOR}
SIMILAR_TEXT = "Mehr Sprachkurse mit Kinderbetreuung im Stadtteil"


def _staff_user(username: str, role: str, authority: Authority | None) -> User:
    user = User.objects.create(username=username, email=f"{username}@example.org", authority=authority, password="!")
    user.groups.add(Group.objects.get(name=role))
    return user


def populate(world: World) -> None:
    department = world.users[Role.DEPARTMENT_ADMIN.value]
    staff = {OWN: world.users[AUTHORITY_STAFF], OTHER: _staff_user("matrix-other-staff", AUTHORITY_STAFF, world.other)}
    moderators = {OWN: world.users[MODERATOR], OTHER: _staff_user("matrix-other-moderator", MODERATOR, None)}
    edition = monitoring_factories().EditionFactory(code="matrix-participation-edition")
    area = monitoring_factories().AreaOfActionFactory(edition=edition, code="matrix-area")
    procedure = factories.ProcedureFactory(slug="matrix-procedure", edition=edition)
    world.objects[("participation.procedure", OWN)] = procedure
    world.objects[("participation.area", OWN)] = area
    world.objects[("participation.stakeholdergroup", OWN)] = factories.StakeholderGroupFactory(code="matrix-group")
    now = timezone.now()
    for scope in (OWN, OTHER):
        tag = f"MATRIX-{scope.upper()}"
        # An item in review by the scope's authority: its text is public, its opinion and draft are not.
        contribution = factories.ContributionFactory(
            procedure=procedure,
            text=f"{tag}-participation-contribution {SIMILAR_TEXT}",
            contact_email=f"matrix-contact-{scope}@example.org",
            contact_consent_at=now,
            areas=[area],
        )
        review = contribution.review
        services.assign_review(actor=department, review=review, lead_authority=staff[scope].authority)
        services.start_review(actor=staff[scope], review=review)
        opinion = services.add_opinion(actor=staff[scope], review=review, text=f"{tag}-participation-opinion")
        draft = services.draft_evaluation(
            actor=staff[scope],
            review=review,
            disposition="declined",
            justification=f"{tag}-participation-draft, eine interne Begründung des Entwurfs",
        )
        review.refresh_from_db()
        # The scope's moderator's event, with an unmoderated contribution and a registration.
        event = factories.EventFactory(
            procedure=procedure, title=f"{tag}-participation-event", moderators=[moderators[scope]]
        )
        pending = factories.ContributionFactory(
            procedure=procedure,
            source=Contribution.Source.EVENT,
            event=event,
            moderation_state=Contribution.Moderation.PENDING,
            text=f"{tag}-pending-contribution {SIMILAR_TEXT}",
        )
        registration = services.register_participant(
            procedure=procedure,
            event=event,
            name=f"{tag}-registration",
            email=f"matrix-registration-{scope}@example.org",
            wants_invitations=True,
            wants_minutes=True,
            has_consented=True,
        )
        world.objects.update(
            {
                ("participation.contribution", scope): contribution,
                ("participation.review", scope): review,
                ("participation.assignment", scope): review.assignment,
                ("participation.opinion", scope): opinion,
                ("participation.evaluation", scope): draft,
                ("participation.transitionlog", scope): review.log.order_by("pk").first(),
                ("participation.event", scope): event,
                ("participation.pending", scope): pending,
                ("participation.registration", scope): registration,
            }
        )
        internal = {
            f"{tag}-participation-opinion",
            f"{tag}-participation-draft",
            f"{tag}-pending-contribution",
            f"{tag}-registration",
            f"matrix-registration-{scope}@example.org",
            f"matrix-contact-{scope}@example.org",
            contribution.receipt_token,
            pending.receipt_token,
        }
        world.withheld |= internal
        if scope == OTHER:
            world.secrets |= internal
    # Own-side internals that only some own-side roles may see.
    own = "MATRIX-OWN"
    review_internals = {f"{own}-participation-opinion", f"{own}-participation-draft"}
    event_internals = {f"{own}-pending-contribution", f"{own}-registration", "matrix-registration-own@example.org"}
    # Contact data and receipt links are the contributors' own: of staff, only the department sees them.
    contact_data = {"matrix-contact-own@example.org"} | {
        world.obj(label, scope).receipt_token
        for label in ("participation.contribution", "participation.pending")
        for scope in (OWN, OTHER)
    }
    for role, hidden in {
        AUTHORITY_STAFF: event_internals | contact_data,
        MODERATOR: review_internals | contact_data,
        ANALYST: review_internals | event_internals | contact_data,
    }.items():
        world.role_secrets.setdefault(role, set()).update(hidden)
    # A contribution hidden by moderation: nobody but the department sees its text or the reason.
    hidden = factories.ContributionFactory(
        procedure=procedure,
        text=f"MATRIX-HIDDEN-contribution {SIMILAR_TEXT}",
        moderation_state=Contribution.Moderation.HIDDEN,
        moderation_reason="MATRIX-HIDDEN-reason",
    )
    world.objects[("participation.hidden", OWN)] = hidden
    world.withheld |= {"MATRIX-HIDDEN-contribution", "MATRIX-HIDDEN-reason"}
    world.secrets |= {"MATRIX-HIDDEN-contribution", "MATRIX-HIDDEN-reason"}
    # A new item nobody has assigned yet, and a bundle of one published contribution.
    received = factories.ContributionFactory(procedure=procedure, text=f"MATRIX-RECEIVED-contribution {SIMILAR_TEXT}")
    world.objects[("participation.received", OWN)] = received.review
    member = factories.ContributionFactory(procedure=procedure, text=f"MATRIX-BUNDLED-contribution {SIMILAR_TEXT}")
    bundle = services.create_bundle(
        actor=department, procedure=procedure, title="MATRIX-OWN-participation-bundle", contributions=[member]
    )
    world.objects[("participation.bundle", OWN)] = bundle
    world.objects[("participation.bundle_member", OWN)] = member
    world.objects[("participation.documentationbuild", OWN)] = DocumentationBuild.objects.create(
        procedure=procedure, language="de"
    )


# Admin models whose objects populate() makes (through the workflow, so no maker can make them again).
PROVIDED = {
    f"participation.{name}"
    for name in (
        "procedure",
        "stakeholdergroup",
        "event",
        "registration",
        "contribution",
        "bundle",
        "review",
        "assignment",
        "opinion",
        "evaluation",
        "transitionlog",
        "documentationbuild",
    )
}


def _work_expected(allowed: Callable[[str, str], Expect]) -> Callable[[str, str], Expect]:
    """The participation work area: a login, then a department, authority staff or moderator role."""

    def expected(role: str, scope: str) -> Expect:
        if role == ANONYMOUS:
            return TO_LOGIN
        if role not in WORK_AREA:
            return DENIED
        return allowed(role, scope)

    return expected


def _review(world: World, scope: str):
    return world.obj("participation.review", scope)


def _path(name: str, **kwargs) -> str:
    return reverse(f"participation:{name}", kwargs=kwargs)


def _own_items_for(role: str) -> set[str]:
    if role == AUTHORITY_STAFF:
        return {"MATRIX-OWN-participation-contribution"}
    if role in ADMINS:
        return {"MATRIX-OWN-participation-contribution", "MATRIX-OTHER-participation-contribution"}
    return set()


def _moderation_items_for(role: str) -> set[str]:
    if role == MODERATOR:
        return {"MATRIX-OWN-pending-contribution"}
    if role in ADMINS:
        return {"MATRIX-OWN-pending-contribution", "MATRIX-OTHER-pending-contribution"}
    return set()


def _events_for(role: str) -> set[str]:
    if role == MODERATOR:
        return {"MATRIX-OWN-participation-event"}
    if role in ADMINS:
        return {"MATRIX-OWN-participation-event", "MATRIX-OTHER-participation-event"}
    return set()


def _not_own_moderators_events(role: str) -> set[str]:
    return {"MATRIX-OTHER-participation-event"} if role == MODERATOR else set()


def _not_own_authoritys_items(role: str) -> set[str]:
    return {"MATRIX-OTHER-participation-contribution"} if role == AUTHORITY_STAFF else set()


def _work_get(
    name: str,
    *,
    query: str = "",
    variant: str = "",
    kind: Kind = Kind.STAFF_VIEW,
    allowed: Callable[[str, str], Expect] = lambda role, scope: OK,
    **options,
) -> Endpoint:
    return Endpoint(
        id=f"participation:{name}{f'[{variant}]' if variant else ''}",
        url_name=f"participation:{name}",
        kind=kind,
        build=lambda world, role, scope: Request("get", _path(name) + query),
        expected=_work_expected(allowed),
        **options,
    )


def _moderates(role: str, scope: str) -> bool:
    """The pending contributions of the world come from events: their moderators and the department moderate."""
    return role in ADMINS or (role == MODERATOR and scope == OWN)


def _public_catalogue(world: World) -> set[str]:
    """The other authority's indicator codes, titles and measure titles: open data, offered for linking."""
    return {marker(OTHER, label) for label in MAKERS if label.startswith("monitoring.")}


def _review_expected(role: str, scope: str) -> Expect:
    if role in ADMINS or (role == AUTHORITY_STAFF and scope == OWN):
        return OK
    return DENIED


def _review_post_expected(role: str, scope: str) -> Expect:
    back = expect("302 back to the item", (302, _path("work_queue")))
    if role == AUTHORITY_STAFF and scope == OWN:
        return back
    if role in ADMINS:  # the department sees the item; the workflow refuses it this action
        return expect(f"{back.label} or 403", *back.outcomes, (403, None))
    return DENIED


def _event_expected(role: str, scope: str) -> Expect:
    return OK if role in ADMINS or (role == MODERATOR and scope == OWN) else DENIED


def _event_get(name: str) -> Endpoint:
    return Endpoint(
        id=f"participation:{name}",
        url_name=f"participation:{name}",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", _path(name, pk=world.obj("participation.event", scope).pk)),
        expected=_work_expected(_event_expected),
        scoped=True,
    )


def _opinions(world: World, scope: str) -> int:
    return _review(world, scope).opinions.count()


def _assigned(world: World, scope: str) -> int:
    return world.obj("participation.received", OWN).assignments.count()


def _bundles(world: World, scope: str) -> tuple[int, int]:
    return Bundle.objects.count(), Contribution.objects.filter(bundle__isnull=False).count()


def _unmoderated(world: World, scope: str) -> int:
    pending = world.obj("participation.pending", scope)
    return Contribution.objects.filter(pk=pending.pk, moderation_state=Contribution.Moderation.PENDING).count()


_add_opinion = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("review_action", pk=_review(world, scope).pk, action="add_opinion"),
        data={"text": "A new opinion from the matrix"},
    ),
    _opinions,
    lambda role, scope: role == AUTHORITY_STAFF and scope == OWN,
    "the item's opinions",
)
_bulk_assign = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("reviews_bulk_assign"),
        data={"reviews": [world.obj("participation.received", OWN).pk], "lead_authority": world.other.pk},
    ),
    _assigned,
    lambda role, scope: role in ADMINS,
    "the new item's assignment",
)
_bundle_create = post_guarded(
    lambda world, role, scope: Request(
        "post", _path("bundle_create", pk=_review(world, scope).pk), data={"title": "A bundle from the matrix"}
    ),
    _bundles,
    lambda role, scope: role in ADMINS,
    "the bundles",
)
_bundle_add = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("bundle_add", pk=_review(world, scope).pk),
        data={"bundle": world.obj("participation.bundle", OWN).pk},
    ),
    _bundles,
    lambda role, scope: role in ADMINS,
    "the bundles",
)
_bundle_remove = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path(
            "bundle_remove",
            pk=world.obj("participation.bundle", OWN).review.pk,
            contribution_pk=world.obj("participation.bundle_member", OWN).pk,
        ),
        data={"comment": "Taken out by the matrix"},
    ),
    _bundles,
    lambda role, scope: role in ADMINS,
    "the bundles",
)
_moderate = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("contribution_moderate", pk=world.obj("participation.pending", scope).pk),
        data={"decision": "publish", "reason": ""},
    ),
    _unmoderated,
    lambda role, scope: role in ADMINS or (role == MODERATOR and scope == OWN),
    "the contribution's moderation",
)


def _language_of(world: World, scope: str) -> str:
    return Contribution.objects.get(pk=world.obj("participation.contribution", scope).pk).language


def _machine_translations(world: World, scope: str) -> int:
    return MachineTranslation.objects.filter(contribution=world.obj("participation.contribution", scope)).count()


def _justification_translations(world: World, scope: str) -> int:
    return JustificationTranslation.objects.filter(evaluation=world.obj("participation.evaluation", scope)).count()


def _handles_language(role: str, scope: str) -> bool:
    """Whoever moderates the (online) contribution — the department, any moderator — or reviews it."""
    return role in ADMINS or role == MODERATOR or (role == AUTHORITY_STAFF and scope == OWN)


_correct_language = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("contribution_language", pk=world.obj("participation.contribution", scope).pk),
        data={"language": "en"},
    ),
    _language_of,
    _handles_language,
    "the contribution's language",
)
# No translation server in the matrix: allowed people are told so; nothing may be stored either way.
_translate = post_guarded(
    lambda world, role, scope: Request(
        "post", _path("contribution_translate", pk=world.obj("participation.contribution", scope).pk)
    ),
    _machine_translations,
    lambda role, scope: False,
    "the machine translations",
)
_translate_justification = post_guarded(
    lambda world, role, scope: Request(
        "post",
        _path("justification_translation", pk=world.obj("participation.evaluation", scope).pk),
        data={"language": "ar", "text": "نص تبرير مترجم طويل بما يكفي ليشرح القرار للسكان بوضوح."},
    ),
    _justification_translations,
    lambda role, scope: role in ADMINS or (role == AUTHORITY_STAFF and scope == OWN),
    "the translations of the justification",
)


def _procedure_kwargs(world: World) -> dict:
    return {"slug": world.obj("participation.procedure", OWN).slug}


def _public_page(
    name: str,
    kwargs: Callable[[World, str], dict] = lambda world, scope: _procedure_kwargs(world),
    *,
    scoped: bool = False,
    variant: str = "",
    kind: Kind = Kind.STAFF_VIEW,
    expected: Callable[[str, str], Expect] = EVERYONE_OK,
    shows: Callable[[World, str], str] | None = None,
) -> Endpoint:
    """A public participation page: the same for everyone, never showing what is withheld."""

    def verify(world: World, role: str, scope: str, response) -> str | None:
        wanted = shows(world, scope)
        if response.status_code == 200 and wanted.encode() not in readable_body(response):
            return f"as {role} ({scope}): the public page lacks {wanted}"
        return None

    return Endpoint(
        id=f"participation:{name}{f'[{variant}]' if variant else ''}",
        url_name=f"participation:{name}",
        kind=kind,
        build=lambda world, role, scope: Request("get", _path(name, **kwargs(world, scope))),
        expected=expected,
        scoped=scoped,
        verify=verify if shows else None,
        public=True,
    )


def _in_procedure(label: str, **extra) -> Callable[[World, str], dict]:
    return lambda world, scope: {**_procedure_kwargs(world), "pk": world.obj(label, scope).pk, **extra}


ENDPOINTS: list[Endpoint] = [
    # Work area
    Endpoint(
        id="participation:work_overview",
        url_name="participation:work_overview",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", _path("work_overview")),
        # The landing page after login: an account without a work area is sent on to its account page.
        expected=lambda role, scope: (
            TO_LOGIN
            if role == ANONYMOUS
            else OK
            if role in WORK_AREA
            else expect("302 to the account page", (302, reverse("accounts:account_detail")))
        ),
        verify=absent(_not_own_authoritys_items),
    ),
    _work_get(
        "work_queue",
        verify=both(finds(lambda world, role, scope: _own_items_for(role)), absent(_not_own_authoritys_items)),
    ),
    _work_get(
        "work_queue",
        variant="search",
        query=f"?q={SEARCH_TERM}",
        kind=Kind.SEARCH,
        verify=both(finds(lambda world, role, scope: _own_items_for(role)), absent(_not_own_authoritys_items)),
    ),
    Endpoint(
        # A filter naming the other authority: still only what the user may see.
        id="participation:work_queue[filter: other authority]",
        url_name="participation:work_queue",
        kind=Kind.SEARCH,
        build=lambda world, role, scope: Request("get", _path("work_queue") + f"?authority={world.other.pk}"),
        expected=_work_expected(lambda role, scope: OK),
        verify=absent(_not_own_authoritys_items),
    ),
    _work_get(
        "work_queue",
        variant="CSV export",
        query="?format=csv",
        kind=Kind.EXPORT,
        verify=both(finds(lambda world, role, scope: _own_items_for(role)), absent(_not_own_authoritys_items)),
    ),
    Endpoint(
        id="participation:review_detail",
        url_name="participation:review_detail",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", _path("review_detail", pk=_review(world, scope).pk)),
        expected=_work_expected(_review_expected),
        scoped=True,
        may_show=lambda world: _public_catalogue(world),
        verify=finds(
            lambda world, role, scope: (
                {f"MATRIX-{scope.upper()}-participation-draft"} if _review_expected(role, scope) is OK else set()
            )
        ),
    ),
    Endpoint(
        id="participation:review_action[add_opinion]",
        url_name="participation:review_action",
        kind=Kind.STAFF_VIEW,
        build=_add_opinion[0],
        expected=_work_expected(_review_post_expected),
        scoped=True,
        verify=_add_opinion[1],
    ),
    Endpoint(
        id="participation:reviews_bulk_assign",
        url_name="participation:reviews_bulk_assign",
        kind=Kind.BULK_ACTION,
        build=_bulk_assign[0],
        expected=_work_expected(
            lambda role, scope: (
                expect("302 to the overview", (302, _path("work_overview"))) if role in ADMINS else DENIED
            )
        ),
        verify=_bulk_assign[1],
    ),
    *[
        Endpoint(
            id=f"participation:{name}",
            url_name=f"participation:{name}",
            kind=Kind.BULK_ACTION,
            build=guarded[0],
            # A second department user finds the first one's change made (404 for a removed member).
            expected=_work_expected(
                lambda role, scope: expect("302 or 404", (302, None), (404, None)) if role in ADMINS else DENIED
            ),
            scoped=scoped,
            verify=guarded[1],
        )
        for name, guarded, scoped in (
            ("bundle_create", _bundle_create, True),
            ("bundle_add", _bundle_add, True),
            ("bundle_remove", _bundle_remove, False),
        )
    ],
    _work_get(
        "moderation_list",
        # Authority staff review; they do not moderate.
        allowed=lambda role, scope: DENIED if role == AUTHORITY_STAFF else OK,
        verify=finds(lambda world, role, scope: _moderation_items_for(role)),
    ),
    Endpoint(
        id="participation:contribution_anonymise",
        url_name="participation:contribution_anonymise",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get", _path("contribution_anonymise", pk=world.obj("participation.pending", scope).pk)
        ),
        expected=_work_expected(lambda role, scope: OK if _moderates(role, scope) else DENIED),
        scoped=True,
    ),
    Endpoint(
        id="participation:contribution_moderate",
        url_name="participation:contribution_moderate",
        kind=Kind.STAFF_VIEW,
        build=_moderate[0],
        expected=_work_expected(
            lambda role, scope: (
                expect("302", (302, None)) if role in ADMINS or (role == MODERATOR and scope == OWN) else DENIED
            )
        ),
        scoped=True,
        verify=_moderate[1],
    ),
    Endpoint(
        id="participation:contribution_language",
        url_name="participation:contribution_language",
        kind=Kind.STAFF_VIEW,
        build=_correct_language[0],
        expected=_work_expected(
            lambda role, scope: expect("302", (302, None)) if _handles_language(role, scope) else DENIED
        ),
        scoped=True,
        verify=_correct_language[1],
    ),
    Endpoint(
        id="participation:contribution_translate",
        url_name="participation:contribution_translate",
        kind=Kind.STAFF_VIEW,
        build=_translate[0],
        expected=_work_expected(
            lambda role, scope: expect("302", (302, None)) if _handles_language(role, scope) else DENIED
        ),
        scoped=True,
        verify=_translate[1],
    ),
    Endpoint(
        id="participation:justification_translation",
        url_name="participation:justification_translation",
        kind=Kind.STAFF_VIEW,
        build=_translate_justification[0],
        expected=_work_expected(
            lambda role, scope: (
                expect("302", (302, None)) if role in ADMINS or (role == AUTHORITY_STAFF and scope == OWN) else DENIED
            )
        ),
        scoped=True,
        verify=_translate_justification[1],
    ),
    _work_get(
        "event_work_list",
        verify=both(finds(lambda world, role, scope: _events_for(role)), absent(_not_own_moderators_events)),
    ),
    _event_get("event_edit"),
    _event_get("event_attachment_add"),
    _event_get("event_contribution_record"),
    Endpoint(
        id="participation:event_send_minutes",
        url_name="participation:event_send_minutes",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "post", _path("event_send_minutes", pk=world.obj("participation.event", scope).pk)
        ),
        expected=_work_expected(
            lambda role, scope: (
                expect("302 to the event", (302, None)) if _event_expected(role, scope) is OK else DENIED
            )
        ),
        scoped=True,
    ),
    Endpoint(
        id="participation:event_create",
        url_name="participation:event_create",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", _path("event_create", **_procedure_kwargs(world))),
        expected=_work_expected(lambda role, scope: OK if role in ADMINS | {MODERATOR} else DENIED),
    ),
    Endpoint(
        id="participation:contribution_record",
        url_name="participation:contribution_record",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", _path("contribution_record", **_procedure_kwargs(world))),
        expected=_work_expected(lambda role, scope: OK if role in ADMINS else DENIED),
    ),
    # Public pages and the documentation: published contributions and evaluations only.
    _public_page("procedure_list", lambda world, scope: {}),
    _public_page("procedure_detail"),
    _public_page("contribution_create"),
    _public_page(
        "event_detail",
        _in_procedure("participation.event"),
        scoped=True,
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-event",
    ),
    _public_page("event_register", _in_procedure("participation.event"), scoped=True),
    _public_page(
        "contribution_detail",
        _in_procedure("participation.contribution"),
        scoped=True,
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-contribution",
    ),
    _public_page(
        "contribution_detail",
        _in_procedure("participation.pending"),
        scoped=True,
        variant="unmoderated",
        expected=EVERYONE_NOT_FOUND,
    ),
    _public_page(
        "contribution_detail",
        _in_procedure("participation.hidden"),
        variant="hidden",
        expected=EVERYONE_NOT_FOUND,
    ),
    _public_page(
        "bundle_detail",
        _in_procedure("participation.bundle"),
        shows=lambda world, scope: "MATRIX-BUNDLED-contribution",
    ),
    Endpoint(
        # The contributor's receipt link: whoever holds the token sees the state, never the internals.
        id="participation:contribution_receipt",
        url_name="participation:contribution_receipt",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get", _path("contribution_receipt", token=world.obj("participation.contribution", scope).receipt_token)
        ),
        expected=EVERYONE_OK,
        scoped=True,
        public=True,
    ),
    _public_page("documentation_overview"),
    _public_page("documentation_events", shows=lambda world, scope: "MATRIX-OTHER-participation-event"),
    _public_page("documentation_contributions"),
    _public_page(
        "documentation_area",
        lambda world, scope: {**_procedure_kwargs(world), "area": world.obj("participation.area", OWN).code},
        shows=lambda world, scope: "MATRIX-OTHER-participation-contribution",
    ),
    _public_page(
        "documentation_area",
        lambda world, scope: {**_procedure_kwargs(world), "area": "ohne"},
        variant="without area",
    ),
    _public_page("documentation_limits"),
    _public_page(
        "documentation_download",
        lambda world, scope: {**_procedure_kwargs(world), "format": "csv"},
        variant="csv",
        kind=Kind.EXPORT,
        shows=lambda world, scope: "MATRIX-OTHER-participation-contribution",
    ),
    _public_page(
        "documentation_download",
        lambda world, scope: {**_procedure_kwargs(world), "format": "xlsx"},
        variant="xlsx",
        kind=Kind.EXPORT,
        shows=lambda world, scope: "MATRIX-OTHER-participation-contribution",
    ),
    _public_page(
        "documentation_pdf",
        kind=Kind.EXPORT,
        # Served when built, else a page saying it is being built (202) or failed (503): never staff data.
        expected=by_role({}, expect("200, 202 or 503", (200, None), (202, None), (503, None))),
    ),
    # The API: what the public pages show. A filter naming the other moderator's event lists its published
    # contributions only, never the unmoderated one.
    public_api(
        "contribution_list",
        variant="filter: the scope's event",
        query=lambda world, scope: f"?event={world.obj('participation.event', scope).pk}",
    ),
    public_api(
        "contribution_list",
        variant="filter: the procedure",
        query=lambda world, scope: f"?procedure={world.obj('participation.procedure', OWN).slug}",
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-contribution",
    ),
    public_api(
        "contribution_list",
        variant="CSV export",
        query=lambda world, scope: f"?format=csv&procedure={world.obj('participation.procedure', OWN).slug}",
        kind=Kind.EXPORT,
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-contribution",
    ),
    public_api(
        "event_list",
        variant="filter: the procedure",
        query=lambda world, scope: f"?procedure={world.obj('participation.procedure', OWN).slug}",
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-event",
    ),
    public_api("procedure_detail", "participation.procedure", lambda procedure: {"slug": procedure.slug}, scoped=False),
    public_api("event_detail", "participation.event", lambda event: {"pk": event.pk}),
    public_api(
        "contribution_detail",
        "participation.contribution",
        lambda contribution: {"pk": contribution.pk},
        shows=lambda world, scope: f"MATRIX-{scope.upper()}-participation-contribution",
    ),
    public_api(
        "contribution_detail",
        "participation.pending",
        lambda contribution: {"pk": contribution.pk},
        variant="unmoderated",
        expected=EVERYONE_NOT_FOUND,
    ),
    public_api(
        "contribution_detail",
        "participation.hidden",
        lambda contribution: {"pk": contribution.pk},
        variant="hidden",
        expected=EVERYONE_NOT_FOUND,
        scoped=False,
    ),
    # Residents: the contribution browser and its search, feeds, following by e-mail, confirming or removing an
    # address. The browser and public feeds show what is published; the receipt feed and the follow form of a
    # contribution need its receipt token, like the receipt page.
    _public_page(
        "contribution_browse",
        lambda world, scope: {},
        shows=lambda world, scope: "MATRIX-OTHER-participation-contribution",
    ),
    Endpoint(
        id="participation:contribution_browse[search]",
        url_name="participation:contribution_browse",
        kind=Kind.SEARCH,
        build=lambda world, role, scope: Request("get", _path("contribution_browse") + f"?q={SEARCH_TERM}"),
        expected=EVERYONE_OK,
        public=True,
    ),
    _public_page("procedure_feed", kind=Kind.EXPORT),
    _public_page(
        "indicator_feed",
        lambda world, scope: {"code": world.obj("monitoring.indicator", scope).code},
        scoped=True,
        kind=Kind.EXPORT,
    ),
    _public_page("follow_procedure"),
    _public_page(
        "follow_indicator",
        lambda world, scope: {"code": world.obj("monitoring.indicator", scope).code},
        scoped=True,
    ),
    Endpoint(
        id="participation:contribution_receipt_feed",
        url_name="participation:contribution_receipt_feed",
        kind=Kind.EXPORT,
        build=lambda world, role, scope: Request(
            "get",
            _path("contribution_receipt_feed", token=world.obj("participation.contribution", scope).receipt_token),
        ),
        expected=EVERYONE_OK,
        scoped=True,
        public=True,
    ),
    Endpoint(
        id="participation:follow_contribution",
        url_name="participation:follow_contribution",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get", _path("follow_contribution", token=world.obj("participation.contribution", scope).receipt_token)
        ),
        expected=EVERYONE_OK,
        scoped=True,
        public=True,
    ),
    Endpoint(
        # A signed link from the registrant's own mail: it names the procedure, never the address.
        id="participation:address_confirm",
        url_name="participation:address_confirm",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get",
            _path(
                "address_confirm",
                token=services.address_link_token(world.obj("participation.registration", scope), purpose="confirm"),
            ),
        ),
        expected=EVERYONE_OK,
        scoped=True,
        public=True,
    ),
    Endpoint(
        id="participation:address_remove",
        url_name="participation:address_remove",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get",
            _path(
                "address_remove",
                token=services.address_link_token(world.obj("participation.registration", scope), purpose="remove"),
            ),
        ),
        expected=EVERYONE_OK,
        scoped=True,
        public=True,
    ),
]
