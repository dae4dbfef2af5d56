"""Building surveys and the barometer in the admin: questions inline, their options and matrix items, texts in
every language, a preview link; index domains and items, and the links of index parts to areas of action.

Responses are not in the admin: they are read through the analysis pages and downloads only.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline, TranslationTabularInline

from teilhabe.core.content_languages import ResidentLanguagesAdminMixin

from . import permissions, services
from .models import (
    Barometer,
    ClimateAreaLink,
    IndexDomain,
    IndexItem,
    MatrixRow,
    Option,
    PopulationMargin,
    Question,
    Survey,
    Wave,
    WeightingRun,
)


class DepartmentOnly:
    """Surveys and the barometer are the department's: it edits; analysts may look."""

    def has_module_permission(self, request) -> bool:
        return permissions.can_manage_surveys(request.user) or permissions.can_analyse_survey(request.user, None)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args) -> bool:
        return permissions.can_manage_surveys(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return permissions.can_manage_surveys(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return permissions.can_manage_surveys(request.user)


class QuestionInline(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationStackedInline):
    model = Question
    fk_name = "survey"
    extra = 0
    show_change_link = True
    fields = [
        ("page", "position", "code", "kind", "is_required"),
        "text",
        "help_text",
        ("rank_places", "number_min", "number_max", "max_length"),
        ("condition_question", "condition_option"),
    ]
    raw_id_fields = ["condition_question", "condition_option"]


@admin.register(Survey)
class SurveyAdmin(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationAdmin):
    list_display = ["title", "slug", "status", "mode", "opens_on", "closes_on", "response_count", "preview_link"]
    list_filter = ["status", "mode", "is_illustrative"]
    search_fields = ["slug", "title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionInline]
    actions = ["open_surveys", "close_surveys"]
    readonly_fields = ["preview_link"]
    fieldsets = [
        (None, {"fields": ["slug", "title", "introduction", "thank_you_text", "preview_link"]}),
        (
            _("Running the survey"),
            {
                "fields": [
                    "status",
                    "mode",
                    "opens_on",
                    "closes_on",
                    "is_resumable",
                    "has_demographic_block",
                    "results_are_public",
                    "is_illustrative",
                ]
            },
        ),
        (_("Links"), {"fields": ["edition", "procedure"]}),
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.touch_questionnaire(survey=form.instance)

    @admin.display(description=_("responses"))
    def response_count(self, survey: Survey) -> int:
        return survey.responses.count()

    @admin.display(description=_("preview"))
    def preview_link(self, survey: Survey) -> str:
        if survey.pk is None:
            return "–"
        return format_html(
            '<a href="{}">{}</a>',
            survey.get_absolute_url(),
            _("Answer it as a respondent would (nothing is stored while it is a draft)"),
        )

    def has_publish_permission(self, request) -> bool:
        """Opening and closing surveys (bulk actions): the department's decision, never an analyst's."""
        return permissions.can_manage_surveys(request.user)

    @admin.action(description=_("Open the selected surveys for responses"), permissions=["publish"])
    def open_surveys(self, request, queryset):
        self._set_status(request, queryset, Survey.Status.OPEN)

    @admin.action(description=_("Close the selected surveys"), permissions=["publish"])
    def close_surveys(self, request, queryset):
        self._set_status(request, queryset, Survey.Status.CLOSED)

    def _set_status(self, request, queryset, status: Survey.Status) -> None:
        try:
            updated = services.set_survey_status(actor=request.user, surveys=queryset, status=status)
        except PermissionDenied:
            self.message_user(request, _("You may not open or close surveys."), messages.ERROR)
            return
        if status == Survey.Status.OPEN:
            self.message_user(request, _("%(count)d surveys opened.") % {"count": updated})
        else:
            self.message_user(request, _("%(count)d surveys closed.") % {"count": updated})


class OptionInline(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationTabularInline):
    model = Option
    fk_name = "question"
    extra = 0
    fields = ["position", "code", "label", "value", "is_dont_know", "area"]
    autocomplete_fields = []
    raw_id_fields = ["area"]


class MatrixRowInline(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationTabularInline):
    model = MatrixRow
    extra = 0
    fields = ["position", "code", "text"]


@admin.register(Question)
class QuestionAdmin(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationAdmin):
    list_display = ["code", "survey", "page", "position", "kind", "is_required"]
    list_filter = ["kind", "survey"]
    search_fields = ["code", "text", "survey__slug"]
    inlines = [OptionInline, MatrixRowInline]
    raw_id_fields = ["survey", "condition_question", "condition_option"]
    actions = ["add_areas"]
    readonly_fields = ["survey_link"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.touch_questionnaire(survey=form.instance.survey)

    def delete_model(self, request, obj):
        survey = obj.survey
        super().delete_model(request, obj)
        services.touch_questionnaire(survey=survey)

    @admin.display(description=_("survey"))
    def survey_link(self, question: Question) -> str:
        if not question.survey_id:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:surveys_survey_change", args=[question.survey_id]),
            question.survey,
            question.survey.get_absolute_url(),
            _("Preview"),
        )

    @admin.action(description=_("Add the areas of action of the survey's edition as items"), permissions=["change"])
    def add_areas(self, request, queryset):
        try:
            created = sum(
                len(services.add_area_options(actor=request.user, question=question))
                for question in queryset.select_related("survey__edition")
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
            return
        self.message_user(request, _("%(count)d items added.") % {"count": created})


class IndexItemInline(DepartmentOnly, TranslationTabularInline):
    model = IndexItem
    extra = 0
    fields = ["position", "variable", "title", "scale_min", "scale_max", "is_reversed"]


@admin.register(IndexDomain)
class IndexDomainAdmin(DepartmentOnly, TranslationAdmin):
    list_display = ["title", "barometer", "code", "weight", "minimum_answered", "position"]
    list_filter = ["barometer"]
    inlines = [IndexItemInline]


class IndexDomainInline(DepartmentOnly, TranslationTabularInline):
    model = IndexDomain
    extra = 0
    show_change_link = True
    fields = ["position", "code", "title", "weight", "minimum_answered"]


class WaveInline(DepartmentOnly, admin.TabularInline):
    model = Wave
    extra = 0
    fields = ["year", "survey", "trim_lower", "trim_upper"]
    raw_id_fields = ["survey"]
    show_change_link = True


class ClimateAreaLinkInline(DepartmentOnly, admin.TabularInline):
    model = ClimateAreaLink
    extra = 0
    fields = ["area", "domain", "item"]
    raw_id_fields = ["area"]


@admin.register(Barometer)
class BarometerAdmin(ResidentLanguagesAdminMixin, DepartmentOnly, TranslationAdmin):
    list_display = ["title", "slug", "minimum_domains", "is_illustrative"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [WaveInline, IndexDomainInline, ClimateAreaLinkInline]


@admin.register(ClimateAreaLink)
class ClimateAreaLinkAdmin(DepartmentOnly, admin.ModelAdmin):
    """Department staff map index domains and items to areas of action (the structure-vs-climate page)."""

    list_display = ["area", "barometer", "domain", "item"]
    list_filter = ["barometer", "area__edition"]
    raw_id_fields = ["area"]


class PopulationMarginInline(DepartmentOnly, admin.TabularInline):
    model = PopulationMargin
    extra = 0
    fields = ["dimension", "category", "population"]


@admin.register(Wave)
class WaveAdmin(DepartmentOnly, admin.ModelAdmin):
    list_display = ["barometer", "year", "survey", "manage_link"]
    list_filter = ["barometer"]
    raw_id_fields = ["survey"]
    inlines = [PopulationMarginInline]

    @admin.display(description=_("margins, weighting, index"))
    def manage_link(self, wave: Wave) -> str:
        return format_html('<a href="{}">{}</a>', wave.get_absolute_url(), _("Open"))


@admin.register(WeightingRun)
class WeightingRunAdmin(DepartmentOnly, admin.ModelAdmin):
    list_display = [
        "wave",
        "created_at",
        "converged",
        "iterations",
        "weighted_respondents",
        "n_effective",
        "design_effect",
    ]
    list_filter = ["wave__barometer", "converged"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
