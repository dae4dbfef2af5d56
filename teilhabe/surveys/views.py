"""Survey pages: answering (public, anonymous, no JavaScript needed), results and analysis (staff),
the barometer and the structure-vs-climate comparison.

While a respondent moves through the pages, their answers live in the session (server side); only the
final submission stores a response. "Save for later" keeps them under a random code instead.
"""

from __future__ import annotations

import functools
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from teilhabe.core.ratelimit import limit_public_form

from . import barometer, exports, permissions, queries, results, services
from . import questionnaire as rules
from .forms import (
    CodeForm,
    ContributionForm,
    CrosstabForm,
    DemographicsForm,
    FreeTextFilterForm,
    InvitationCodesForm,
    MarginsUploadForm,
    PageForm,
    ResumeForm,
)
from .models import Survey

# One response per browser in open mode: the browser keeps a random respondent token in a signed cookie;
# only a keyed hash of it per survey is stored when a response is counted (models.RespondentKey).
RESPONDENT_COOKIE = "surveys_respondent"
RESPONDENT_SALT = "teilhabe.surveys.respondent"
RESPONDENT_COOKIE_DAYS = 365
OUTCOME_COUNTED, OUTCOME_ALREADY = "counted", "already"


# --- Session state of a respondent ----------------------------------------------------------------------------


def _progress_key(survey: Survey) -> str:
    return f"surveys:progress:{survey.pk}"


def _new_progress(*, invitation_hash: str | None = None) -> dict:
    return {"answers": {}, "demographics": {}, "invitation": invitation_hash, "resume": None, "page": None}


def _get_progress(request: HttpRequest, survey: Survey) -> dict | None:
    return request.session.get(_progress_key(survey))


def _set_progress(request: HttpRequest, survey: Survey, progress: dict) -> None:
    request.session[_progress_key(survey)] = progress


def _respondent_token(request: HttpRequest) -> str:
    """This browser's respondent token: from its signed cookie, or new (then `_with_respondent_token` sets it)."""
    token = getattr(request, "_survey_respondent_token", None)
    if token is None:
        token = request.get_signed_cookie(
            RESPONDENT_COOKIE, default=None, salt=RESPONDENT_SALT, max_age=RESPONDENT_COOKIE_DAYS * 86400
        )
        if not token:
            token = secrets.token_urlsafe(24)
            request._survey_respondent_token_is_new = True
        request._survey_respondent_token = token
    return token


def _with_respondent_token(view):
    """Issue the respondent cookie with a survey's answering pages when the browser has none yet."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _respondent_token(request)
        response = view(request, *args, **kwargs)
        if getattr(request, "_survey_respondent_token_is_new", False):
            response.set_signed_cookie(
                RESPONDENT_COOKIE,
                request._survey_respondent_token,
                salt=RESPONDENT_SALT,
                max_age=RESPONDENT_COOKIE_DAYS * 86400,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    return wrapper


def _has_submitted(request: HttpRequest, survey: Survey) -> bool:
    """Whether this browser's response to an open survey has been counted."""
    return survey.mode == Survey.Mode.OPEN and services.has_responded(survey=survey, token=_respondent_token(request))


def _to_thanks(request: HttpRequest, survey: Survey, outcome: str) -> HttpResponse:
    """Forget the answers of this browser's session and show the one message of `outcome` on the thank-you page."""
    request.session.pop(_progress_key(survey), None)
    request.session[f"surveys:outcome:{survey.pk}"] = outcome
    return redirect("surveys:survey_thanks", slug=survey.slug)


def _answering(request: HttpRequest, slug: str) -> tuple[Survey, bool]:
    """The survey and whether this is a preview (staff answering a survey that is not open; nothing is stored)."""
    survey = queries.get_survey_to_answer(slug)
    if survey.is_accepting_responses():
        return survey, False
    if permissions.can_preview(request.user, survey):
        return survey, True
    raise Http404("This survey is not accepting responses.")


def _demographics(progress: dict) -> services.Demographics:
    from teilhabe.monitoring.models import Geography

    data = progress.get("demographics") or {}
    district = None
    if data.get("district"):
        district = Geography.objects.filter(pk=data["district"], level=Geography.Level.DISTRICT).first()
    return services.Demographics(
        immigrant_background=data.get("immigrant_background", ""),
        district=district,
        age_band=data.get("age_band", ""),
        sex=data.get("sex", ""),
    )


# --- Public pages ------------------------------------------------------------------------------------------------


@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = queries.list_public_surveys()
    return render(
        request,
        "surveys/survey_list.html",
        {
            "surveys": surveys,
            "barometers": barometer.list_barometers(),
        },
    )


@never_cache
@require_GET
@_with_respondent_token
def survey_detail(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.get_survey(slug)
    if survey.status == Survey.Status.DRAFT and not permissions.can_preview(request.user, survey):
        raise Http404("This survey is not published.")  # a draft is for the department's preview only
    return _render_detail(request, survey)


def _render_detail(
    request: HttpRequest,
    survey: Survey,
    *,
    code_form: CodeForm | None = None,
    resume_form: ResumeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_preview = not survey.is_accepting_responses() and permissions.can_preview(request.user, survey)
    questionnaire = queries.get_questionnaire(survey)
    progress = _get_progress(request, survey)
    return render(
        request,
        "surveys/survey_detail.html",
        {
            "survey": survey,
            "is_open": survey.is_accepting_responses(),
            "is_preview": is_preview,
            "page_count": questionnaire.page_position(questionnaire.last_page)[1],
            "question_count": len(questionnaire.questions),
            "code_form": code_form or (CodeForm() if survey.mode == Survey.Mode.INVITATION else None),
            "resume_form": resume_form or (ResumeForm() if survey.is_resumable else None),
            "has_progress": progress is not None,
            "progress_page": (progress or {}).get("page") or questionnaire.first_page({}),
            "has_submitted": _has_submitted(request, survey),
            "can_view_results": permissions.can_view_results(request.user, survey),
            "can_analyse": permissions.can_analyse_survey(request.user, survey),
            "problems": services.list_questionnaire_problems(questionnaire) if is_preview else [],
        },
        status=status,
    )


@require_POST
@limit_public_form("survey_start")
@_with_respondent_token
def survey_start(request: HttpRequest, slug: str) -> HttpResponse:
    survey, is_preview = _answering(request, slug)
    if not is_preview and _has_submitted(request, survey):
        return _to_thanks(request, survey, OUTCOME_ALREADY)
    invitation_hash = None
    if survey.mode == Survey.Mode.INVITATION and not is_preview:
        form = CodeForm(request.POST)
        if not form.is_valid():
            return _render_detail(request, survey, code_form=form, status=400)
        try:
            invitation_hash = services.check_invitation(survey=survey, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error.message_dict.get("code", error.messages))
            return _render_detail(request, survey, code_form=form, status=400)
    _set_progress(request, survey, _new_progress(invitation_hash=invitation_hash))
    questionnaire = queries.get_questionnaire(survey)
    return redirect("surveys:survey_page", slug=survey.slug, page=questionnaire.first_page({}))


@require_POST
@limit_public_form("survey_resume")
def survey_resume(request: HttpRequest, slug: str) -> HttpResponse:
    survey, is_preview = _answering(request, slug)
    form = ResumeForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, survey, resume_form=form, status=400)
    try:
        data, token_hash = services.resume_draft(survey=survey, code=form.cleaned_data["code"])
    except ValidationError as error:
        form.add_error("code", error.message_dict.get("code", error.messages))
        return _render_detail(request, survey, resume_form=form, status=400)
    progress = {
        **_new_progress(),
        **{key: data[key] for key in services.DRAFT_KEYS if key in data},
        "resume": token_hash,
    }
    _set_progress(request, survey, progress)
    questionnaire = queries.get_questionnaire(survey)
    answers = rules.from_json(progress["answers"], questionnaire.specs)
    page = progress.get("page")
    if not isinstance(page, int) or not questionnaire.is_page(page):
        page = questionnaire.first_page(answers)
    messages.success(request, _("Welcome back. Your saved answers are filled in."))
    return redirect("surveys:survey_page", slug=survey.slug, page=page)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_public_form("survey_page", rate=settings.TEILHABE_RATE_SURVEY_PAGE)
@_with_respondent_token
def survey_page(request: HttpRequest, slug: str, page: int) -> HttpResponse:
    survey, is_preview = _answering(request, slug)
    questionnaire = queries.get_questionnaire(survey)
    if not questionnaire.is_page(page):
        raise Http404("No such page.")
    progress = _get_progress(request, survey)
    if progress is None:
        if survey.mode == Survey.Mode.INVITATION and not is_preview:
            messages.info(request, _("Please enter your invitation code to begin."))
            return redirect("surveys:survey_detail", slug=survey.slug)
        if not is_preview and _has_submitted(request, survey):
            return _to_thanks(request, survey, OUTCOME_ALREADY)
        progress = _new_progress()
    answers = rules.from_json(progress["answers"], questionnaire.specs)
    if page == questionnaire.demographic_page:
        return _demographic_page(request, survey, questionnaire, progress, answers, is_preview)
    questions = questionnaire.visible_questions(page, answers)
    if not questions:
        following = questionnaire.next_page(page, answers)
        if following is None:
            return redirect("surveys:survey_submit", slug=survey.slug)
        return redirect("surveys:survey_page", slug=survey.slug, page=following)
    specs = {spec.id: spec for spec in questionnaire.specs}
    if request.method == "GET":
        form = PageForm(questions, specs, initial=answers)
        return _render_page(request, survey, questionnaire, page, form, is_preview)

    action = request.POST.get("action", "next")
    form = PageForm(questions, specs, data={key: request.POST.getlist(key) for key in request.POST}, initial=answers)
    if action in ("back", "save"):
        # Keep what was entered correctly; nothing is checked when leaving backwards or saving for later.
        _remember(progress, answers, form.valid_answers, page)
        _set_progress(request, survey, progress)
        if action == "save":
            return _save_for_later(request, survey, progress, is_preview)
        previous = questionnaire.previous_page(page, rules.from_json(progress["answers"], questionnaire.specs))
        if previous is None:
            return redirect("surveys:survey_detail", slug=survey.slug)
        return redirect("surveys:survey_page", slug=survey.slug, page=previous)
    if not form.is_valid():
        return _render_page(request, survey, questionnaire, page, form, is_preview, status=400)
    _remember(progress, answers, form.valid_answers, page)
    _set_progress(request, survey, progress)
    following = questionnaire.next_page(page, rules.from_json(progress["answers"], questionnaire.specs))
    if following is not None:
        return redirect("surveys:survey_page", slug=survey.slug, page=following)
    return redirect("surveys:survey_submit", slug=survey.slug)


def _remember(progress: dict, answers: dict, page_answers: dict, page: int) -> None:
    merged = dict(answers)
    for question_id, value in page_answers.items():
        if value is None:
            merged.pop(question_id, None)
        else:
            merged[question_id] = value
    progress["answers"] = rules.to_json(merged)
    progress["page"] = page


def _render_page(
    request: HttpRequest,
    survey: Survey,
    questionnaire: queries.Questionnaire,
    page: int,
    form: PageForm | DemographicsForm,
    is_preview: bool,
    *,
    status: int = 200,
) -> HttpResponse:
    number, count = questionnaire.page_position(page)
    is_demographic = page == questionnaire.demographic_page
    bound = [] if is_demographic else form.bound_questions()
    error_summary = [pair for question in bound for pair in question.all_errors]
    if is_demographic:
        error_summary = [
            (f"id_{name}" if name == "district" else f"id_{name}_0", message)
            for name, errors in form.errors.items()
            for message in errors
        ]
    return render(
        request,
        "surveys/survey_page.html",
        {
            "survey": survey,
            "page": page,
            "page_number": number,
            "page_count": count,
            "questions": bound,
            "demographics_form": form if is_demographic else None,
            "error_summary": error_summary,
            "is_last": not questionnaire.may_follow(page),
            "has_previous": page != questionnaire.first_page({}),
            "is_preview": is_preview,
        },
        status=status,
    )


def _demographic_page(
    request: HttpRequest,
    survey: Survey,
    questionnaire: queries.Questionnaire,
    progress: dict,
    answers: dict,
    is_preview: bool,
) -> HttpResponse:
    districts = queries.list_districts()
    stored = progress.get("demographics") or {}
    if request.method == "GET":
        form = DemographicsForm(initial=stored, districts=districts)
        return _render_page(request, survey, questionnaire, questionnaire.demographic_page, form, is_preview)
    action = request.POST.get("action", "next")
    form = DemographicsForm(request.POST, districts=districts)
    if form.is_valid():
        _remember_demographics(progress, form)
        progress["page"] = questionnaire.demographic_page
        _set_progress(request, survey, progress)
    if action == "save":
        return _save_for_later(request, survey, progress, is_preview)
    if action == "back":
        previous = questionnaire.previous_page(questionnaire.demographic_page, answers)
        if previous is None:
            return redirect("surveys:survey_detail", slug=survey.slug)
        return redirect("surveys:survey_page", slug=survey.slug, page=previous)
    if not form.is_valid():
        return _render_page(
            request, survey, questionnaire, questionnaire.demographic_page, form, is_preview, status=400
        )
    return redirect("surveys:survey_submit", slug=survey.slug)


def _remember_demographics(progress: dict, form: DemographicsForm) -> None:
    district = form.cleaned_data["district"]
    progress["demographics"] = {
        "immigrant_background": form.cleaned_data["immigrant_background"],
        "district": district.pk if district else None,
        "age_band": form.cleaned_data["age_band"],
        "sex": form.cleaned_data["sex"],
    }


def _save_for_later(request: HttpRequest, survey: Survey, progress: dict, is_preview: bool) -> HttpResponse:
    if is_preview or not survey.is_resumable:
        messages.info(
            request, _("In a preview nothing is saved.") if is_preview else _("This survey cannot be saved for later.")
        )
        return redirect("surveys:survey_detail", slug=survey.slug)
    data = {key: progress.get(key) for key in services.DRAFT_KEYS}
    try:
        code, token_hash = services.save_draft(
            survey=survey, data=data, previous_hash=progress.get("resume"), invitation_hash=progress.get("invitation")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("surveys:survey_detail", slug=survey.slug)
    # From now on the draft admits these answers; the invitation code is used up and forgotten here too.
    progress["resume"], progress["invitation"] = token_hash, None
    _set_progress(request, survey, progress)
    # Shown once on the next page, then forgotten.
    request.session[f"surveys:saved-code:{survey.pk}"] = code
    return redirect("surveys:survey_saved", slug=survey.slug)


@never_cache
@require_http_methods(["GET", "POST"])
@limit_public_form("survey_submit")
@_with_respondent_token
def survey_submit(request: HttpRequest, slug: str) -> HttpResponse:
    """The final submission: from the last page's "submit" button (with that page's answers), or from the
    confirmation shown when the last page was not known in advance (conditional pages)."""
    survey, is_preview = _answering(request, slug)
    questionnaire = queries.get_questionnaire(survey)
    progress = _get_progress(request, survey)
    page = request.POST.get("page", "") if request.method == "POST" else ""
    if progress is None:
        # A one-page survey in open mode needs no earlier state; everything else starts on the survey's page.
        if not page or (survey.mode == Survey.Mode.INVITATION and not is_preview):
            return redirect("surveys:survey_detail", slug=survey.slug)
        progress = _new_progress()
    if request.method == "GET":
        return render(request, "surveys/survey_submit.html", {"survey": survey, "is_preview": is_preview})
    answers = rules.from_json(progress["answers"], questionnaire.specs)
    if request.POST.get("action") == "back":
        previous = questionnaire.previous_page(questionnaire.last_page + 1, answers)
        return redirect("surveys:survey_page", slug=survey.slug, page=previous or questionnaire.first_page({}))
    if page:
        number = int(page) if page.isdigit() else 0
        if not questionnaire.is_page(number):
            return redirect("surveys:survey_detail", slug=survey.slug)
        if number == questionnaire.demographic_page:
            form = DemographicsForm(request.POST, districts=queries.list_districts())
            if not form.is_valid():
                return _render_page(request, survey, questionnaire, number, form, is_preview, status=400)
            _remember_demographics(progress, form)
        else:
            specs = {spec.id: spec for spec in questionnaire.specs}
            questions = questionnaire.visible_questions(number, answers)
            form = PageForm(
                questions, specs, data={key: request.POST.getlist(key) for key in request.POST}, initial=answers
            )
            if not form.is_valid():
                return _render_page(request, survey, questionnaire, number, form, is_preview, status=400)
            _remember(progress, answers, form.valid_answers, number)
        following = questionnaire.next_page(number, rules.from_json(progress["answers"], questionnaire.specs))
        if following is not None:
            # Not the last page after all (its answers made a later page show): continue there.
            _set_progress(request, survey, progress)
            return redirect("surveys:survey_page", slug=survey.slug, page=following)
    return _finish(request, survey, questionnaire, progress, is_preview)


def _finish(
    request: HttpRequest, survey: Survey, questionnaire: queries.Questionnaire, progress: dict, is_preview: bool
) -> HttpResponse:
    """Store the response (or, in a preview, check it and store nothing) and show the confirmation."""
    answers = rules.from_json(progress["answers"], questionnaire.specs)
    if is_preview:
        _kept, problems = rules.check_answers(questionnaire.specs, answers)
        request.session.pop(_progress_key(survey), None)
        request.session["surveys:preview-done"] = survey.pk
        if problems:
            messages.warning(request, _("Preview: some required questions were not answered."))
        return redirect("surveys:survey_thanks", slug=survey.slug)
    if _has_submitted(request, survey):
        return _to_thanks(request, survey, OUTCOME_ALREADY)
    try:
        services.submit_response(
            survey=survey,
            answers=answers,
            demographics=_demographics(progress),
            invitation_hash=progress.get("invitation"),
            resume_hash=progress.get("resume"),
            respondent_token=_respondent_token(request),
            questionnaire=questionnaire,
        )
    except services.AnswerError as error:
        _set_progress(request, survey, progress)
        page = questionnaire.question_by_id[error.problems[0].question_id].page
        messages.error(request, _("Some answers are missing or need a correction. Please check this page."))
        return redirect("surveys:survey_page", slug=survey.slug, page=page)
    except services.AlreadyCounted:
        return _to_thanks(request, survey, OUTCOME_ALREADY)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        request.session.pop(_progress_key(survey), None)
        return redirect("surveys:survey_detail", slug=survey.slug)
    return _to_thanks(request, survey, OUTCOME_COUNTED)


@never_cache
@require_GET
def survey_saved(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.get_survey(slug)
    code = request.session.pop(f"surveys:saved-code:{survey.pk}", None)
    if code is None:
        return redirect("surveys:survey_detail", slug=survey.slug)
    return render(
        request,
        "surveys/survey_saved.html",
        {"survey": survey, "code": code, "is_invitation": survey.mode == Survey.Mode.INVITATION},
    )


@never_cache
@require_GET
def survey_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.get_survey(slug)
    was_preview = request.session.get("surveys:preview-done") == survey.pk
    outcome = request.session.get(f"surveys:outcome:{survey.pk}")
    if outcome is None and not was_preview:
        if not _has_submitted(request, survey):
            return redirect("surveys:survey_detail", slug=survey.slug)
        outcome = OUTCOME_ALREADY
    return render(
        request,
        "surveys/survey_thanks.html",
        {
            "survey": survey,
            "was_preview": was_preview,
            "was_counted": outcome == OUTCOME_COUNTED,
            "can_view_results": permissions.can_view_results(request.user, survey),
        },
    )


# --- Results and analysis ----------------------------------------------------------------------------------------


@never_cache
@require_GET
def survey_results(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.get_survey(slug)
    if survey.status == Survey.Status.DRAFT and not permissions.can_view_results(request.user, survey):
        raise Http404("This survey is not published.")  # even with "results are public" set
    if not permissions.can_view_results(request.user, survey):
        if not request.user.is_authenticated:
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.path}")
        raise PermissionDenied
    survey_results_data = results.get_results(survey)
    return render(
        request,
        "surveys/survey_results.html",
        {
            "survey": survey,
            "results": survey_results_data,
            "weighting_note": results.describe_weighting(survey_results_data),
            "can_analyse": permissions.can_analyse_survey(request.user, survey),
            "wave": getattr(survey, "wave", None),
        },
    )


def _analysable(request: HttpRequest, slug: str) -> Survey:
    survey = queries.get_survey(slug)
    if not permissions.can_analyse_survey(request.user, survey):
        raise PermissionDenied
    return survey


@login_required
@require_GET
def survey_crosstab(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _analysable(request, slug)
    dataset = queries.load_dataset(survey)
    variables = results.crosstab_variables(dataset)
    form = CrosstabForm(request.GET or None, questions=[])
    form.fields["question"].choices = [
        (variable.name, f"{variable.name}: {variable.label[:90]}") for variable in variables
    ]
    table = None
    if form.is_valid() and survey.has_demographic_block:
        table = results.get_crosstab(dataset, variable=form.cleaned_data["question"], by=form.cleaned_data["by"])
    return render(
        request,
        "surveys/survey_crosstab.html",
        {
            "survey": survey,
            "form": form,
            "table": table,
            "is_weighted": dataset.weights is not None,
            "threshold": settings.TEILHABE_MIN_PUBLIC_COUNT,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def freetext_list(request: HttpRequest, slug: str) -> HttpResponse:
    survey = _analysable(request, slug)
    filter_form = FreeTextFilterForm(request.GET or None, survey=survey)
    search, question = "", None
    if filter_form.is_valid():
        search, question = filter_form.cleaned_data["q"], filter_form.cleaned_data["question"]
    can_create = permissions.can_create_contributions(request.user, survey)
    contribution_form = ContributionForm(request.POST or None, survey=survey) if can_create else None
    status = 200
    if request.method == "POST":
        if not can_create:
            raise PermissionDenied
        selected = queries.find_free_text_answers(survey, request.POST.getlist("answers"))
        if contribution_form.is_valid():
            try:
                created = services.create_contributions(
                    actor=request.user,
                    survey=survey,
                    answers=selected,
                    kind=contribution_form.cleaned_data["kind"],
                    language=contribution_form.cleaned_data["language"],
                    areas=contribution_form.cleaned_data["areas"],
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
                status = 400
            else:
                messages.success(
                    request, _("%(count)d contributions created; they now await review.") % {"count": len(created)}
                )
                return redirect(request.get_full_path())
        else:
            status = 400
    answers = queries.list_free_text_answers(survey, search=search, question=question)
    return render(
        request,
        "surveys/freetext_list.html",
        {
            "survey": survey,
            "filter_form": filter_form,
            "contribution_form": contribution_form,
            "answers": [(queries.answer_key(answer), answer) for answer in answers[:500]],
            "answer_count": answers.count(),
            "search": search,
        },
        status=status,
    )


EXPORT_FORMATS = {"csv", "xlsx", "sav"}


@login_required
@require_GET
def survey_export(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    survey = _analysable(request, slug)
    if format not in EXPORT_FORMATS:
        raise Http404("Unknown format.")
    return exports.export_response(survey, format)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_codes(request: HttpRequest, slug: str) -> HttpResponse:
    survey = queries.get_survey(slug)
    if not permissions.can_manage_surveys(request.user):
        raise PermissionDenied
    form = InvitationCodesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.generate_invitation_codes(
                actor=request.user, survey=survey, count=form.cleaned_data["count"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return exports.codes_response(survey, codes)
    return render(
        request,
        "surveys/invitation_codes.html",
        {
            "survey": survey,
            "form": form,
            "counts": barometer.count_invitation_codes(survey),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- The barometer --------------------------------------------------------------------------------------------


@require_GET
def barometer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = barometer.get_barometer_page(slug)
    return render(
        request,
        "surveys/barometer_detail.html",
        {
            "page": page,
            "barometer": page.barometer,
            "can_manage": permissions.can_manage_barometer(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def wave_detail(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    wave = barometer.get_wave(slug, year)
    if not permissions.can_manage_barometer(request.user):
        raise PermissionDenied
    upload_form = MarginsUploadForm()
    import_problems = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "import_margins":
                upload_form = MarginsUploadForm(request.POST, request.FILES)
                if upload_form.is_valid():
                    count = barometer.import_margins(
                        actor=request.user, wave=wave, file=upload_form.cleaned_data["file"]
                    )
                    messages.success(request, _("%(count)d margins imported.") % {"count": count})
                    return redirect(wave.get_absolute_url())
                status = 400
            elif action == "run_weighting":
                run = barometer.run_weighting(actor=request.user, wave=wave)
                messages.success(
                    request,
                    _("Weighting run: converged.")
                    if run.converged
                    else _("Weighting run: did NOT converge; see the diagnostics."),
                )
                return redirect(wave.get_absolute_url())
            elif action == "compute_index":
                count = barometer.compute_climate_index(actor=request.user, wave=wave)
                messages.success(request, _("%(count)d index values computed.") % {"count": count})
                return redirect(wave.get_absolute_url())
            else:
                status = 400
        except barometer.MarginImportError as error:
            import_problems = error.problems
            status = 400
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            status = 400
    return render(
        request,
        "surveys/wave_detail.html",
        {
            "wave": wave,
            "page": barometer.get_wave_page(wave),
            "upload_form": upload_form,
            "import_problems": import_problems,
        },
        status=status,
    )


@require_GET
def structure_climate(request: HttpRequest) -> HttpResponse:
    comparison = barometer.get_structure_vs_climate()
    return render(request, "surveys/structure_climate.html", {"comparison": comparison})
