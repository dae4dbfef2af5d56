"""The authorisation matrix for surveys and the barometer (see matrix.py).

Residents answer anonymously; the department builds and runs surveys; the department and analysts read
the analysis, free text and downloads; public results show counts, never free text.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils import timezone

from teilhabe.surveys.models import Answer, Question, Response, Survey
from teilhabe.surveys.queries import answer_key
from tests.surveys import factories

from .matrix import (
    ADMINS,
    ANALYST,
    ANONYMOUS,
    AUTHORITY_STAFF,
    DENIED,
    EVERYONE_OK,
    MODERATOR,
    NOT_FOUND,
    OK,
    OWN,
    TO_LOGIN,
    Endpoint,
    Expect,
    Kind,
    Request,
    World,
    by_role,
    expect,
    finds,
    post_guarded,
)

# The world holds a survey whose results are not public and one whose results are, each with a free-text
# answer; a draft survey (the department's preview only); and a barometer with a wave.


def populate(world: World) -> None:
    procedure = world.obj("participation.procedure", OWN)
    for name, is_public in (("matrix-survey", False), ("matrix-public-survey", True)):
        survey = factories.SurveyFactory(
            slug=name, title_de=f"{name.upper()} title", results_are_public=is_public, procedure=procedure
        )
        question = factories.QuestionFactory(survey=survey, code="wish", kind=Question.Kind.FREE_TEXT)
        response = Response.objects.create(survey=survey, submitted_on=timezone.localdate())
        answer = f"MATRIX-FREETEXT-{name}"
        Answer.objects.create(response=response, question=question, text=answer)
        world.objects[("surveys.survey", OWN if not is_public else "public")] = survey
        world.objects[("surveys.question", OWN if not is_public else "public")] = question
        world.objects[("surveys.answer", OWN if not is_public else "public")] = Answer.objects.get(text=answer)
        world.withheld.add(answer)
        for role in (AUTHORITY_STAFF, MODERATOR):
            world.role_secrets.setdefault(role, set()).add(answer)
    draft = factories.SurveyFactory(
        slug="matrix-draft-survey", title_de="MATRIX-DRAFT-survey", status=Survey.Status.DRAFT
    )
    factories.QuestionFactory(survey=draft, code="draft_question", text_de="MATRIX-DRAFT-question")
    world.objects[("surveys.survey", "draft")] = draft
    world.withheld |= {"MATRIX-DRAFT-survey", "MATRIX-DRAFT-question"}
    wave = factories.WaveFactory(barometer=factories.BarometerFactory(slug="matrix-barometer"), year=2020)
    world.objects[("surveys.barometer", OWN)] = wave.barometer
    world.objects[("surveys.wave", OWN)] = wave


PROVIDED = {"surveys.survey", "surveys.question", "surveys.barometer", "surveys.wave"}
ANALYSTS = ADMINS | {ANALYST}


def _survey_path(name: str, survey: str = OWN, **kwargs) -> Callable[[World, str, str], Request]:
    return lambda world, role, scope: Request(
        "get", reverse(f"surveys:{name}", kwargs={"slug": world.obj("surveys.survey", survey).slug, **kwargs})
    )


def _logged_in(allowed: frozenset[str]) -> Callable[[str, str], Expect]:
    """A page behind a login: anonymous visitors are sent to it; other roles without the right get 403."""

    def expected(role: str, scope: str) -> Expect:
        if role == ANONYMOUS:
            return TO_LOGIN
        return OK if role in allowed else DENIED

    return expected


def _survey_staff(
    name: str,
    allowed: frozenset[str],
    *,
    variant: str = "",
    kind: Kind = Kind.STAFF_VIEW,
    shows_free_text: bool = False,
    **kwargs,
) -> Endpoint:
    """An analysis page or download; `shows_free_text`: those allowed find the free-text answer in it."""
    return Endpoint(
        id=f"surveys:{name}{f'[{variant}]' if variant else ''}",
        url_name=f"surveys:{name}",
        kind=kind,
        build=_survey_path(name, **kwargs),
        expected=_logged_in(allowed),
        verify=finds(
            lambda world, role, scope: (
                {"MATRIX-FREETEXT-matrix-survey"} if role in allowed and shows_free_text else set()
            )
        ),
    )


def _survey_public(
    name: str,
    *,
    survey: str = OWN,
    method: str = "get",
    variant: str = "",
    expected: Callable[[str, str], Expect] = EVERYONE_OK,
    previewers: frozenset[str] = frozenset(),
    **kwargs,
) -> Endpoint:
    def build(world: World, role: str, scope: str) -> Request:
        slug = world.obj("surveys.survey", survey).slug
        return Request(method, reverse(f"surveys:{name}", kwargs={"slug": slug, **kwargs}))

    return Endpoint(
        id=f"surveys:{name}{f'[{variant}]' if variant else ''}",
        url_name=f"surveys:{name}",
        kind=Kind.STAFF_VIEW,
        build=build,
        expected=expected,
        public=True,
        previewers=previewers,
    )


def _to_survey(name: str) -> Expect:
    return expect(f"302 to the survey's {name}", (302, "/umfragen/"))


_create_contributions = post_guarded(
    lambda world, role, scope: Request(
        "post",
        reverse("surveys:freetext_list", kwargs={"slug": world.obj("surveys.survey", OWN).slug}),
        data={
            "answers": [answer_key(world.obj("surveys.answer", OWN))],
            "kind": "proposal",
            "language": "de",
        },
    ),
    lambda world, scope: Answer.objects.filter(contribution__isnull=False).count(),
    lambda role, scope: role in ADMINS,
    "the answers turned into contributions",
)

ENDPOINTS: list[Endpoint] = [
    # Public: answering is anonymous; open surveys, the barometer and public results are for everyone.
    Endpoint(
        id="surveys:survey_list",
        url_name="surveys:survey_list",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", reverse("surveys:survey_list")),
        expected=EVERYONE_OK,
        public=True,
    ),
    Endpoint(
        id="surveys:structure_climate",
        url_name="surveys:structure_climate",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request("get", reverse("surveys:structure_climate")),
        expected=EVERYONE_OK,
        public=True,
    ),
    Endpoint(
        id="surveys:barometer_detail",
        url_name="surveys:barometer_detail",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get", reverse("surveys:barometer_detail", kwargs={"slug": world.obj("surveys.barometer", OWN).slug})
        ),
        expected=EVERYONE_OK,
        public=True,
    ),
    _survey_public("survey_detail"),
    _survey_public("survey_start", method="post", expected=by_role({}, _to_survey("first page"))),
    _survey_public("survey_resume", method="post", expected=by_role({}, expect("400 (no code given)", (400, None)))),
    _survey_public("survey_page", page=1),
    _survey_public("survey_submit", expected=by_role({}, _to_survey("page (nothing answered yet)"))),
    _survey_public("survey_saved", expected=by_role({}, _to_survey("page (nothing saved)"))),
    _survey_public("survey_thanks", expected=by_role({}, _to_survey("page (nothing submitted)"))),
    # A survey in preparation is answered only in the department's preview.
    _survey_public(
        "survey_page",
        survey="draft",
        page=1,
        variant="draft",
        expected=by_role({role: OK for role in ADMINS}, NOT_FOUND),
        previewers=ADMINS,
    ),
    _survey_public(
        "survey_detail",
        survey="draft",
        variant="draft",
        expected=by_role({role: OK for role in ADMINS}, NOT_FOUND),
        previewers=ADMINS,
    ),
    _survey_public("survey_results", survey="public", variant="public results"),
    # The analysis: the department and analysts.
    Endpoint(
        id="surveys:survey_results",
        url_name="surveys:survey_results",
        kind=Kind.STAFF_VIEW,
        build=_survey_path("survey_results"),
        expected=_logged_in(ANALYSTS),
    ),
    _survey_staff("survey_crosstab", ANALYSTS),
    _survey_staff("freetext_list", ANALYSTS, shows_free_text=True),
    Endpoint(
        id="surveys:freetext_list[search]",
        url_name="surveys:freetext_list",
        kind=Kind.SEARCH,
        build=lambda world, role, scope: Request(
            "get",
            reverse("surveys:freetext_list", kwargs={"slug": world.obj("surveys.survey", OWN).slug}) + "?q=FREETEXT",
        ),
        expected=_logged_in(ANALYSTS),
        verify=finds(lambda world, role, scope: {"MATRIX-FREETEXT-matrix-survey"} if role in ANALYSTS else set()),
    ),
    Endpoint(
        # Turning free-text answers into contributions is the department's.
        id="surveys:freetext_list[create contributions]",
        url_name="surveys:freetext_list",
        kind=Kind.BULK_ACTION,
        build=_create_contributions[0],
        expected=lambda role, scope: (
            TO_LOGIN
            if role == ANONYMOUS
            else expect("302 or 400", (302, None), (400, None))
            if role in ADMINS
            else DENIED
        ),
        verify=_create_contributions[1],
    ),
    *[
        _survey_staff("survey_export", ANALYSTS, variant=format, kind=Kind.EXPORT, shows_free_text=True, format=format)
        for format in ("csv", "xlsx", "sav")
    ],
    _survey_staff("invitation_codes", ADMINS),
    Endpoint(
        id="surveys:wave_detail",
        url_name="surveys:wave_detail",
        kind=Kind.STAFF_VIEW,
        build=lambda world, role, scope: Request(
            "get",
            reverse(
                "surveys:wave_detail",
                kwargs={"slug": world.obj("surveys.barometer", OWN).slug, "year": world.obj("surveys.wave", OWN).year},
            ),
        ),
        expected=_logged_in(ADMINS),
    ),
]
