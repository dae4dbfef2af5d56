"""The authorisation matrix: every staff-facing endpoint × every role × own/other authority's object.

One table decides what each role may reach:

- ADMIN_ACCESS: per admin model, which roles may view/add/change/delete it and whether it is scoped to the
  user's authority (AuthorityScopedAdminMixin). Every admin URL of the model (change list, add, change,
  delete, history, simple_history's version view, a bulk delete) is generated from it.
- ENDPOINTS: every other staff view, export, search and API endpoint, with its expected outcome per role;
  participation's and surveys' are in matrix_participation.py and matrix_surveys.py (CONTEXT_MODULES).
- PUBLIC: pages anyone may see (the portal, login pages, health check); they are not walked here.

test_matrix.py walks the table and checks, for each endpoint, role and scope, the response status (and
redirect target) and that no response to a scoped role contains a marker of the other authority's
object. test_url_coverage.py fails when a URL pattern of the project is in none of these lists.

Every endpoint is tried in one shared world (populate()): each model's own- and other-authority object,
plus objects nobody may see in public (e.g. an observation before its release date). So every page is
checked against every other authority's marker, not only its own model's. Public endpoints (open data)
answer the same to everyone: other authorities' public objects may appear there, withheld ones never.

Besides status and markers, endpoints verify what they must do: a search finds the own object, a refused
POST (bulk delete, workflow action, upload) changes nothing.

To add an endpoint: add its model to ADMIN_ACCESS (and a maker to MAKERS), or an Endpoint to ENDPOINTS (or
a context module's), or its name to PUBLIC with a reason. Roles are those of accounts.Role plus the kinds of
visitor below.
"""

from __future__ import annotations

import datetime
import importlib
import io
import itertools
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum

from django.conf import settings
from django.contrib import admin as django_admin
from django.contrib.auth.models import Group
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils.html import escape
from rest_framework.authtoken.models import Token
from simple_history.admin import SimpleHistoryAdmin

from teilhabe.accounts.admin_site import TECHNICAL_APPS
from teilhabe.accounts.models import Authority, Role, User

# --- Who ---------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
NO_ROLE = "no_role"  # logged in, no staff role (e.g. an offboarded colleague's leftover account)
SUPERUSER = "superuser"
ROLES = (ANONYMOUS, NO_ROLE, *(role.value for role in Role), SUPERUSER)
STAFF_ROLES = frozenset(role.value for role in Role) | {SUPERUSER}
UNSCOPED_ROLES = frozenset({Role.DEPARTMENT_ADMIN.value, SUPERUSER})
SCOPED_ROLES = STAFF_ROLES - UNSCOPED_ROLES
ADMINS = UNSCOPED_ROLES
AUTHORITY_STAFF, MODERATOR, ANALYST = Role.AUTHORITY_STAFF.value, Role.MODERATOR.value, Role.ANALYST.value
NOBODY: frozenset[str] = frozenset()

OWN, OTHER = "own", "other"


class Kind(StrEnum):
    STAFF_VIEW = "staff view"
    ADMIN_CHANGELIST = "admin change list"
    ADMIN_ADD = "admin add"
    ADMIN_CHANGE = "admin change view"
    ADMIN_DELETE = "admin delete view"
    ADMIN_HISTORY = "admin history"
    ADMIN_VERSION = "admin past version"
    ADMIN_SITE = "admin site page"
    BULK_ACTION = "bulk action"
    EXPORT = "export"
    SEARCH = "search"
    API = "API endpoint"


# --- Expected outcomes -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    """Acceptable (status, redirect-target prefix) pairs; the prefix is None for non-redirects."""

    outcomes: frozenset[tuple[int, str | None]]
    label: str

    def accepts(self, status: int, location: str | None) -> bool:
        for expected_status, prefix in self.outcomes:
            if status != expected_status:
                continue
            if prefix is None or (location or "").removeprefix("http://testserver").startswith(prefix):
                return True
        return False


def expect(label: str, *outcomes: tuple[int, str | None]) -> Expect:
    return Expect(frozenset(outcomes), label)


OK = expect("200", (200, None))
DENIED = expect("403", (403, None))
# An object outside the user's scope is treated as not existing (or refused); never shown.
HIDDEN = expect("hidden (302 to admin index, 403 or 404)", (302, "/admin/"), (403, None), (404, None))
TO_ADMIN_LOGIN = expect("302 to the admin login", (302, "/admin/login/"))
TO_LOGIN = expect("302 to the login", (302, "/konto/anmelden/"))
API_UNAUTHENTICATED = expect("401", (401, None))
NOT_FOUND = expect("404", (404, None))


# --- The world each endpoint is tried in --------------------------------------------------------


@dataclass
class World:
    own: Authority
    other: Authority
    users: dict[str, User]
    tokens: dict[str, str]
    objects: dict[tuple[str, str], models.Model] = field(default_factory=dict)
    # Markers of the other authority's objects: no response to a scoped role may contain one.
    secrets: set[str] = field(default_factory=set)
    # Markers of objects the public may not see (e.g. before their release date): no public response
    # (open data, to any role) may contain one.
    withheld: set[str] = field(default_factory=set)
    # Markers some roles may not see although they are not the other authority's, e.g. a moderator's
    # event's unmoderated contributions for authority staff, an authority's draft for moderators.
    role_secrets: dict[str, set[str]] = field(default_factory=dict)
    notes: dict = field(default_factory=dict)
    # Session keys by role: logging in once per world, not once per request.
    sessions: dict[str, str] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        if role in self.clients:
            return self.clients[role]
        client = Client()
        if role in self.sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        elif role != ANONYMOUS:
            client.force_login(self.users[role])
            self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.clients[role] = client
        return client

    def obj(self, model_label: str, scope: str) -> models.Model | None:
        return self.objects.get((model_label, scope))

    def fork(self) -> World:
        """A copy for one test: it may replace objects (a bulk delete puts them back) and keep notes."""
        return replace(
            self,
            objects=dict(self.objects),
            secrets=set(self.secrets),
            withheld=set(self.withheld),
            role_secrets={role: set(texts) for role, texts in self.role_secrets.items()},
            notes={},
            sessions=dict(self.sessions),
            clients={},
        )


def build_world() -> World:
    own = Authority.objects.create(code="matrix-own", name="Own authority")
    other = Authority.objects.create(code="matrix-other", name="Other authority")
    users, tokens = {}, {}
    for role in ROLES[1:]:
        # Unusable passwords: force_login needs none, and hashing seven Argon2 passwords per test is slow.
        user = User.objects.create(
            username=f"matrix-{role}",
            email=f"matrix-{role}@example.org",
            authority=own,
            is_staff=role != NO_ROLE,
            is_superuser=role == SUPERUSER,
            password="!",
        )
        if role in Role.values:
            user.groups.add(Group.objects.get(name=role))
        users[role] = user
        tokens[role] = Token.objects.create(user=user).key
    return World(own=own, other=other, users=users, tokens=tokens)


Maker = Callable[[Authority, str], models.Model]


def marker(scope: str, model_label: str) -> str:
    """A text unique to one object, usable as a slug: MATRIX-OTHER-monitoring-measure."""
    return f"MATRIX-{scope.upper()}-{model_label.replace('.', '-')}"


def make_objects(world: World, model_label: str, *, scoped: bool) -> None:
    """The model's own-authority object and, for scoped models, the other authority's (with a secret marker)."""
    maker = MAKERS.get(model_label)
    if maker is None or (model_label, OWN) in world.objects:
        return
    world.objects[(model_label, OWN)] = maker(world.own, marker(OWN, model_label))
    other_marker = marker(OTHER, model_label)
    world.objects[(model_label, OTHER)] = maker(world.other, other_marker)
    if scoped:
        world.secrets.add(other_marker)


# --- Endpoints ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    data: dict | list | None = None
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None


@dataclass(frozen=True)
class Endpoint:
    """One URL name (with one way of calling it), tried by every role against own and other objects."""

    id: str
    url_name: str
    kind: Kind
    build: Callable[[World, str, str], Request]  # (world, role, scope) -> request
    expected: Callable[[str, str], Expect]  # (role, scope) -> outcome
    model: str | None = None
    scoped: bool = False
    # Checks after the request, e.g. that nothing was deleted: (world, role, scope, response) -> problem or None.
    verify: Callable | None = None
    # Open data: the same answer for every role; other authorities' public objects may appear in it,
    # withheld objects never.
    public: bool = False
    # Markers that are secret elsewhere (the admin) but public on this page, e.g. the catalogue of
    # indicators and measures a staff page offers for linking: (world) -> texts.
    may_show: Callable[[World], set[str]] | None = None
    # Roles that see more than the public on a public page (the department's preview of a draft).
    previewers: frozenset[str] = frozenset()
    # The roles to try, if not all of them.
    roles: tuple[str, ...] | None = None

    @property
    def scopes(self) -> tuple[str, ...]:
        return (OWN, OTHER) if self.scoped else (OWN,)


def by_role(mapping: dict[str, Expect], default: Expect) -> Callable[[str, str], Expect]:
    return lambda role, scope: mapping.get(role, default)


# --- The admin, generated from ADMIN_ACCESS ------------------------------------------------------


@dataclass(frozen=True)
class Access:
    view: frozenset[str]
    add: frozenset[str]
    change: frozenset[str]
    delete: frozenset[str]
    scoped: bool = False
    note: str = ""


def access(view=NOBODY, add=NOBODY, change=NOBODY, delete=NOBODY, *, scoped=False, note="") -> Access:
    return Access(frozenset(view), frozenset(add), frozenset(change), frozenset(delete), scoped, note)


SUPERUSER_ONLY = access({SUPERUSER}, {SUPERUSER}, {SUPERUSER}, {SUPERUSER}, note="Django model permissions")
LOG_FOR_SUPERUSERS = access({SUPERUSER}, NOBODY, {SUPERUSER}, {SUPERUSER}, note="records written by the system")
DEPARTMENT_ONLY = access(ADMINS, ADMINS, ADMINS, ADMINS)
DEPARTMENT_READ_ONLY = access(ADMINS)
SURVEY_ADMIN = access(ADMINS | {ANALYST}, ADMINS, ADMINS, ADMINS)
EDITORS = ADMINS | {AUTHORITY_STAFF}
# The concept (editions, areas, goals, breakdowns, geographies) belongs to no authority: every staff
# role reads it, the department edits it (monitoring.permissions.can_edit_concept).
CONCEPT = access(STAFF_ROLES, ADMINS, ADMINS, ADMINS)
# An authority's data: every staff role reads its own authority's, authority staff edit it.
AUTHORITY_DATA = access(STAFF_ROLES, EDITORS, EDITORS, EDITORS, scoped=True)

ADMIN_ACCESS: dict[str, Access] = {
    "accounts.user": access(ADMINS, ADMINS, ADMINS, NOBODY, note="offboarded, never deleted"),
    "accounts.authority": access(STAFF_ROLES, ADMINS, ADMINS, ADMINS),
    "otp_totp.totpdevice": access(ADMINS, NOBODY, NOBODY, ADMINS),
    "auth.group": SUPERUSER_ONLY,
    "authtoken.tokenproxy": SUPERUSER_ONLY,
    "axes.accessattempt": LOG_FOR_SUPERUSERS,
    "axes.accessfailurelog": LOG_FOR_SUPERUSERS,
    "axes.accesslog": LOG_FOR_SUPERUSERS,
    "core.siteprofile": SUPERUSER_ONLY,
    "django_tasks_database.dbtaskresult": LOG_FOR_SUPERUSERS,
    "monitoring.edition": CONCEPT,
    "monitoring.areaofaction": CONCEPT,
    "monitoring.subgoal": CONCEPT,
    "monitoring.breakdowndimension": CONCEPT,
    "monitoring.breakdowncategory": CONCEPT,
    "monitoring.geography": CONCEPT,
    # An indicator's identity is the concept's; staff see those assigned to their authority in any edition.
    "monitoring.indicator": access(STAFF_ROLES, ADMINS, ADMINS, ADMINS, scoped=True),
    "monitoring.indicatorversion": AUTHORITY_DATA,
    "monitoring.target": AUTHORITY_DATA,
    "monitoring.observation": AUTHORITY_DATA,
    "monitoring.measure": AUTHORITY_DATA,
    "monitoring.assessment": access(STAFF_ROLES, NOBODY, NOBODY, ADMINS, note="computed, public, never edited"),
    "participation.procedure": DEPARTMENT_ONLY,
    "participation.stakeholdergroup": DEPARTMENT_ONLY,
    "participation.event": DEPARTMENT_ONLY,
    "participation.registration": access(ADMINS, NOBODY, NOBODY, ADMINS, note="deleted when consent is withdrawn"),
    "participation.contribution": access(
        ADMINS, NOBODY, ADMINS, NOBODY, note="recorded by the workflow, never deleted"
    ),
    "participation.bundle": access(ADMINS, NOBODY, ADMINS, NOBODY, note="made by the workflow, never deleted"),
    "participation.review": DEPARTMENT_READ_ONLY,
    "participation.assignment": DEPARTMENT_READ_ONLY,
    "participation.opinion": DEPARTMENT_READ_ONLY,
    "participation.evaluation": DEPARTMENT_READ_ONLY,
    "participation.transitionlog": DEPARTMENT_READ_ONLY,
    "participation.documentationbuild": DEPARTMENT_READ_ONLY,
    "surveys.survey": SURVEY_ADMIN,
    "surveys.question": SURVEY_ADMIN,
    "surveys.indexdomain": SURVEY_ADMIN,
    "surveys.barometer": SURVEY_ADMIN,
    "surveys.climatearealink": SURVEY_ADMIN,
    "surveys.wave": SURVEY_ADMIN,
    "surveys.weightingrun": access(SURVEY_ADMIN.view, NOBODY, NOBODY, SURVEY_ADMIN.delete, note="computed"),
}

ADMIN_URL_KINDS = {
    "changelist": Kind.ADMIN_CHANGELIST,
    "add": Kind.ADMIN_ADD,
    "change": Kind.ADMIN_CHANGE,
    "delete": Kind.ADMIN_DELETE,
    "history": Kind.ADMIN_HISTORY,
    "simple_history": Kind.ADMIN_VERSION,
}
MISSING_PK = 987654321  # for models without a maker: the object views are tried with an id that does not exist


def _admin_expected(rules: Access, kind: Kind, object_exists: bool) -> Callable[[str, str], Expect]:
    def expected(role: str, scope: str) -> Expect:
        if role in (ANONYMOUS, NO_ROLE):
            return TO_ADMIN_LOGIN
        may_view = role in rules.view | rules.change
        if kind in (Kind.ADMIN_CHANGELIST, Kind.SEARCH):
            return OK if may_view else DENIED
        if kind == Kind.ADMIN_ADD:
            return OK if role in rules.add else DENIED
        if kind == Kind.BULK_ACTION:
            return expect("200 or 302, nothing outside the scope deleted", (200, None), (302, None), (403, None))
        allowed = role in rules.delete if kind == Kind.ADMIN_DELETE else may_view
        hidden = not object_exists or (rules.scoped and scope == OTHER and role not in UNSCOPED_ROLES)
        if not allowed:
            return expect("403 or hidden", *DENIED.outcomes, *HIDDEN.outcomes)
        return HIDDEN if hidden else OK

    return expected


def _admin_request(info: str, suffix: str, model_label: str) -> Callable[[World, str, str], Request]:
    def build(world: World, role: str, scope: str) -> Request:
        name = f"admin:{info}_{suffix}"
        obj = world.obj(model_label, scope)
        pk = obj.pk if obj is not None else MISSING_PK
        if suffix in ("changelist", "add"):
            return Request("get", reverse(name))
        if suffix == "simple_history":
            record = obj.history.order_by("history_id").first() if obj is not None else None
            return Request("get", reverse(name, args=[pk, record.history_id if record else MISSING_PK]))
        return Request("get", reverse(name, args=[pk]))

    return build


def _bulk_delete_request(info: str, model_label: str) -> Callable[[World, str, str], Request]:
    def build(world: World, role: str, scope: str) -> Request:
        obj = world.obj(model_label, scope)
        data = {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        return Request("post", reverse(f"admin:{info}_changelist"), data=data)

    return build


def _changelist_query(info: str, query: Callable[[World, str], str]) -> Callable[[World, str, str], Request]:
    def build(world: World, role: str, scope: str) -> Request:
        return Request("get", reverse(f"admin:{info}_changelist") + query(world, scope))

    return build


def _finds_own(model_label: str, rules: Access):
    """A search that may show the own object finds it (so an empty page cannot pass for a scoped one)."""

    def verify(world: World, role: str, scope: str, response) -> str | None:
        if response.status_code != 200 or role not in rules.view | rules.change:
            return None
        own = world.obj(model_label, OWN)
        # The row's link to its change view counts too: without any action the role may run, the change
        # list has no checkbox column, whose label was the only place showing the object's whole name.
        change_url = reverse(f"admin:{own._meta.app_label}_{own._meta.model_name}_change", args=[own.pk])
        shown = (marker(OWN, model_label), escape(str(own)), f'href="{change_url}')
        if not any(text.encode() in response.content for text in shown):
            return f"as {role}, searching for {SEARCH_TERM!r} does not find the own {model_label}"
        return None

    return verify


SEARCH_TERM = "MATRIX"  # in every marker, but never a whole one: the echo of the term reveals nothing
# The maker returns a fixture of the world itself, which a bulk delete test must not remove.
NO_BULK_DELETE = {"accounts.authority"}


def _survives_unless_permitted(model_label: str, rules: Access):
    def verify(world: World, role: str, scope: str, response) -> str | None:
        obj = world.obj(model_label, scope)
        exists = type(obj)._base_manager.filter(pk=obj.pk).exists()
        may_delete = role in rules.delete and (scope == OWN or not rules.scoped or role in UNSCOPED_ROLES)
        if not exists and not may_delete:
            return f"{role} deleted the {scope} {model_label} through a bulk action"
        if exists and may_delete:
            return f"{role} may delete the {scope} {model_label} but the bulk action did not"
        if not exists:
            # Put it back for the next role.
            world.objects[(model_label, scope)] = MAKERS[model_label](
                world.own if scope == OWN else world.other, marker(scope, model_label)
            )
        return None

    return verify


def admin_endpoints(site: django_admin.AdminSite, access_table: dict[str, Access]) -> list[Endpoint]:
    """Endpoints for every URL the site generates for its registered models."""
    endpoints = []
    provided = provided_models()
    for model, model_admin in sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower):
        label = model._meta.label_lower
        rules = access_table.get(label)
        if rules is None:
            continue  # reported by test_every_admin_model_has_an_access_rule
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        object_exists = label in MAKERS or label in provided
        has_versions = isinstance(model_admin, SimpleHistoryAdmin)
        suffixes = [s for s in ADMIN_URL_KINDS if s != "simple_history" or has_versions]
        for suffix in suffixes:
            endpoints.append(
                Endpoint(
                    id=f"admin:{info}_{suffix}",
                    url_name=f"admin:{info}_{suffix}",
                    kind=ADMIN_URL_KINDS[suffix],
                    build=_admin_request(info, suffix, label),
                    expected=_admin_expected(rules, ADMIN_URL_KINDS[suffix], object_exists),
                    model=label,
                    scoped=rules.scoped,
                )
            )
        if model_admin.search_fields and object_exists:
            endpoints.append(
                Endpoint(
                    id=f"admin:{info}_changelist[search]",
                    url_name=f"admin:{info}_changelist",
                    kind=Kind.SEARCH,
                    build=_changelist_query(info, lambda world, scope: f"?q={SEARCH_TERM}"),
                    expected=_admin_expected(rules, Kind.SEARCH, object_exists),
                    model=label,
                    scoped=rules.scoped,
                    verify=_finds_own(label, rules),
                )
            )
        if rules.scoped and object_exists and _has_list_filter(model_admin, "authority"):
            # A filter naming the other authority: the change list is scoped first, so it stays empty.
            endpoints.append(
                Endpoint(
                    id=f"admin:{info}_changelist[filter: other authority]",
                    url_name=f"admin:{info}_changelist",
                    kind=Kind.SEARCH,
                    build=_changelist_query(info, lambda world, scope: f"?authority__id__exact={world.other.pk}"),
                    expected=_admin_expected(rules, Kind.SEARCH, object_exists),
                    model=label,
                    scoped=rules.scoped,
                )
            )
        if object_exists and label not in NO_BULK_DELETE:
            # An object the world cannot make again (it comes out of a workflow) is offered for deletion
            # only to the roles that must not delete it.
            remade = label in MAKERS
            endpoints.append(
                Endpoint(
                    id=f"admin:{info}_changelist[bulk delete]",
                    url_name=f"admin:{info}_changelist",
                    kind=Kind.BULK_ACTION,
                    build=_bulk_delete_request(info, label),
                    expected=_admin_expected(rules, Kind.BULK_ACTION, object_exists),
                    model=label,
                    scoped=rules.scoped,
                    verify=_survives_unless_permitted(label, rules),
                    roles=None if remade else tuple(role for role in ROLES if role not in rules.delete),
                )
            )
    return endpoints


def _has_list_filter(model_admin, field_name: str) -> bool:
    names = (item[0] if isinstance(item, tuple) else item for item in model_admin.list_filter)
    return field_name in names


# --- Makers: an object of the model belonging to an authority, showing a marker -----------------


def monitoring_factories():
    from tests.monitoring import factories

    return factories


def _indicator_of(authority: Authority, marker: str):
    factories = monitoring_factories()
    version = factories.IndicatorVersionFactory(
        indicator=factories.IndicatorFactory(code=marker), authority=authority, title=marker
    )
    return version


MAKERS: dict[str, Maker] = {
    "accounts.user": lambda authority, marker: User.objects.create(
        username=marker.lower(), first_name=marker, authority=authority, password="!"
    ),
    "accounts.authority": lambda authority, marker: authority,
    "monitoring.indicatorversion": _indicator_of,
    "monitoring.indicator": lambda authority, marker: _indicator_of(authority, marker).indicator,
    "monitoring.target": lambda authority, marker: monitoring_factories().TargetFactory(
        indicator=_indicator_of(authority, marker).indicator, note=marker
    ),
    "monitoring.observation": lambda authority, marker: monitoring_factories().ObservationFactory(
        indicator=_indicator_of(authority, marker).indicator, note=marker, value=RELEASED_VALUE
    ),
    "monitoring.measure": lambda authority, marker: monitoring_factories().MeasureFactory(
        code=marker.lower(), title=marker, authority=authority
    ),
    # Concept-wide objects: made for both authorities' worlds alike, never secret.
    "monitoring.edition": lambda authority, marker: monitoring_factories().EditionFactory(
        code=marker.lower(), title=marker
    ),
    "monitoring.areaofaction": lambda authority, marker: monitoring_factories().AreaOfActionFactory(
        code=marker.lower(), title=marker
    ),
    "monitoring.subgoal": lambda authority, marker: monitoring_factories().SubGoalFactory(
        code=marker.lower(), text=marker
    ),
    "monitoring.breakdowndimension": lambda authority, marker: monitoring_factories().DimensionFactory(
        code=marker.lower(), name=marker
    ),
    "monitoring.breakdowncategory": lambda authority, marker: monitoring_factories().CategoryFactory(
        dimension=monitoring_factories().DimensionFactory(code=f"{marker.lower()[:40]}-dim", name="Dimension"),
        code=marker.lower(),
        name=marker,
    ),
    "monitoring.geography": lambda authority, marker: monitoring_factories().DistrictFactory(
        code=marker.lower(), name=marker
    ),
    "monitoring.assessment": lambda authority, marker: _assessment_of(_indicator_of(authority, marker)),
}


def _assessment_of(version):
    from teilhabe.monitoring.models import Assessment

    return Assessment.objects.create(
        indicator=version.indicator,
        edition=version.edition,
        series_kind=Assessment.SeriesKind.TOTAL,
        geography=monitoring_factories().GeographyFactory(),
        profile="opensdg",
        status="substantial_progress",
    )


# Distinct numbers, so that files without the note column (reports, Open-SDG CSV) can be searched too.
RELEASED_VALUE, WITHHELD_VALUE = 27182.5, 31415.25


def _withheld_observations(world: World) -> None:
    """Each authority's observed indicator has a later value that is not public before its release date."""
    for scope in (OWN, OTHER):
        text = f"MATRIX-WITHHELD-{scope.upper()}-observation"
        world.objects[("withheld.observation", scope)] = monitoring_factories().ObservationFactory(
            indicator=world.obj("monitoring.observation", scope).indicator,
            year=2021,
            note=text,
            value=WITHHELD_VALUE,
            released_on=datetime.date(2999, 1, 1),
        )
        world.withheld |= {text, str(WITHHELD_VALUE)}
        if scope == OTHER:
            world.secrets.add(text)


# Objects beyond one per model and authority, made once per world.
EXTRAS: list[Callable[[World], None]] = [_withheld_observations]


# --- Site-level admin pages and the other staff endpoints ---------------------------------------


def _get(name: str, *args, query: str = "", **kwargs) -> Callable[[World, str, str], Request]:
    return lambda world, role, scope: Request("get", reverse(name, args=args, kwargs=kwargs) + query)


def _app_list_endpoints() -> list[Endpoint]:
    endpoints = []
    for app_label in sorted({model._meta.app_label for model in django_admin.site._registry}):
        roles_in_app = set()
        for model in django_admin.site._registry:
            if model._meta.app_label == app_label:
                rules = ADMIN_ACCESS.get(model._meta.label_lower)
                if rules:
                    roles_in_app |= rules.view | rules.change | rules.add | rules.delete
        if app_label in TECHNICAL_APPS:
            # The framework's and libraries' own apps are listed for superusers only (accounts/admin_site.py);
            # their models' own URLs keep the rules of ADMIN_ACCESS.
            roles_in_app &= {SUPERUSER}
        admin_outcome = {role: (OK if role in roles_in_app else NOT_FOUND) for role in STAFF_ROLES}
        endpoints.append(
            Endpoint(
                id=f"admin:app_list[{app_label}]",
                url_name="admin:app_list",
                kind=Kind.ADMIN_SITE,
                build=_get("admin:app_list", app_label=app_label),
                expected=by_role(admin_outcome, TO_ADMIN_LOGIN),
            )
        )
    return endpoints


def _upload_request(world: World, role: str, scope: str) -> Request:
    version = world.obj("monitoring.indicatorversion", scope)
    row = {"indicator": version.indicator.code, "period": "2021", "geography": "city", "value": 42.5}
    headers = {} if role == ANONYMOUS else {"HTTP_AUTHORIZATION": f"Token {world.tokens[role]}"}
    return Request(
        "post", reverse("api:observation_upload"), data=[row], headers=headers, content_type="application/json"
    )


def _upload_expected(role: str, scope: str) -> Expect:
    if role == ANONYMOUS:
        return API_UNAUTHENTICATED
    if role in UNSCOPED_ROLES or (role == Role.AUTHORITY_STAFF and scope == OWN):
        return OK
    return DENIED  # another authority's indicator too: 403, and nothing stored (verified below)


def _upload_stored_only_when_allowed(world: World, role: str, scope: str, response) -> str | None:
    """An allowed upload stores the row (once: a repeat is an upsert); a refused one stores nothing."""
    from teilhabe.monitoring.models import Observation

    indicator = world.obj("monitoring.indicatorversion", scope).indicator
    stored = Observation.objects.filter(indicator=indicator, period="2021").count()
    if _upload_expected(role, scope) is OK:
        world.notes[("uploaded", scope)] = True
    expected = 1 if world.notes.get(("uploaded", scope)) else 0
    if stored != expected:
        return f"as {role} on the {scope} indicator: {stored} observations stored, expected {expected}"
    return None


def _with_indicators(world: World) -> None:
    monitoring_factories().GeographyFactory()
    make_objects(world, "monitoring.indicatorversion", scoped=True)


def _autocomplete_finds_own_indicator(world: World, role: str, scope: str, response) -> str | None:
    own = world.obj("monitoring.indicator", OWN)
    if response.status_code == 200 and own.code.encode() not in response.content:
        return f"as {role}, the indicator autocomplete does not offer the own indicator {own.code}"
    return None


ACCOUNT_PAGES = {role: OK for role in ROLES[1:]}


def _account(name: str) -> Endpoint:
    return Endpoint(
        id=f"accounts:{name}",
        url_name=f"accounts:{name}",
        kind=Kind.STAFF_VIEW,
        build=_get(f"accounts:{name}"),
        expected=by_role(ACCOUNT_PAGES, TO_LOGIN),
    )


PUBLIC_READ = {role: OK for role in ROLES}
EVERYONE_OK = by_role(PUBLIC_READ, OK)
EVERYONE_NOT_FOUND = by_role({}, NOT_FOUND)


def public_api(
    name: str,
    model_label: str | None = None,
    lookup: Callable | None = None,
    *,
    query: Callable[[World, str], str] | None = None,
    shows: Callable[[World, str], str] | None = None,
    variant: str = "",
    kind: Kind = Kind.API,
    expected: Callable[[str, str], Expect] = EVERYONE_OK,
    scoped: bool | None = None,
) -> Endpoint:
    """An open-data endpoint: the same answer for every role, own or other authority's object alike.

    `query` adds a query string (e.g. a filter naming the other authority's indicator); `shows` names a
    marker the answer must contain for every role (public data is not hidden from anyone either).
    """

    def build(world: World, role: str, scope: str) -> Request:
        kwargs = lookup(world.obj(model_label, scope)) if model_label is not None else {}
        return Request("get", reverse(f"api:{name}", kwargs=kwargs) + (query(world, scope) if query else ""))

    def verify(world: World, role: str, scope: str, response) -> str | None:
        wanted = shows(world, scope)
        if response.status_code == 200 and wanted.encode() not in readable_body(response):
            return f"as {role} ({scope}): the public answer lacks {wanted}"
        return None

    return Endpoint(
        id=f"api:{name}{f'[{variant}]' if variant else ''}",
        url_name=f"api:{name}",
        kind=kind,
        build=build,
        expected=expected,
        model=model_label,
        scoped=(model_label is not None or query is not None) if scoped is None else scoped,
        verify=verify if shows else None,
        public=True,
    )


def _code_of_indicator(label: str) -> Callable[[World, str], str]:
    return lambda world, scope: world.obj(label, scope).indicator.code


def _released(world: World, scope: str) -> str:
    return marker(scope, "monitoring.observation")


# --- Checks shared by the endpoints of every context ---------------------------------------------


def post_guarded(
    build: Callable[[World, str, str], Request],
    count: Callable[[World, str], object],
    allowed: Callable[[str, str], bool],
    what: str,
):
    """A POST endpoint whose refusal must change nothing: (build, verify) that compare a count around it."""

    def counting_build(world: World, role: str, scope: str) -> Request:
        world.notes[("before", scope)] = count(world, scope)
        return build(world, role, scope)

    def verify(world: World, role: str, scope: str, response) -> str | None:
        if count(world, scope) != world.notes[("before", scope)] and not allowed(role, scope):
            return f"as {role}, the refused request changed {what} ({scope})"
        return None

    return counting_build, verify


def finds(texts: Callable[[World, str, str], set[str]]):
    """The page shows what this role may see (so an empty page cannot pass for a scoped one)."""

    def verify(world: World, role: str, scope: str, response) -> str | None:
        if response.status_code != 200:
            return None
        body = readable_body(response)
        missing = sorted(text for text in texts(world, role, scope) if text.encode() not in body)
        return f"as {role} ({scope}): the page lacks {', '.join(missing)}" if missing else None

    return verify


def absent(texts_by_role: Callable[[str], set[str]]):
    """Public texts a role's work page still must not list (e.g. another moderator's event)."""

    def verify(world: World, role: str, scope: str, response) -> str | None:
        body = readable_body(response)
        shown = sorted(text for text in texts_by_role(role) if text.encode() in body)
        return f"as {role}: the work page lists {', '.join(shown)}" if shown else None

    return verify


def both(*verifies):
    def verify(world: World, role: str, scope: str, response) -> str | None:
        problems = [problem for check in verifies if (problem := check(world, role, scope, response))]
        return "; ".join(problems) or None

    return verify


# Set-up hooks for endpoints that need objects beyond their own model's.
SETUP: dict[str, Callable[[World], None]] = {"api:observation_upload": _with_indicators}

ENDPOINTS: list[Endpoint] = [
    Endpoint(
        id="admin:index",
        url_name="admin:index",
        kind=Kind.ADMIN_SITE,
        build=_get("admin:index"),
        expected=by_role({role: OK for role in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        id="admin:password_change",
        url_name="admin:password_change",
        kind=Kind.ADMIN_SITE,
        build=_get("admin:password_change"),
        expected=by_role({r: OK for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        id="admin:password_change_done",
        url_name="admin:password_change_done",
        kind=Kind.ADMIN_SITE,
        build=_get("admin:password_change_done"),
        expected=by_role({r: OK for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        id="admin:jsi18n",
        url_name="admin:jsi18n",
        kind=Kind.ADMIN_SITE,
        build=_get("admin:jsi18n"),
        expected=by_role({r: OK for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        # Django asks for view permission on the searched model (authorities: every staff role).
        id="admin:autocomplete[indicator version → authority]",
        url_name="admin:autocomplete",
        kind=Kind.SEARCH,
        build=_get(
            "admin:autocomplete",
            query="?app_label=monitoring&model_name=indicatorversion&field_name=authority&term=matrix",
        ),
        expected=by_role({r: OK for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    *[
        Endpoint(
            # The related model's admin scopes the choices: the other authority's indicators are not offered.
            id=f"admin:autocomplete[{model_name} → indicator]",
            url_name="admin:autocomplete",
            kind=Kind.SEARCH,
            build=_get(
                "admin:autocomplete",
                query=f"?app_label=monitoring&model_name={model_name}&field_name=indicator&term={SEARCH_TERM}",
            ),
            expected=by_role({r: OK for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
            verify=_autocomplete_finds_own_indicator,
        )
        for model_name in ("observation", "target", "indicatorversion")
    ],
    Endpoint(
        id="admin:auth_user_password_change",
        url_name="admin:auth_user_password_change",
        kind=Kind.ADMIN_CHANGE,
        model="accounts.user",
        build=lambda world, role, scope: Request(
            "get", reverse("admin:auth_user_password_change", args=[world.obj("accounts.user", scope).pk])
        ),
        expected=by_role({r: OK if r in ADMINS else DENIED for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        id="admin:monitoring_import_upload",
        url_name="admin:monitoring_import_upload",
        kind=Kind.STAFF_VIEW,
        build=_get("admin:monitoring_import_upload"),
        expected=by_role({r: OK if r in ADMINS else DENIED for r in STAFF_ROLES}, TO_ADMIN_LOGIN),
    ),
    Endpoint(
        # Confirming a previewed import (POST with the preview's token); a stale token changes nothing.
        id="admin:monitoring_import_confirm",
        url_name="admin:monitoring_import_confirm",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "post", reverse("admin:monitoring_import_confirm"), data={"token": "0" * 32}
        ),
        expected=by_role(
            {
                r: expect("302 to the upload page", (302, "/admin/monitoring/observation/import/"))
                if r in ADMINS
                else DENIED
                for r in STAFF_ROLES
            },
            TO_ADMIN_LOGIN,
        ),
    ),
    _account("account_detail"),
    _account("otp_enrol"),
    _account("password_change"),
    _account("password_change_done"),
    Endpoint(
        # Any staff member makes their own API key (after the second factor, where they use one).
        id="accounts:api_token",
        url_name="accounts:api_token",
        kind=Kind.STAFF_VIEW,
        build=_get("accounts:api_token"),
        expected=by_role({**{r: OK for r in STAFF_ROLES}, NO_ROLE: DENIED}, TO_LOGIN),
    ),
    Endpoint(
        id="accounts:otp_verify",
        url_name="accounts:otp_verify",
        kind=Kind.STAFF_VIEW,
        build=_get("accounts:otp_verify"),
        expected=by_role(
            {r: expect("302 to enrolment", (302, "/konto/zwei-faktor/einrichten/")) for r in ROLES[1:]}, TO_LOGIN
        ),
    ),
    Endpoint(
        id="accounts:invitation_create",
        url_name="accounts:invitation_create",
        kind=Kind.STAFF_VIEW,
        build=_get("accounts:invitation_create"),
        expected=by_role({r: OK if r in ADMINS else DENIED for r in ROLES[1:]}, TO_LOGIN),
    ),
    Endpoint(
        id="api:observation_upload",
        url_name="api:observation_upload",
        kind=Kind.API,
        model="monitoring.indicatorversion",
        scoped=True,
        build=_upload_request,
        expected=_upload_expected,
        verify=_upload_stored_only_when_allowed,
    ),
    # Open data: public by design, the same for every role; any authority's published data is public,
    # so filters naming another authority's objects answer alike for everyone. Observations before their
    # release date are withheld from everyone (World.withheld), by every list, filter, detail and file.
    *[
        public_api(name)
        for name in (
            "root",
            "edition_list",
            "area_list",
            "subgoal_list",
            "indicator_list",
            "target_list",
            "assessment_list",
            "measure_list",
            "correction_list",
            "procedure_list",
            "event_list",
            "contribution_list",
            "structure_vs_climate_list",
            "climate_index_list",
        )
    ],
    public_api("observation_list", shows=lambda world, scope: _released(world, OTHER)),
    public_api(
        "observation_list",
        variant="filter: the scope's indicator",
        query=lambda world, scope: f"?indicator={_code_of_indicator('monitoring.observation')(world, scope)}",
        shows=_released,
    ),
    public_api(
        "observation_list",
        variant="filter: the scope's indicator with a withheld value",
        query=lambda world, scope: f"?indicator={_code_of_indicator('withheld.observation')(world, scope)}",
    ),
    public_api(
        "correction_list",
        variant="filter: the scope's indicator with a withheld value",
        query=lambda world, scope: f"?indicator={_code_of_indicator('withheld.observation')(world, scope)}",
    ),
    public_api(
        "target_list",
        variant="filter: the scope's indicator",
        query=lambda world, scope: (
            f"?indicator={_code_of_indicator('monitoring.target')(world, scope)}"
            f"&edition={world.obj('monitoring.target', scope).edition.code}"
        ),
        shows=lambda world, scope: marker(scope, "monitoring.target"),
    ),
    public_api(
        "measure_list",
        variant="filter: the scope's authority",
        query=lambda world, scope: f"?authority={(world.own if scope == OWN else world.other).code}",
        shows=lambda world, scope: marker(scope, "monitoring.measure"),
    ),
    public_api("datapackage_download", kind=Kind.EXPORT, shows=lambda world, scope: _released(world, OTHER)),
    public_api("workbook_download", kind=Kind.EXPORT, shows=lambda world, scope: _released(world, OTHER)),
    public_api("indicator_detail", "monitoring.indicator", lambda indicator: {"code": indicator.code}),
    public_api(
        "indicator_opensdg_csv",
        "withheld.observation",
        lambda observation: {"code": observation.indicator.code},
        kind=Kind.EXPORT,
        shows=lambda world, scope: str(RELEASED_VALUE),
    ),
    public_api("measure_detail", "monitoring.measure", lambda measure: {"code": measure.code}),
    public_api("target_detail", "monitoring.target", lambda target: {"pk": target.pk}),
    public_api(
        "observation_detail",
        "monitoring.observation",
        lambda observation: {"pk": observation.pk},
        shows=_released,
    ),
    public_api(
        "observation_detail",
        "withheld.observation",
        lambda observation: {"pk": observation.pk},
        variant="before its release date",
        expected=EVERYONE_NOT_FOUND,
    ),
    public_api("edition_detail", "monitoring.edition", lambda edition: {"code": edition.code}),
    public_api("area_detail", "monitoring.areaofaction", lambda area: {"pk": area.pk}),
    public_api("subgoal_detail", "monitoring.subgoal", lambda goal: {"pk": goal.pk}),
    public_api("assessment_detail", "monitoring.assessment", lambda assessment: {"pk": assessment.pk}),
]


def view_on_site_endpoints(site: django_admin.AdminSite, access_table: dict[str, Access]) -> list[Endpoint]:
    """The admin's "view on site" redirect for every model with a public URL: only for objects the user
    may see in the admin (the change view's scope and view permission); 404 for everything else, so it
    reveals neither that an object exists nor where (issue 11, finding 10)."""
    endpoints = []
    provided = provided_models()
    for model, _model_admin in sorted(site._registry.items(), key=lambda item: item[0]._meta.label_lower):
        label = model._meta.label_lower
        rules = access_table.get(label)
        if rules is None or not hasattr(model, "get_absolute_url") or label not in MAKERS.keys() | provided:
            continue
        scoped = rules.scoped and label in MAKERS

        def build(world: World, role: str, scope: str, label=label) -> Request:
            obj = world.obj(label, scope)
            return Request("get", reverse("admin:view_on_site", args=[_content_type_id(label), obj.pk]))

        def expected(role: str, scope: str, rules=rules) -> Expect:
            if role in (ANONYMOUS, NO_ROLE):
                return TO_ADMIN_LOGIN
            in_scope = not rules.scoped or scope == OWN or role in UNSCOPED_ROLES
            if role in rules.view | rules.change and in_scope:
                return expect("302 to the public page", (302, None))
            return NOT_FOUND

        def verify(world: World, role: str, scope: str, response, label=label) -> str | None:
            target = world.obj(label, scope).get_absolute_url()
            location = (response.get("Location") or "").removeprefix("http://testserver")
            if response.status_code == 302 and location != target and not location.startswith("/admin/login/"):
                return f"as {role}, view on site for the {scope} {label} leads to {location}, not {target}"
            return None

        endpoints.append(
            Endpoint(
                id=f"admin:view_on_site[{label}]",
                url_name="admin:view_on_site",
                kind=Kind.ADMIN_SITE,
                build=build,
                expected=expected,
                model=label,
                scoped=scoped,
                verify=verify,
            )
        )
    return endpoints


def _content_type_id(model_label: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    app_label, model_name = model_label.split(".")
    return ContentType.objects.get_by_natural_key(app_label, model_name).pk


# --- Pages outside the matrix --------------------------------------------------------------------

PUBLIC_NAMESPACES = {
    "portal": "public pages by design; the portal owns no models and shows published data only",
}
PUBLIC: dict[str, str] = {
    "healthz": "health check for load balancers; no data",
    "set_language": "language switch",
    "admin:login": "login form",
    "admin:logout": "logout (POST)",
    "accounts:login": "login form",
    "accounts:logout": "logout (POST)",
    "accounts:password_reset": "public form; answers alike for every address",
    "accounts:password_reset_done": "static confirmation",
    "accounts:password_reset_confirm": "one-time link",
    "accounts:password_reset_complete": "static confirmation",
    "accounts:invitation_accept": "one-time link",
    "api:schema": "OpenAPI schema",
    "api:docs": "API documentation",
    "reports:concept_pdf": "published document",
    "reports:annual_report_pdf": "published document",
    "reports:annual_report_xlsx": "published document (targets and assessments; no observation values)",
}
# Endpoints built in parallel this round whose rules their owners have not yet put in the matrix.
# Each must move into ENDPOINTS (staff, export, search, API) or PUBLIC in the next round; the list may
# only shrink (test_url_coverage fails for a name here that no longer exists, and for any new name).
UNCLASSIFIED_THIS_ROUND: set[str] = set()


# The contexts whose objects and endpoints have their own modules; imported when needed, since they build on
# this one. Each has populate(world), PROVIDED (admin models whose objects populate() makes) and ENDPOINTS.
CONTEXT_MODULES = ("tests.trust.matrix_participation", "tests.trust.matrix_surveys")


def contexts() -> list:
    return [importlib.import_module(name) for name in CONTEXT_MODULES]


def provided_models() -> set[str]:
    return {label for context in contexts() for label in context.PROVIDED}


def all_endpoints() -> list[Endpoint]:
    return [
        *admin_endpoints(django_admin.site, ADMIN_ACCESS),
        *view_on_site_endpoints(django_admin.site, ADMIN_ACCESS),
        *_app_list_endpoints(),
        *ENDPOINTS,
        *(endpoint for context in contexts() for endpoint in context.ENDPOINTS),
    ]


# --- Walking one endpoint ------------------------------------------------------------------------


def scoped_models() -> set[str]:
    return {label for label, rules in ADMIN_ACCESS.items() if rules.scoped}


def populate(world: World) -> None:
    """Every model's own and other object, the extras, and a session for every role: the shared world."""
    scoped = scoped_models()
    for label in MAKERS:
        make_objects(world, label, scoped=label in scoped)
    for extra in EXTRAS:
        extra(world)
    for context in contexts():
        context.populate(world)
    for role in ROLES[1:]:
        world.client(role)
    world.clients.clear()


def prepare(world: World, endpoint: Endpoint) -> None:
    if endpoint.url_name in SETUP:
        SETUP[endpoint.url_name](world)
    elif endpoint.model is not None:
        make_objects(world, endpoint.model, scoped=endpoint.scoped)


def send(client: Client, request: Request):
    call = getattr(client, request.method)
    if request.content_type is not None:
        return call(request.path, data=json.dumps(request.data), content_type=request.content_type, **request.headers)
    return call(request.path, data=request.data, **request.headers)


def readable_body(response) -> bytes:
    """The response's bytes, with a zip file (data package, XLSX workbook) unpacked: markers hide in there too."""
    cached = getattr(response, "_matrix_body", None)
    if cached is not None:
        return cached
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist())
    response._matrix_body = body
    return body


def hidden_from(world: World, role: str, *, public: bool) -> set[str]:
    """The markers no response to this role may contain."""
    if public:
        return world.withheld
    if role in UNSCOPED_ROLES:
        return set()
    hidden = world.secrets | world.role_secrets.get(role, set())
    if role in (ANONYMOUS, NO_ROLE):
        hidden |= world.withheld  # nothing beyond what the public sees
    return hidden


def check_endpoint(world: World, endpoint: Endpoint, roles=ROLES) -> list[str]:
    """Every way this endpoint fails the table, as readable lines (empty when it passes)."""
    problems = []
    if endpoint.roles is not None:
        roles = [role for role in roles if role in endpoint.roles]
    for role, scope in itertools.product(roles, endpoint.scopes):
        try:
            request = endpoint.build(world, role, scope)
        except NoReverseMatch as error:
            problems.append(f"{endpoint.id}: cannot build the URL ({error})")
            break
        response = send(world.client(role), request)
        expected = endpoint.expected(role, scope)
        location = response.get("Location")
        if not expected.accepts(response.status_code, location):
            target = f" → {location}" if location else ""
            problems.append(
                f"{endpoint.id} as {role} on the {scope} object: {response.status_code}{target}, "
                f"expected {expected.label}"
            )
        hidden = hidden_from(world, role, public=endpoint.public and role not in endpoint.previewers)
        if endpoint.may_show is not None:
            hidden = hidden - endpoint.may_show(world)
        if hidden:
            body = readable_body(response)
            asked = f"{request.path} {json.dumps(request.data, default=str)}"
            for secret in sorted(hidden):
                # Echoing what the client itself sent (e.g. a refused indicator code) reveals nothing.
                if secret.encode() in body and secret not in asked:
                    problems.append(f"{endpoint.id} as {role} ({scope}): the response shows {secret}")
        if endpoint.verify is not None:
            problem = endpoint.verify(world, role, scope, response)
            if problem:
                problems.append(f"{endpoint.id}: {problem}")
    return problems
