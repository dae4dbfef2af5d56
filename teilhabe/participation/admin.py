"""Admin for participation: the department's tool. Workflow records are read-only here.

Authority staff and moderators work in the participation work pages (views.py), which apply the
per-item rules of permissions.py; the admin is therefore limited to the department. Reviews,
assignments, opinions, evaluations and the transition log change only through services.py.
"""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from teilhabe.accounts.permissions import is_department_admin
from teilhabe.core.content_languages import ResidentLanguagesAdminMixin

from .models import (
    Assignment,
    Bundle,
    Contribution,
    DocumentationBuild,
    Evaluation,
    Event,
    EventAttachment,
    EventAttendance,
    Opinion,
    Phase,
    Procedure,
    Registration,
    Review,
    StakeholderGroup,
    TransitionLog,
)


class DepartmentOnlyMixin:
    def has_module_permission(self, request) -> bool:
        return is_department_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_department_admin(request.user)

    def has_add_permission(self, request, *args) -> bool:
        return is_department_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_department_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_department_admin(request.user)


class ReadOnlyMixin(DepartmentOnlyMixin):
    """Shown to the department, never edited here: the workflow's records are written by services only."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class PhaseInline(ResidentLanguagesAdminMixin, DepartmentOnlyMixin, TranslationTabularInline):
    model = Phase
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(ResidentLanguagesAdminMixin, DepartmentOnlyMixin, TranslationAdmin):
    list_display = ["title", "slug", "edition", "is_open_for_contributions", "is_illustrative"]
    list_filter = ["is_open_for_contributions", "is_illustrative"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title_de"]}
    inlines = [PhaseInline]


@admin.register(StakeholderGroup)
class StakeholderGroupAdmin(DepartmentOnlyMixin, TranslationAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


class AttendanceInline(DepartmentOnlyMixin, admin.TabularInline):
    model = EventAttendance
    extra = 0


class AttachmentInline(ReadOnlyMixin, admin.TabularInline):
    # Files are uploaded through the event page, where their type and size are checked.
    model = EventAttachment
    extra = 0
    fields = ["title", "file", "file_type"]
    readonly_fields = fields


@admin.register(Event)
class EventAdmin(ResidentLanguagesAdminMixin, DepartmentOnlyMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "procedure", "held_on", "format", "district", "attendance_total"]
    list_filter = ["procedure", "format", "district", "is_online"]
    search_fields = ["title", "summary"]
    date_hierarchy = "held_on"
    filter_horizontal = ["stakeholder_groups", "moderators"]
    # Minutes are sanitised by the service on the event page; the admin shows them but does not edit them.
    readonly_fields = ["minutes"]
    inlines = [AttendanceInline, AttachmentInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name", "procedure", "event", "consent_given_at", "consent_wording_version"]
    list_filter = ["procedure"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # Withdrawn consent: the department deletes the registration.
        return is_department_admin(request.user)


@admin.register(Contribution)
class ContributionAdmin(DepartmentOnlyMixin, SimpleHistoryAdmin):
    list_display = ["pk", "__str__", "procedure", "kind", "source", "language", "moderation_state", "bundle"]
    list_filter = ["procedure", "kind", "source", "language", "moderation_state"]
    search_fields = ["title", "text"]
    filter_horizontal = ["areas"]
    # The original is never changed: text, language, source and consent stay as recorded.
    readonly_fields = [
        "procedure",
        "kind",
        "title",
        "text",
        "language",
        "source",
        "event",
        "contact_email",
        "contact_consent_at",
        "consent_wording_version",
        "receipt_token",
        "moderation_state",
        "moderation_reason",
        "moderated_at",
        "moderated_by",
        "recorded_by",
        "bundle",
    ]
    exclude = ["normalised_text"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Bundle)
class BundleAdmin(DepartmentOnlyMixin, SimpleHistoryAdmin, TranslationAdmin):
    list_display = ["title", "procedure"]
    list_filter = ["procedure"]
    search_fields = ["title", "summary"]
    filter_horizontal = ["areas"]
    readonly_fields = ["procedure", "created_by"]

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class TransitionLogInline(ReadOnlyMixin, admin.TabularInline):
    model = TransitionLog
    extra = 0
    fields = ["created_at", "actor", "actor_kind", "action", "from_state", "to_state", "comment"]
    readonly_fields = fields


@admin.register(Review)
class ReviewAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["pk", "__str__", "procedure", "state", "assignment", "created_at"]
    list_filter = ["procedure", "state"]
    inlines = [TransitionLogInline]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["review", "lead_authority", "assigned_at", "assigned_by"]


@admin.register(Opinion)
class OpinionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["review", "authority", "created_at"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    list_display = ["review", "revision", "disposition", "authority", "published_at"]
    list_filter = ["disposition"]


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "review", "actor", "actor_kind", "action", "from_state", "to_state"]
    list_filter = ["action", "to_state"]


@admin.register(DocumentationBuild)
class DocumentationBuildAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["procedure", "language", "status", "finished_at", "page_count"]
