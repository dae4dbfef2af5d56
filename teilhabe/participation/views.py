"""Participation pages: thin function views that check permission, validate, call one service or query, render.

Public pages (procedure, event, contribution, bundle, receipt, online form, documentation) show only what
is published. Work pages need a staff login and show only what permissions.py allows the user.
"""

from __future__ import annotations

import csv
import tempfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from teilhabe.core.cache import cache_public_page
from teilhabe.core.ratelimit import limit_public_form
from teilhabe.monitoring.models import AreaOfAction

from . import documentation, forms, permissions, queries, services, workflow
from .models import REVIEW_STATE_LABELS, Bundle, Contribution, DocumentationBuild, Event, Review

PAGE_SIZE = 50
QUEUE_PAGE_SIZE = 50


def _page(request: HttpRequest, rows, size: int = PAGE_SIZE):
    return Paginator(rows, size).get_page(request.GET.get("page"))


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
            "phases": procedure.phases.all(),
            "events": queries.list_events(procedure),
        },
    )


@cache_public_page
def event_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    event = queries.get_event(procedure, pk)
    page = _page(request, queries.list_event_contributions(event))
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
            messages.success(request, _("Thank you. We have noted your registration."))
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


@cache_public_page
def bundle_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    bundle = queries.get_public_bundle(procedure, pk)
    members = list(queries.list_bundle_members(bundle))
    review = bundle.review
    revisions = queries.list_published_revisions(review) if review.state == workflow.State.PUBLISHED else []
    page = _page(request, members)
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


@cache_public_page
def documentation_events(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    page = _page(request, queries.list_events(procedure), size=20)
    return render(request, "participation/documentation_events.html", {"procedure": procedure, "page": page})


@cache_public_page
def documentation_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    procedure = queries.get_procedure(slug)
    return render(
        request,
        "participation/documentation_contributions.html",
        {"procedure": procedure, "areas": queries.list_documentation_areas(procedure)},
    )


@cache_public_page
def documentation_area(request: HttpRequest, slug: str, area: str) -> HttpResponse:
    """One area's published contributions with their evaluations; "ohne" lists those without an area."""
    procedure = queries.get_procedure(slug)
    area_object = None if area == "ohne" else get_object_or_404(AreaOfAction, edition=procedure.edition_id, code=area)
    page = _page(request, queries.list_area_contributions(procedure, area_object))
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


class _Echo:
    def write(self, value: str) -> str:
        return value


def documentation_download(request: HttpRequest, slug: str, format: str) -> HttpResponse:
    """All published contributions with their evaluations, streamed as CSV or written as XLSX."""
    procedure = queries.get_procedure(slug)
    filename = f"{procedure.slug}-beitraege.{format}"
    if format == "csv":
        writer = csv.writer(_Echo())
        rows = (writer.writerow(row) for row in _with_header(queries.iter_export_rows(procedure)))
        response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    elif format == "xlsx":
        spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        documentation.write_xlsx(procedure, spool)
        spool.seek(0)
        response = FileResponse(spool, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _with_header(rows):
    yield list(queries.EXPORT_COLUMNS)
    yield from rows


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


@_work_area
def work_overview(request: HttpRequest) -> HttpResponse:
    user = request.user
    procedures = list(queries.list_procedures())
    procedure = next((p for p in procedures if p.slug == request.GET.get("verfahren")), None)
    context = {
        "overview": queries.get_overview(user, procedure=procedure),
        "procedures": procedures,
        "procedure": procedure,
        "deadline_days": settings.TEILHABE_REVIEW_DEADLINE_DAYS,
        "state_labels": REVIEW_STATE_LABELS,
        "can_manage": permissions.can_manage_procedure(user),
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
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(["item", "kind", "procedure", "state", "lead_authority", "received_at", "title"])
        for review in rows.iterator(chunk_size=500):
            item = review.item
            yield writer.writerow(
                [
                    review.pk,
                    "bundle" if review.is_bundle else "contribution",
                    review.procedure.slug,
                    review.state,
                    str(review.assignment.lead_authority) if review.assignment_id else "",
                    review.created_at.isoformat(),
                    str(item)[:200],
                ]
            )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="vorgaenge.csv"'
    return response


def _review_context(request: HttpRequest, review: Review) -> dict:
    user = request.user
    kinds = permissions.actor_kinds(user, review)
    allowed = workflow.allowed_actions(review.state, kinds)
    evaluations = queries.list_evaluations(review)
    draft = next((e for e in evaluations if not e.is_published), None)
    procedure = review.procedure
    context = {
        "review": review,
        "item": review.item,
        "procedure": procedure,
        "allowed": allowed,
        "actions": workflow.Action,
        "state_labels": REVIEW_STATE_LABELS,
        "log": queries.get_review_log(review),
        "assignments": queries.list_assignments(review),
        "opinions": queries.list_opinions(user, review),
        "evaluations": evaluations,
        "draft": draft,
        "can_bundle": permissions.can_bundle(user),
        "can_view_contact": False,
    }
    if review.is_bundle:
        context["members"] = list(queries.list_bundle_members(review.bundle, public=False))
        context["origin"] = queries.get_bundle_origin(context["members"])
    else:
        contribution = review.contribution
        context["can_view_contact"] = permissions.can_view_contact(user, contribution)
        context["can_moderate"] = permissions.can_moderate(user, contribution)
        # Unmoderated contributions of other items are internal (permissions.can_view_internal_contribution):
        # only the department, who bundles, is offered them.
        context["similar"] = queries.list_similar_contributions(
            contribution, published_only=not permissions.can_bundle(user)
        )
        if context["can_bundle"]:
            context["bundles"] = queries.list_open_bundles(procedure)
            context["can_join_bundle"] = review.state in workflow.states_allowing(workflow.Action.BUNDLE)
    reassign = review.state != workflow.State.RECEIVED
    if workflow.Action.ASSIGN in allowed or workflow.Action.REASSIGN in allowed:
        context["assign_form"] = forms.AssignForm(is_reassignment=reassign)
    if workflow.Action.DRAFT in allowed:
        context["draft_form"] = forms.EvaluationForm(
            procedure=procedure, initial=forms.EvaluationForm.initial_for(draft)
        )
    if workflow.Action.PUBLISH_REVISION in allowed:
        context["revision_form"] = forms.EvaluationForm(
            procedure=procedure, with_reason=True, initial=forms.EvaluationForm.initial_for(review.published_evaluation)
        )
    if workflow.Action.ADD_OPINION in allowed:
        context["opinion_form"] = forms.OpinionForm()
    try:
        from teilhabe.accounts.audit import list_history
    except ImportError:  # the audit trail is optional for this page
        list_history = None
    if list_history is not None and review.item.history.exists():
        context["history"] = list_history(review.item, limit=20)
    return context


@_work_area
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = queries.get_review_for(request.user, pk)
    return render(request, "participation/review_detail.html", _review_context(request, review))


def _evaluation_arguments(data: dict) -> dict:
    return {
        key: data[key] for key in ("disposition", "justification", "measures", "sub_goals", "indicators", "targets")
    }


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
            form_name, form = "draft_form", forms.EvaluationForm(post, procedure=review.procedure)
            if form.is_valid():
                services.draft_evaluation(actor=user, review=review, **_evaluation_arguments(form.cleaned_data))
        elif action == workflow.Action.RETURN_FOR_REWORK:
            form_name, form = "return_form", forms.CommentForm(post, required=True)
            if form.is_valid():
                services.return_for_rework(actor=user, review=review, comment=form.cleaned_data["comment"])
        elif action == workflow.Action.PUBLISH:
            form_name, form = "publish_form", forms.CommentForm(post)
            if form.is_valid():
                services.publish_evaluation(actor=user, review=review, comment=form.cleaned_data["comment"])
        elif action == workflow.Action.PUBLISH_REVISION:
            form_name = "revision_form"
            form = forms.EvaluationForm(post, procedure=review.procedure, with_reason=True)
            if form.is_valid():
                services.publish_revision(
                    actor=user,
                    review=review,
                    reason=form.cleaned_data["reason"],
                    **_evaluation_arguments(form.cleaned_data),
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
        context = _review_context(request, queries.get_review_for(user, pk))
        context[form_name] = form
        return render(request, "participation/review_detail.html", context, status=400)
    messages.success(request, _("Done: %(action)s.") % {"action": _action_label(action)})
    return redirect(review)


def _action_label(action: workflow.Action) -> str:
    from .models import ACTION_LABELS

    return str(ACTION_LABELS[action])


# --- Work pages: moderation and bundles -----------------------------------------------------------


@_work_area
def moderation_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, queries.list_pending_moderation(request.user))
    return render(request, "participation/moderation_list.html", {"page": page, "form": forms.ModerationForm()})


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
            messages.success(request, _("Contribution #%(pk)d moderated.") % {"pk": contribution.pk})
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
            messages.success(request, _("Contribution #%(pk)d taken out of the bundle.") % {"pk": contribution.pk})
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
            messages.success(request, _("Contribution #%(pk)d recorded.") % {"pk": contribution.pk})
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
