"""Participation pages: thin function views that check permission, validate, call one service or query, render.

Public pages (procedure, event, contribution, bundle, receipt, online form, documentation) show only what
is published. Work pages need a staff login and show only what permissions.py allows the user.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import InvalidPage, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from teilhabe.core.cache import cache_public_page
from teilhabe.core.downloads import cached_download
from teilhabe.core.ratelimit import limit_export, limit_public_form
from teilhabe.core.tabular import csv_lines
from teilhabe.monitoring.models import AreaOfAction, Indicator

from . import documentation, forms, permissions, queries, services, workflow
from .models import REVIEW_STATE_LABELS, Bundle, Contribution, DocumentationBuild, Evaluation, Event, Review

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 50


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


def _public_page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    """A cached page's page: past the end is a 404, not the last page again under another URL (and cache key)."""
    try:
        return Paginator(rows, size).page(request.GET.get("page") or 1)
    except InvalidPage:
        raise Http404("No such page.") from None


def _form_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (or at the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, field_errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


def _work_area(view):
    """Login required, and a participation staff role (department, authority staff or moderator)."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not permissions.can_use_work_area(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- Public pages ----------------------------------------------------------------------------------


@cache_public_page
def procedure_list(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/procedure_list.html", {"procedures": queries.list_procedures()})


@cache_public_page
def procedure_detail(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return render(
        request,
        "participation/procedure_detail.html",
        {
            "procedure": procedure,
            "figures": queries.get_figures(procedure),
            "phases": queries.list_phase_steps(procedure),
            "events": queries.list_events(procedure),
        },
    )


@cache_public_page(params=("page",))
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    event = queries.get_event(procedure, pk)
    page = _public_page(request, queries.list_event_contributions(event))
    return render(
        request,
        "participation/event_detail.html",
        {
            "procedure": procedure,
            "event": event,
            "page": page,
            "contributions": queries.prepare_page(page),
            "can_edit": permissions.can_edit_event(request.user, event),
        },
    )


@limit_public_form("participation-registration")
def event_register(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    event = queries.get_event(procedure, pk)
    form = forms.RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.register_participant(
                procedure=procedure,
                event=event,
                name=data["name"],
                email=data["email"],
                wants_invitations=data["wants_invitations"],
                wants_minutes=data["wants_minutes"],
                has_consented=data["consent"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. We have sent you an e-mail with a link: please confirm your address with it. "
                    "Until you do, we send you nothing else."
                ),
            )
            return redirect(event)
    return render(
        request,
        "participation/event_register.html",
        {"procedure": procedure, "event": event, "form": form},
        status=400 if form.errors else 200,
    )


@cache_public_page
def contribution_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    contribution = queries.get_public_contribution(procedure, pk)
    review = queries.effective_review(contribution)
    revisions = queries.list_published_revisions(review) if review.state == workflow.State.PUBLISHED else []
    return render(
        request,
        "participation/contribution_detail.html",
        {
            "procedure": procedure,
            "contribution": contribution,
            "review": review,
            "revisions": revisions,
            "statuses": queries.get_indicator_statuses(revisions[0].indicators.all()) if revisions else [],
        },
    )


@cache_public_page(params=("page",))
def bundle_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    bundle = queries.get_public_bundle(procedure, pk)
    members = list(queries.list_bundle_members(bundle))
    review = bundle.review
    revisions = queries.list_published_revisions(review) if review.state == workflow.State.PUBLISHED else []
    page = _public_page(request, members)
    return render(
        request,
        "participation/bundle_detail.html",
        {
            "procedure": procedure,
            "bundle": bundle,
            "review": review,
            "revisions": revisions,
            "page": page,
            "origin": queries.get_bundle_origin(members),
            "statuses": queries.get_indicator_statuses(revisions[0].indicators.all()) if revisions else [],
        },
    )


@limit_public_form("participation-contribution")
def contribution_create(request: HttpRequest, slug: str) -> HttpResponse:
    """The online form: on success the contributor is sent to their receipt page."""
    procedure = queries.get_procedure(slug)
    if not procedure.is_open_for_contributions:
        return render(request, "participation/contribution_closed.html", {"procedure": procedure}, status=403)
    form = forms.ContributionForm(request.POST or None, procedure=procedure, language=get_language())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution = services.submit_online_contribution(
                procedure=procedure,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                language=data["language"],
                areas=data["areas"],
                district=data["district"],
                contact_email=data["contact_email"],
                has_consented=data["consent"],
                page_language=get_language(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you for your contribution. Keep the address of this page: "
                    "it shows you what becomes of your contribution."
                ),
            )
            return redirect(contribution.get_receipt_url())
    return render(
        request,
        "participation/contribution_form.html",
        {"procedure": procedure, "form": form},
        status=400 if form.errors else 200,
    )


@never_cache
def contribution_receipt(request: HttpRequest, token: str) -> HttpResponse:
    receipt = queries.get_receipt(token)
    response = render(
        request,
        "participation/contribution_receipt.html",
        {
            "receipt": receipt,
            "contribution": receipt.contribution,
            "procedure": receipt.contribution.procedure,
            "review": receipt.review,
            "receipt_url": request.build_absolute_uri(request.path),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


# --- Public documentation -------------------------------------------------------------------------


@cache_public_page
def documentation_overview(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return render(
        request,
        "participation/documentation_overview.html",
        {
            "procedure": procedure,
            "overview": queries.get_documentation_overview(procedure),
            "build": queries.get_documentation_build(procedure, get_language()),
        },
    )


@cache_public_page(params=("page",))
def documentation_events(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    page = _public_page(request, queries.list_events(procedure), size=20)
    return render(request, "participation/documentation_events.html", {"procedure": procedure, "page": page})


@cache_public_page
def documentation_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return render(
        request,
        "participation/documentation_contributions.html",
        {"procedure": procedure, "areas": queries.list_documentation_areas(procedure)},
    )


@cache_public_page(params=("page",))
def documentation_area(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    """One area's published contributions with their evaluations; "ohne" lists those without an area."""
    procedure = queries.get_procedure(slug)
    area_object = None if area == "ohne" else get_object_or_404(AreaOfAction, edition=procedure.edition_id, code=area)
    page = _public_page(request, queries.list_area_contributions(procedure, area_object))
    return render(
        request,
        "participation/documentation_area.html",
        {"procedure": procedure, "area": area_object, "page": page, "contributions": queries.prepare_page(page)},
    )


@cache_public_page
def documentation_limits(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return render(
        request,
        "participation/documentation_limits.html",
        {"procedure": procedure, "limits": queries.get_limits(procedure, examples=10)},
    )


@limit_export
def documentation_download(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    """All published contributions with their evaluations as CSV or XLSX, built once per data version and language."""
    procedure = queries.get_procedure(slug)
    if format not in documentation.DOWNLOAD_TYPES:
        raise Http404
    content = cached_download(
        "participation:documentation",
        lambda: documentation.export_bytes(procedure, format),
        params={"procedure": procedure.slug, "format": format, "language": get_language()},
    )
    return FileResponse(
        io.BytesIO(content),
        content_type=documentation.DOWNLOAD_TYPES[format],
        as_attachment=True,
        filename=f"{procedure.slug}-beitraege.{format}",
    )


def documentation_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """Serve the current PDF; if it is missing or out of date, have it built and say so."""
    procedure = queries.get_procedure(slug)
    language = get_language()
    build = services.request_documentation_pdf(procedure=procedure, language=language)
    if build.status == DocumentationBuild.Status.READY and build.file:
        return FileResponse(
            build.file.open("rb"),
            content_type="application/pdf",
            filename=f"{procedure.slug}-dokumentation-{language}.pdf",
        )
    return render(
        request,
        "participation/documentation_pdf_pending.html",
        {"procedure": procedure, "build": build},
        status=202 if build.status == DocumentationBuild.Status.PENDING else 503,
    )


# --- Work pages: overview, queue, review ---------------------------------------------------------


@login_required
def work_overview(request: HttpRequest) -> HttpResponse:
    """Where staff land after login (settings.LOGIN_REDIRECT_URL); others without a work area go to their account."""
    user = request.user
    if not permissions.can_use_work_area(user):
        return redirect("accounts:account_detail")
    procedures = list(queries.list_procedures())
    procedure = next((p for p in procedures if p.slug == request.GET.get("verfahren")), None)
    context = {
        "overview": queries.get_overview(user, procedure=procedure),
        "procedures": procedures,
        "procedure": procedure,
        "deadline_days": settings.TEILHABE_REVIEW_DEADLINE_DAYS,
        "state_labels": REVIEW_STATE_LABELS,
        "can_manage": permissions.can_manage_procedure(user),
        "can_use_moderation": permissions.can_use_moderation_queue(user),
    }
    if permissions.can_manage_procedure(user):
        received = queries.visible_reviews(user).filter(state=workflow.State.RECEIVED)
        if procedure is not None:
            received = received.filter(procedure=procedure)
        received = received.select_related("contribution", "bundle", "procedure").order_by("created_at", "pk")
        page = _page(request, received, size=QUEUE_PAGE_SIZE)
        context.update(received_page=page, bulk_form=forms.BulkAssignForm(reviews=received))
    return render(request, "participation/work_overview.html", context)


@_work_area
@require_POST
def reviews_bulk_assign(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_procedure(request.user):
        raise PermissionDenied
    received = queries.visible_reviews(request.user).filter(state=workflow.State.RECEIVED)
    form = forms.BulkAssignForm(request.POST, reviews=received)
    if form.is_valid():
        data = form.cleaned_data
        try:
            count = services.bulk_assign_reviews(
                actor=request.user,
                reviews=list(data["reviews"]),
                lead_authority=data["lead_authority"],
                co_authorities=data["co_authorities"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(count)d items assigned to %(authority)s.") % {"count": count, "authority": data["lead_authority"]},
            )
    else:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("participation:work_overview")


def _queue_filters(form: forms.QueueFilterForm) -> queries.QueueFilters:
    if not form.is_valid():
        return queries.QueueFilters()
    data = form.cleaned_data
    return queries.QueueFilters(
        query=data["q"].strip(),
        state=data["state"],
        area=data["area"],
        authority=data["authority"],
        source=data["source"],
        kind=data["kind"],
        is_overdue=data["overdue"],
        is_waiting_for_me=data["waiting"],
    )


@_work_area
def work_queue(request: HttpRequest) -> HttpResponse:
    """The items a user may see: all for the department, their authority's for authority staff."""
    form = forms.QueueFilterForm(request.GET or None)
    rows = queries.list_queue(request.user, _queue_filters(form))
    if request.GET.get("format") == "csv":
        return _queue_csv(rows)
    page = _page(request, rows, size=QUEUE_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "participation/work_queue.html",
        {
            "form": form,
            "page": page,
            "reviews": queries.attach_member_counts(page),
            "query": query.urlencode(),
            "state_labels": REVIEW_STATE_LABELS,
            "overdue_before": queries.overdue_cutoff(),
        },
    )


def _queue_csv(rows) -> StreamingHttpResponse:
    def table():
        for review in rows.iterator(chunk_size=500):
            yield [
                review.pk,
                "bundle" if review.is_bundle else "contribution",
                review.procedure.slug,
                review.state,
                str(review.assignment.lead_authority) if review.assignment_id else "",
                review.created_at.isoformat(),
                str(review.item)[:200],
            ]

    header = ["item", "kind", "procedure", "state", "lead_authority", "received_at", "title"]
    response = StreamingHttpResponse(csv_lines(table(), header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vorgaenge.csv"'
    return response


@dataclass(frozen=True)
class ActionControl:
    """One thing the viewer may do with an item, as the review page shows it: plain values only.

    `action` is the workflow action's value; `template` renders the control (a form with a visible button).
    """

    action: str
    label: str
    heading: str
    url: str
    style: str = "primary"
    form: object | None = None
    note: str = ""
    template: str = "participation/includes/review_action.html"


def _publish_form(data=None) -> forms.CommentForm:
    return forms.CommentForm(data, label=_("Comment (optional)"), auto_id="publish-%s")


def _return_form(data=None) -> forms.CommentForm:
    return forms.CommentForm(data, required=True, label=_("What needs rework?"), auto_id="return-%s")


def _action_url(review: Review, action: workflow.Action) -> str:
    return reverse("participation:review_action", kwargs={"pk": review.pk, "action": action.value})


def _action_controls(review: Review, allowed: list[workflow.Action], forms_by_name: dict) -> list[ActionControl]:
    """A control for each action the workflow allows the viewer, in the workflow's order, and nothing else."""
    from .models import ACTION_LABELS

    def form(name, factory):
        return forms_by_name[name] if name in forms_by_name else factory()

    controls = []
    for action in allowed:
        label = str(ACTION_LABELS[action])
        if action in (workflow.Action.ASSIGN, workflow.Action.REASSIGN):
            is_reassignment = action == workflow.Action.REASSIGN
            control = ActionControl(
                action=action.value,
                label=label,
                heading=label,
                url=_action_url(review, action),
                style="secondary" if is_reassignment else "primary",
                form=form("assign_form", lambda r=is_reassignment: forms.AssignForm(is_reassignment=r)),
            )
        elif action == workflow.Action.START_REVIEW:
            control = ActionControl(
                action=action.value,
                label=label,
                heading=label,
                url=_action_url(review, action),
                note=_("The item is then yours to evaluate; the department sees that work has begun."),
            )
        elif action == workflow.Action.ADD_OPINION:
            control = ActionControl(
                action=action.value,
                label=_("Add the opinion"),
                heading=label,
                url=_action_url(review, action),
                style="secondary",
                form=form("opinion_form", forms.OpinionForm),
            )
        elif action == workflow.Action.DRAFT:
            draft = next((e for e in queries.list_evaluations(review) if not e.is_published), None)
            control = ActionControl(
                action=action.value,
                label=_("Save the draft"),
                heading=label,
                url=_action_url(review, action),
                form=form(
                    "draft_form",
                    lambda d=draft: forms.EvaluationForm(
                        procedure=review.procedure, review=review, initial=forms.EvaluationForm.initial_for(d)
                    ),
                ),
                note=_("The department checks the draft before it is published."),
            )
        elif action == workflow.Action.PUBLISH:
            control = ActionControl(
                action=action.value,
                label=label,
                heading=_("Publish the evaluation"),
                url=_action_url(review, action),
                form=form("publish_form", _publish_form),
            )
        elif action == workflow.Action.RETURN_FOR_REWORK:
            control = ActionControl(
                action=action.value,
                label=label,
                heading=label,
                url=_action_url(review, action),
                style="secondary",
                form=form("return_form", _return_form),
            )
        elif action == workflow.Action.PUBLISH_REVISION:
            control = ActionControl(
                action=action.value,
                label=_("Publish the correction"),
                heading=label,
                url=_action_url(review, action),
                form=form(
                    "revision_form",
                    lambda: forms.EvaluationForm(
                        procedure=review.procedure,
                        review=review,
                        with_reason=True,
                        initial=forms.EvaluationForm.initial_for(review.published_evaluation),
                    ),
                ),
                note=_("The published text stays visible as an earlier version."),
            )
        elif action == workflow.Action.BUNDLE:
            control = ActionControl(
                action=action.value,
                label=_("Create a bundle with the chosen contributions"),
                heading=label,
                url=reverse("participation:bundle_create", kwargs={"pk": review.pk}),
                template="participation/includes/review_action_bundle.html",
            )
        elif action == workflow.Action.UNBUNDLE:
            bundle_review = review.contribution.bundle.review
            control = ActionControl(
                action=action.value,
                label=_("Take out of the bundle"),
                heading=label,
                url=reverse(
                    "participation:bundle_remove",
                    kwargs={"pk": bundle_review.pk, "contribution_pk": review.contribution_id},
                ),
                style="secondary",
                form=form(
                    "unbundle_form",
                    lambda: forms.CommentForm(
                        required=True, label=_("Reason for taking it out of the bundle"), auto_id="unbundle-%s"
                    ),
                ),
            )
        else:  # a new workflow action without a control fails the review page test, not silently here
            continue
        controls.append(control)
    return controls


def _review_context(request: HttpRequest, review: Review, bound_forms: dict | None = None) -> dict:
    """Everything the review page shows; `bound_forms` carries a submitted form back with its errors."""
    user = request.user
    allowed = permissions.allowed_actions(user, review)
    evaluations = queries.list_evaluations(review)
    procedure = review.procedure
    context = {
        "review": review,
        "item": review.item,
        "procedure": procedure,
        "controls": _action_controls(review, allowed, bound_forms or {}),
        "log": queries.list_review_log_entries(review),
        "assignments": queries.list_assignments(review),
        "opinions": queries.list_opinions(user, review),
        "evaluations": evaluations,
        "can_view_contact": False,
    }
    if review.is_bundle:
        members = list(queries.list_bundle_members(review.bundle, public=False))
        context["members"] = members
        context["origin"] = queries.get_bundle_origin(members)
        # Each member is its own (bundled) item: it can be taken out when the workflow allows that for it.
        context["removable_members"] = {
            member.pk
            for member in members
            if workflow.Action.UNBUNDLE
            in workflow.allowed_actions(workflow.State.BUNDLED, permissions.actor_kinds(user, member.review))
        }
    else:
        contribution = review.contribution
        context["can_view_contact"] = permissions.can_view_contact(user, contribution)
        context["can_moderate"] = permissions.can_moderate(user, contribution)
        context["can_view_original"] = permissions.can_view_original_text(user, contribution)
        can_bundle_here = workflow.Action.BUNDLE in allowed
        # Unmoderated contributions of other items are internal (permissions.can_view_internal_contribution):
        # only the department, who bundles, is offered them.
        context["similar"] = queries.list_similar_contributions(
            contribution, published_only=not permissions.can_bundle(user)
        )
        context["similar_bundles"] = queries.list_similar_bundles(
            contribution, published_only=not permissions.can_bundle(user)
        )
        if can_bundle_here:
            context["bundle_form"] = bound_forms.get("bundle_form") if bound_forms else None
            context["bundles"] = queries.list_open_bundles(procedure)
        context.update(_language_context(user, contribution, bound_forms or {}))
    context.update(_justification_context(user, review, evaluations, bound_forms or {}))
    try:
        from teilhabe.accounts.audit import list_history
    except ImportError:  # the audit trail is optional for this page
        list_history = None
    if list_history is not None and review.item.history.exists():
        history = list_history(review.item, limit=20)
        if not review.is_bundle and not context["can_view_original"]:
            history = _without_original_text(history)
        context["history"] = history
    return context


def _language_context(user, contribution: Contribution, bound_forms: dict) -> dict:
    """The contribution's language, how it was set, the control to correct it, and the German machine
    translation beside the original (only where the city configured a translation server)."""
    can_handle = permissions.can_handle_language(user, contribution)
    configured = services.is_machine_translation_configured()
    return {
        "can_handle_language": can_handle,
        "language_form": bound_forms.get("language_form")
        or forms.LanguageCorrectionForm(initial={"language": contribution.language}),
        "translation_configured": configured,
        "staff_translation": queries.get_staff_translation(contribution) if configured else None,
        "can_request_translation": can_handle and configured and contribution.language != "de",
    }


def _justification_context(user, review: Review, evaluations, bound_forms: dict) -> dict:
    """The translations of each evaluation's justification, and the form to add one for the latest."""
    evaluations = list(evaluations)
    translations = queries.list_justification_translations(evaluations)
    for evaluation in evaluations:
        evaluation.translations = translations.get(evaluation.pk, [])
    latest = evaluations[-1] if evaluations else None
    if latest is None or not permissions.can_translate_justification(user, review):
        return {"evaluations": evaluations}
    return {
        "evaluations": evaluations,
        "translated_evaluation": latest,
        "justification_form": bound_forms.get("justification_form") or forms.JustificationTranslationForm(),
        "justification_draft_form": forms.JustificationDraftForm(),
        "translation_configured": services.is_machine_translation_configured(),
    }


def _staff_contribution(request: HttpRequest, pk: int) -> Contribution:
    contribution = get_object_or_404(Contribution.objects.select_related("event", "review"), pk=pk)
    if not permissions.can_handle_language(request.user, contribution):
        raise PermissionDenied
    return contribution


def _back_to_review(request: HttpRequest, contribution: Contribution) -> HttpResponse:
    review = getattr(contribution, "review", None)
    if review is not None and permissions.can_view_review(request.user, review):
        return redirect(review)
    return redirect("participation:moderation_list")


@_work_area
@require_POST
def contribution_language(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff correct the language a contribution is written in."""
    contribution = _staff_contribution(request, pk)
    form = forms.LanguageCorrectionForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["language"])
        services.correct_contribution_language(
            actor=request.user, contribution=contribution, language=form.cleaned_data["language"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The language of contribution %(number)d was corrected.") % {"number": pk})
    return _back_to_review(request, contribution)


@_work_area
@require_POST
def contribution_translate(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff ask the translation server for a German translation now; a failure is reported, not raised."""
    contribution = _staff_contribution(request, pk)
    try:
        services.translate_contribution(contribution=contribution, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The machine translation of contribution %(number)d is ready.") % {"number": pk})
    return _back_to_review(request, contribution)


@_work_area
@require_POST
def justification_translation(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the justification in a resident's language, or (draft button) ask the server for a draft to check."""
    evaluation = get_object_or_404(Evaluation.objects.select_related("review"), pk=pk)
    review = queries.get_review_for(request.user, evaluation.review_id)
    if not permissions.can_translate_justification(request.user, review):
        raise PermissionDenied
    if "draft" in request.POST:
        draft_form = forms.JustificationDraftForm(request.POST)
        if not draft_form.is_valid():
            messages.error(request, " ".join(e for errors in draft_form.errors.values() for e in errors))
            return redirect(review)
        language = draft_form.cleaned_data["language"]
        try:
            text, engine = services.draft_justification_translation(
                actor=request.user, evaluation=evaluation, language=language
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(review)
        form = forms.JustificationTranslationForm(
            initial={"language": language, "text": text, "is_machine_assisted": True, "engine": engine}
        )
        context = _review_context(request, review, {"justification_form": form})
        context["justification_draft_engine"] = engine
        return render(request, "participation/review_detail.html", context)
    form = forms.JustificationTranslationForm(request.POST)
    if form.is_valid():
        try:
            services.save_justification_translation(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
    if not form.is_valid():
        context = _review_context(request, review, {"justification_form": form})
        return render(request, "participation/review_detail.html", context, status=400)
    messages.success(request, _("The translation of the justification is saved and shown on the public pages."))
    return redirect(review)


def _without_original_text(history: list) -> list:
    """The item's history without the text changes of an anonymisation, whose old side is the original text."""
    hidden = {
        str(Contribution._meta.get_field(name).verbose_name)
        for name in ("title", "text", "original_title", "original_text")
    }
    return [replace(entry, changes=[c for c in entry.changes if c.field not in hidden]) for entry in history]


@_work_area
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = queries.get_review_for(request.user, pk)
    return render(request, "participation/review_detail.html", _review_context(request, review))


def _evaluation_search(request: HttpRequest, review: Review, action: workflow.Action) -> HttpResponse:
    """A picker's search button (no JavaScript): the same page, the form as entered, its lists narrowed."""
    if not permissions.can_act(request.user, review, action):
        raise PermissionDenied
    with_reason = action == workflow.Action.PUBLISH_REVISION
    form = forms.EvaluationForm.for_search(
        request.POST, procedure=review.procedure, review=review, with_reason=with_reason
    )
    name = "revision_form" if with_reason else "draft_form"
    return render(request, "participation/review_detail.html", _review_context(request, review, {name: form}))


@_work_area
@require_POST
def review_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow action on an item; invalid input or a refused transition re-renders the page with the error."""
    review = queries.get_review_for(request.user, pk)
    try:
        action = workflow.Action(action)
    except ValueError as error:
        raise Http404 from error
    user, post = request.user, request.POST
    is_evaluation = action in (workflow.Action.DRAFT, workflow.Action.PUBLISH_REVISION)
    if is_evaluation and forms.EvaluationForm.SEARCH_BUTTON in post:
        return _evaluation_search(request, review, action)
    form_name, form = None, None
    try:
        if action in (workflow.Action.ASSIGN, workflow.Action.REASSIGN):
            form_name = "assign_form"
            form = forms.AssignForm(post, is_reassignment=review.state != workflow.State.RECEIVED)
            if form.is_valid():
                data = form.cleaned_data
                services.assign_review(
                    actor=user,
                    review=review,
                    lead_authority=data["lead_authority"],
                    co_authorities=data["co_authorities"],
                    reason=data.get("reason", ""),
                )
        elif action == workflow.Action.START_REVIEW:
            services.start_review(actor=user, review=review)
        elif action == workflow.Action.ADD_OPINION:
            form_name, form = "opinion_form", forms.OpinionForm(post)
            if form.is_valid():
                services.add_opinion(actor=user, review=review, text=form.cleaned_data["text"])
        elif action == workflow.Action.DRAFT:
            form_name, form = "draft_form", forms.EvaluationForm(post, procedure=review.procedure, review=review)
            if form.is_valid():
                services.draft_evaluation(actor=user, review=review, **form.service_arguments())
        elif action == workflow.Action.RETURN_FOR_REWORK:
            form_name, form = "return_form", _return_form(post)
            if form.is_valid():
                services.return_for_rework(actor=user, review=review, comment=form.cleaned_data["comment"])
        elif action == workflow.Action.PUBLISH:
            form_name, form = "publish_form", _publish_form(post)
            if form.is_valid():
                services.publish_evaluation(actor=user, review=review, comment=form.cleaned_data["comment"])
        elif action == workflow.Action.PUBLISH_REVISION:
            form_name = "revision_form"
            form = forms.EvaluationForm(post, procedure=review.procedure, review=review, with_reason=True)
            if form.is_valid():
                services.publish_revision(
                    actor=user,
                    review=review,
                    reason=form.cleaned_data["reason"],
                    **form.service_arguments(),
                )
        else:
            raise Http404
    except services.ReviewError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(review)
    except ValidationError as error:
        if form is None:
            messages.error(request, " ".join(error.messages))
            return redirect(review)
        _form_errors(form, error)
    if form is not None and not form.is_valid():
        context = _review_context(request, queries.get_review_for(user, pk), {form_name: form})
        return render(request, "participation/review_detail.html", context, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": _action_label(action)})
    return redirect(review)


def _action_label(action: workflow.Action) -> str:
    from .models import ACTION_LABELS

    return str(ACTION_LABELS[action])


# --- Work pages: moderation and bundles -----------------------------------------------------------


@_work_area
def moderation_list(request: HttpRequest) -> HttpResponse:
    """The contributions waiting for this user's moderation: online ones for every moderator."""
    if not permissions.can_use_moderation_queue(request.user):
        raise PermissionDenied
    page = _page(request, queries.list_pending_moderation(request.user))
    return render(request, "participation/moderation_list.html", {"page": page, "form": forms.ModerationForm()})


@_work_area
def contribution_anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a contribution to remove personal details; the original is kept for moderation."""
    contribution = get_object_or_404(Contribution.objects.select_related("event", "procedure"), pk=pk)
    if not permissions.can_edit_for_anonymisation(request.user, contribution):
        raise PermissionDenied
    initial = {"title": contribution.title, "text": contribution.text}
    form = forms.AnonymisationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_contribution_for_anonymisation(
                actor=request.user,
                contribution=contribution,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Contribution %(number)d edited; the original is kept.") % {"number": contribution.pk}
            )
            return redirect("participation:moderation_list")
    return render(
        request,
        "participation/contribution_anonymise.html",
        {"contribution": contribution, "form": form},
        status=400 if form.errors else 200,
    )


@_work_area
@require_POST
def contribution_moderate(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution.objects.select_related("event", "review"), pk=pk)
    if not permissions.can_moderate(request.user, contribution):
        raise PermissionDenied
    form = forms.ModerationForm(request.POST)
    if form.is_valid():
        try:
            services.moderate_contribution(
                actor=request.user,
                contribution=contribution,
                publish=form.cleaned_data["decision"] == "publish",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Contribution %(number)d moderated.") % {"number": contribution.pk})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    target = request.POST.get("next", "")
    if target == "review" and permissions.can_view_review(request.user, contribution.review):
        return redirect(contribution.review)
    return redirect("participation:moderation_list")


@_work_area
@require_POST
def bundle_create(request: HttpRequest, pk: int) -> HttpResponse:
    """A new bundle from this contribution and the similar ones ticked on its page."""
    review = queries.get_review_for(request.user, pk)
    if not permissions.can_bundle(request.user) or review.is_bundle:
        raise PermissionDenied
    candidates = Contribution.objects.filter(procedure=review.procedure)
    form = forms.BundleForm(request.POST, candidates=candidates)
    if form.is_valid():
        members = {review.contribution, *form.cleaned_data["contributions"]}
        try:
            bundle = services.create_bundle(
                actor=request.user,
                procedure=review.procedure,
                title=form.cleaned_data["title"],
                summary=form.cleaned_data["summary"],
                contributions=sorted(members, key=lambda c: c.pk),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Bundle created with %(count)d contributions.") % {"count": len(members)})
            return redirect(bundle.review)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(review)


@_work_area
@require_POST
def bundle_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = queries.get_review_for(request.user, pk)
    if not permissions.can_bundle(request.user) or review.is_bundle:
        raise PermissionDenied
    form = forms.AddToBundleForm(request.POST, bundles=Bundle.objects.filter(procedure=review.procedure))
    if form.is_valid():
        bundle = form.cleaned_data["bundle"]
        try:
            services.add_to_bundle(actor=request.user, bundle=bundle, contributions=[review.contribution])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Added to the bundle."))
            return redirect(bundle.review)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(review)


@_work_area
@require_POST
def bundle_remove(request: HttpRequest, pk: int, contribution_pk: int) -> HttpResponse:
    review = queries.get_review_for(request.user, pk)
    if not review.is_bundle or not permissions.can_bundle(request.user):
        raise PermissionDenied
    contribution = get_object_or_404(
        Contribution.objects.select_related("review"), pk=contribution_pk, bundle=review.bundle
    )
    form = forms.CommentForm(request.POST, required=True)
    if form.is_valid():
        try:
            services.remove_from_bundle(
                actor=request.user, contribution=contribution, reason=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Contribution %(number)d taken out of the bundle.") % {"number": contribution.pk}
            )
    else:
        messages.error(request, _("Taking a contribution out of a bundle needs a reason."))
    return redirect(review)


# --- Work pages: events ------------------------------------------------------------------------------


@_work_area
def event_work_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, queries.list_work_events(request.user))
    return render(
        request,
        "participation/event_work_list.html",
        {
            "page": page,
            "procedures": queries.list_procedures(),
            "can_create": permissions.can_create_event(request.user),
        },
    )


@_work_area
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    if not permissions.can_create_event(request.user):
        raise PermissionDenied
    form = forms.EventForm(request.POST or None, can_set_moderators=permissions.can_manage_procedure(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(actor=request.user, procedure=procedure, **form.service_arguments())
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Event recorded."))
            return redirect("participation:event_edit", pk=event.pk)
    return render(
        request,
        "participation/event_form.html",
        {"procedure": procedure, "form": form, "event": None},
        status=400 if form.errors else 200,
    )


@_work_area
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("procedure").prefetch_related("moderators"), pk=pk)
    if not permissions.can_edit_event(request.user, event):
        raise PermissionDenied
    can_set_moderators = permissions.can_manage_procedure(request.user)
    if request.method == "POST":
        form = forms.EventForm(request.POST, can_set_moderators=can_set_moderators)
        if form.is_valid():
            try:
                services.update_event(actor=request.user, event=event, **form.service_arguments())
            except ValidationError as error:
                _form_errors(form, error)
            else:
                messages.success(request, _("Event saved."))
                return redirect("participation:event_edit", pk=event.pk)
    else:
        form = forms.EventForm(initial=forms.EventForm.initial_for(event), can_set_moderators=can_set_moderators)
    return render(
        request,
        "participation/event_form.html",
        {
            "procedure": event.procedure,
            "event": event,
            "form": form,
            "attachment_form": forms.AttachmentForm(),
            "attachments": event.attachments.all(),
            "registration_count": event.registrations.count(),
            "record_url": reverse("participation:event_contribution_record", kwargs={"pk": event.pk}),
        },
        status=400 if form.errors else 200,
    )


@_work_area
def event_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("procedure"), pk=pk)
    if not permissions.can_edit_event(request.user, event):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_event_attachment(
                actor=request.user, event=event, title=form.cleaned_data["title"], upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Attachment added."))
            return redirect("participation:event_edit", pk=event.pk)
    return render(
        request,
        "participation/event_attachment_form.html",
        {"event": event, "form": form},
        status=400 if form.errors else 200,
    )


@_work_area
@require_POST
def event_send_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event, pk=pk)
    if not permissions.can_send_minutes(request.user, event):
        raise PermissionDenied
    try:
        count = services.send_minutes(actor=request.user, event=event)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The minutes are being sent to %(count)d registered participants.") % {"count": count}
        )
    return redirect("participation:event_edit", pk=event.pk)


def _record(request: HttpRequest, procedure, event: Event | None) -> HttpResponse:
    form = forms.RecordContributionForm(request.POST or None, procedure=procedure, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contribution = services.record_contribution(
                actor=request.user,
                procedure=procedure,
                event=event,
                kind=data["kind"],
                title=data["title"],
                text=data["text"],
                language=data["language"],
                source=data["source"],
                areas=data["areas"],
                district=data["district"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Contribution %(number)d recorded.") % {"number": contribution.pk})
            return redirect(request.path)
    return render(
        request,
        "participation/contribution_record.html",
        {"procedure": procedure, "event": event, "form": form},
        status=400 if form.errors else 200,
    )


@_work_area
def event_contribution_record(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.select_related("procedure", "district"), pk=pk)
    if not permissions.can_record_contribution(request.user, event):
        raise PermissionDenied
    return _record(request, event.procedure, event)


@_work_area
def contribution_record(request: HttpRequest, slug: str) -> HttpResponse:
    """Contributions that did not come from an event: letters, e-mails, the survey's free text."""
    if not permissions.can_manage_procedure(request.user):
        raise PermissionDenied
    return _record(request, queries.get_procedure(slug), None)


# --- Residents: browse contributions, follow by e-mail, confirm or remove an address -------------------------

BROWSE_PAGE_SIZE = 20


def contribution_browse(request: HttpRequest) -> HttpResponse:
    """Every published contribution, filtered and searched by a GET form that needs no JavaScript.

    Not page-cached: its query strings are unbounded, and every filter combination is a cheap indexed read.
    """
    form = forms.ContributionBrowseForm(
        request.GET or None, areas=queries.list_browse_areas(), procedures=queries.list_procedures()
    )
    filters = queries.BrowseFilters()
    if form.is_bound:
        form.is_valid()
        data = {name: value for name, value in form.cleaned_data.items() if name not in form.errors}
        filters = queries.BrowseFilters(
            query=data.get("q", ""),
            procedure=data.get("procedure"),
            district=data.get("district"),
            area=data.get("area"),
            kind=data.get("kind", ""),
            language=data.get("language", ""),
            state=data.get("state", ""),
            disposition=data.get("disposition", ""),
        )
    page = Paginator(queries.list_public_contributions(filters), BROWSE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/contribution_browse.html",
        {"form": form, "page": page, "contributions": queries.prepare_page(page), "procedure": filters.procedure},
        status=400 if form.errors else 200,
    )


def _follow(request: HttpRequest, *, target_label: str, back_url: str, feed_url: str, **target) -> HttpResponse:
    form = forms.FollowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscribe(
                email=form.cleaned_data["email"],
                language=get_language(),
                has_consented=form.cleaned_data["consent"],
                **target,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            # The same answer whether or not the address already follows: the form reveals nobody's subscriptions.
            return render(
                request,
                "participation/follow_requested.html",
                {"target_label": target_label, "back_url": back_url},
            )
    response = render(
        request,
        "participation/follow_form.html",
        {"form": form, "target_label": target_label, "back_url": back_url, "feed_url": feed_url},
        status=400 if form.errors else 200,
    )
    return response


@limit_public_form("participation-follow")
def follow_procedure(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return _follow(
        request,
        target_label=procedure.title,
        back_url=procedure.get_absolute_url(),
        feed_url=reverse("participation:procedure_feed", kwargs={"slug": procedure.slug}),
        procedure=procedure,
    )


@limit_public_form("participation-follow")
def follow_indicator(request: HttpRequest, code: str) -> HttpResponse:
    status = queries.get_indicator_statuses([get_object_or_404(Indicator, code=code)])[0]
    return _follow(
        request,
        target_label=f"{status.indicator.code} {status.title}".strip(),
        back_url=status.indicator.get_absolute_url(),
        feed_url=reverse("participation:indicator_feed", kwargs={"code": status.indicator.code}),
        indicator=status.indicator,
    )


@never_cache
@limit_public_form("participation-follow")
def follow_contribution(request: HttpRequest, token: str) -> HttpResponse:
    receipt = queries.get_receipt(token)
    response = _follow(
        request,
        target_label=_("your contribution"),
        back_url=receipt.contribution.get_receipt_url(),
        feed_url=reverse("participation:contribution_receipt_feed", kwargs={"token": token}),
        contribution=receipt.contribution,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _address_page(request: HttpRequest, token: str, *, purpose: str) -> HttpResponse:
    """GET shows what the link is about and a button; only the POST of that button changes anything.

    Mail scanners open links by GET: they must not confirm or delete an address by doing so.
    """
    template = f"participation/address_{purpose}.html"
    try:
        description = services.describe_address_link(token, purpose=purpose)
    except services.LinkError as error:
        return render(request, template, {"error": " ".join(error.messages)}, status=404)
    if request.method == "POST":
        try:
            if purpose == "confirm":
                services.confirm_address(token=token)
            else:
                services.remove_address(token=token)
        except services.LinkError as error:
            return render(request, template, {"error": " ".join(error.messages)}, status=404)
        return render(request, template, {"done": True, "description": description})
    return render(request, template, {"description": description})


@never_cache
def address_confirm(request: HttpRequest, token: str) -> HttpResponse:
    response = _address_page(request, token, purpose="confirm")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
def address_remove(request: HttpRequest, token: str) -> HttpResponse:
    response = _address_page(request, token, purpose="remove")
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
