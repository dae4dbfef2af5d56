"""Django admin for the monitoring domain: every model with search, filters and inlines, read-only
history (simple_history, revert disabled), and the data upload page (validate → preview → confirm).

Permissions come from the named predicates, not Django's model permissions (which no role group holds):
every admin is an AuthorityScopedAdminMixin. Authority staff see and edit their authority's indicator
versions, targets, observations and measures; the concept itself (editions, areas, sub-goals,
breakdowns, geographies, indicators' identities) is read by every staff role and edited by the department.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from teilhabe.accounts import permissions
from teilhabe.accounts.admin_scoping import AuthorityScopedAdminMixin

from . import permissions as monitoring_permissions
from . import services
from .forms import ImportConfirmForm, ImportUploadForm
from .importing.cells import DecimalMode
from .importing.problems import ImportFailed
from .importing.uploads import UploadExpired
from .models import (
    AreaOfAction,
    Assessment,
    BreakdownCategory,
    BreakdownDimension,
    Edition,
    EditionAttachment,
    Geography,
    Indicator,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)
from .periods import PeriodError, parse_period


class HistoryAdmin(SimpleHistoryAdmin):
    """History is shown, never reverted from the admin: corrections are new, recorded edits."""

    def revert_disabled(self, request, obj=None):
        return True


class TranslatedHistoryAdmin(HistoryAdmin, TranslationAdmin):
    pass


class ConceptAdminMixin(AuthorityScopedAdminMixin):
    """Concept-wide objects belong to no authority: every staff role reads them, the department edits them."""

    add_predicate = staticmethod(monitoring_permissions.can_edit_concept)
    change_predicate = staticmethod(monitoring_permissions.can_edit_concept)
    delete_predicate = staticmethod(monitoring_permissions.can_edit_concept)

    def scope_queryset(self, request, queryset):
        return queryset


class IndicatorRecordAdminMixin(AuthorityScopedAdminMixin):
    """Targets and observations: seen by every authority the indicator was ever assigned to, written only
    by its current authority (permissions.can_edit_indicator_record, the rule of the upload API too)."""

    authority_path = "indicator__versions__authority"
    add_predicate = staticmethod(monitoring_permissions.can_edit_indicator_record)
    change_predicate = staticmethod(monitoring_permissions.can_edit_indicator_record)
    delete_predicate = staticmethod(monitoring_permissions.can_edit_indicator_record)

    def save_model(self, request, obj, form, change):
        # The form offers every indicator in the user's scope, including one assigned to them only in an
        # earlier edition; writing its data is its current authority's job.
        if not self.change_predicate(request.user, obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


class ParentPermissionInlineMixin:
    """An inline's rows are part of the parent object: who may change the parent edits them, who may view
    it sees them (Django's default asks for model permissions, which no role group holds)."""

    def _parent_admin(self):
        return self.admin_site._registry[self.parent_model]

    def _may_edit(self, request, obj) -> bool:
        parent = self._parent_admin()
        return parent.has_change_permission(request, obj) if obj is not None else parent.has_add_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._parent_admin().has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_edit(request, obj)


# --- inlines --------------------------------------------------------------------------------------


class EditionAttachmentInline(ParentPermissionInlineMixin, TranslationTabularInline):
    model = EditionAttachment
    extra = 0


class SubGoalInline(ParentPermissionInlineMixin, TranslationTabularInline):
    model = SubGoal
    extra = 0
    fields = ["code", "text", "position"]


class BreakdownCategoryInline(ParentPermissionInlineMixin, TranslationTabularInline):
    model = BreakdownCategory
    extra = 0
    fields = ["code", "name", "position"]


class IndicatorVersionInline(ParentPermissionInlineMixin, TranslationStackedInline):
    model = IndicatorVersion
    extra = 0
    show_change_link = True
    fields = ["edition", "area", "status", "title", "unit", "direction", "comparison", "authority"]
    autocomplete_fields = ["area", "authority"]


class TargetInline(ParentPermissionInlineMixin, TranslationTabularInline):
    model = Target
    extra = 0
    fields = [
        "edition",
        "kind",
        "breakdown_key",
        "geography",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
    ]


# --- concept --------------------------------------------------------------------------------------


@admin.register(Edition)
class EditionAdmin(ConceptAdminMixin, TranslatedHistoryAdmin):
    list_display = ["code", "title", "adopted_on", "decision_reference", "is_current", "is_illustrative"]
    list_filter = ["is_current", "is_illustrative"]
    search_fields = ["code", "title", "decision_reference"]
    inlines = [EditionAttachmentInline]


@admin.register(AreaOfAction)
class AreaOfActionAdmin(ConceptAdminMixin, TranslatedHistoryAdmin):
    list_display = ["code", "title", "edition", "parent", "position"]
    list_filter = ["edition", ("parent", admin.EmptyFieldListFilter)]
    list_select_related = ["edition", "parent"]
    search_fields = ["code", "title", "we_statement"]
    autocomplete_fields = ["parent"]
    inlines = [SubGoalInline]


@admin.register(SubGoal)
class SubGoalAdmin(ConceptAdminMixin, TranslatedHistoryAdmin):
    list_display = ["code", "text", "area", "position"]
    list_filter = ["area__edition"]
    list_select_related = ["area"]
    search_fields = ["code", "text", "area__code", "area__title"]
    autocomplete_fields = ["area"]


@admin.register(BreakdownDimension)
class BreakdownDimensionAdmin(ConceptAdminMixin, TranslationAdmin):
    list_display = ["code", "name", "position"]
    search_fields = ["code", "name"]
    inlines = [BreakdownCategoryInline]


@admin.register(BreakdownCategory)
class BreakdownCategoryAdmin(ConceptAdminMixin, TranslationAdmin):
    list_display = ["code", "name", "dimension", "position"]
    list_filter = ["dimension"]
    list_select_related = ["dimension"]
    search_fields = ["code", "name", "dimension__code"]


@admin.register(Geography)
class GeographyAdmin(ConceptAdminMixin, TranslationAdmin):
    list_display = ["code", "name", "level", "parent", "population", "position"]
    list_filter = ["level"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]


@admin.register(Indicator)
class IndicatorAdmin(AuthorityScopedAdminMixin, HistoryAdmin):
    """An indicator's identity (its stable code) is the department's; authority staff see the indicators
    assigned to them in any edition and edit their versions, targets and observations on those pages."""

    authority_path = "versions__authority"
    add_predicate = staticmethod(monitoring_permissions.can_edit_concept)
    change_predicate = staticmethod(monitoring_permissions.can_edit_concept)
    delete_predicate = staticmethod(monitoring_permissions.can_edit_concept)
    list_display = ["code", "current_title"]
    search_fields = ["code", "versions__title"]
    inlines = [IndicatorVersionInline, TargetInline]

    @admin.display(description=_("title"))
    def current_title(self, obj):
        version = obj.versions.order_by("-edition__adopted_on", "-pk").first()
        return version.title if version else ""


@admin.register(IndicatorVersion)
class IndicatorVersionAdmin(AuthorityScopedAdminMixin, TranslatedHistoryAdmin):
    authority_path = "authority"
    list_display = ["indicator", "title", "edition", "area", "status", "direction", "comparison", "authority"]
    # Only the authorities in the user's scope, not every authority's name.
    list_filter = [
        "edition",
        "status",
        "direction",
        "comparison",
        "profile",
        ("authority", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["indicator", "edition", "area", "authority"]
    search_fields = ["indicator__code", "title", "definition", "data_source"]
    autocomplete_fields = ["indicator", "area", "authority", "group_a", "group_b"]
    filter_horizontal = ["breakdowns", "sub_goals"]


@admin.register(Target)
class TargetAdmin(IndicatorRecordAdminMixin, TranslatedHistoryAdmin):
    list_display = [
        "indicator",
        "edition",
        "kind",
        "breakdown_key",
        "geography",
        "baseline_value",
        "baseline_year",
        "target_value",
        "target_year",
    ]
    list_filter = ["edition", "kind", "geography"]
    list_select_related = ["indicator", "edition", "geography"]
    search_fields = ["indicator__code", "breakdown_key"]
    autocomplete_fields = ["indicator"]


class ObservationAdminForm(forms.ModelForm):
    """Checks the period where it is typed, so a bad one is an error next to the field."""

    class Meta:
        model = Observation
        fields = "__all__"  # noqa: DJ007 -- the admin's fieldsets decide what is shown

    def clean_period(self) -> str:
        try:
            return parse_period(self.cleaned_data["period"]).code
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Observation)
class ObservationAdmin(IndicatorRecordAdminMixin, HistoryAdmin):
    form = ObservationAdminForm
    list_display = [
        "indicator",
        "period",
        "geography",
        "breakdown_key",
        "value",
        "is_provisional",
        "source",
        "released_on",
        "updated_at",
    ]
    list_filter = ["is_provisional", "period_kind", "geography", "released_on"]
    list_select_related = ["indicator", "geography"]
    search_fields = ["indicator__code", "period", "breakdown_key", "source"]
    autocomplete_fields = ["indicator"]
    readonly_fields = ["period_kind", "period_start", "period_end"]
    show_full_result_count = False  # counting millions of rows on every page is slow
    change_list_template = "admin/monitoring/observation/change_list.html"

    def get_urls(self):
        urls = [
            path("import/", self.admin_site.admin_view(import_upload), name="monitoring_import_upload"),
            path("import/confirm/", self.admin_site.admin_view(import_confirm), name="monitoring_import_confirm"),
        ]
        return urls + super().get_urls()

    def save_model(self, request, obj, form, change):
        period = parse_period(obj.period)
        obj.period, obj.period_kind, obj.period_start, obj.period_end = (
            period.code,
            period.kind.value,
            period.start,
            period.end,
        )
        super().save_model(request, obj, form, change)


@admin.register(Measure)
class MeasureAdmin(AuthorityScopedAdminMixin, TranslatedHistoryAdmin):
    authority_path = "authority"
    list_display = ["code", "title", "authority", "status", "starts_on", "ends_on"]
    list_filter = ["status", ("authority", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["authority"]
    search_fields = ["code", "title", "description"]
    filter_horizontal = ["sub_goals", "indicators"]


@admin.register(Assessment)
class AssessmentAdmin(ConceptAdminMixin, admin.ModelAdmin):
    """Computed by a background job; shown, never edited."""

    list_display = [
        "indicator",
        "edition",
        "series_kind",
        "breakdown_key",
        "geography",
        "profile",
        "status",
        "computed_at",
    ]
    list_filter = ["edition", "series_kind", "profile", "status"]
    list_select_related = ["indicator", "edition", "geography"]
    search_fields = ["indicator__code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- data upload ----------------------------------------------------------------------------------


def import_upload(request):
    """Upload files; show the problems found, or a preview of what would change with a confirm button."""
    if not permissions.can_import_data(request.user):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    context = {**admin.site.each_context(request), "title": _("Import data"), "form": form, "opts": Observation._meta}
    if request.method == "POST" and form.is_valid():
        try:
            upload, report = services.preview_import_upload(
                files=form.cleaned_data["files"],
                user=request.user,
                decimal=DecimalMode(form.cleaned_data["decimal"]),
                encoding=form.cleaned_data["encoding"],
            )
        except ImportFailed as failure:
            context.update(problems=failure.problems, truncated=failure.truncated)
        else:
            context.update(
                report=report,
                confirm_form=ImportConfirmForm(initial={"token": upload.token}),
                file_names=sorted(upload.files.values()),
            )
            return render(request, "admin/monitoring/import_preview.html", context)
    return render(request, "admin/monitoring/import_upload.html", context)


def import_confirm(request):
    """Write exactly what was previewed (POST only); refused if the files or the changes differ."""
    if not permissions.can_import_data(request.user):
        raise PermissionDenied
    form = ImportConfirmForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        return redirect("admin:monitoring_import_upload")
    if "cancel" in request.POST:
        services.discard_import_upload(token=form.cleaned_data["token"], user=request.user)
        messages.info(request, _("The upload was discarded; nothing was imported."))
        return redirect("admin:monitoring_import_upload")
    try:
        report = services.confirm_import_upload(token=form.cleaned_data["token"], user=request.user)
    except UploadExpired:
        messages.error(
            request,
            _(
                "The previewed upload is no longer available or its files changed; nothing was "
                "imported. Please upload the files again."
            ),
        )
        return redirect("admin:monitoring_import_upload")
    except ImportFailed as failure:
        messages.error(request, failure.describe())
        return redirect("admin:monitoring_import_upload")
    messages.success(
        request,
        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
        % {
            "created": sum(t.created for t in report.tables),
            "updated": sum(t.updated for t in report.tables),
            "unchanged": sum(t.unchanged for t in report.tables),
        },
    )
    return redirect(reverse("admin:monitoring_observation_changelist"))
