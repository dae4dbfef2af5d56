"""Forms of participation: they validate input for one service call each and hold no business logic."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from teilhabe.accounts.models import Authority, Role, User
from teilhabe.monitoring.models import AreaOfAction, Geography, Indicator, Measure, SubGoal, Target

from . import services
from .models import Contribution, Evaluation, Event, Language, Procedure, StakeholderGroup

CONSENT_LABEL = _(
    "I agree that the city stores my e-mail address to tell me when my contribution has been evaluated. "
    "I can withdraw this consent at any time; the address is deleted after the procedure."
)


class DateInput(forms.DateInput):
    input_type = "date"


def _text_help() -> str:
    return gettext("At most %(limit)d characters. Please do not include personal details.") % {
        "limit": services.MAX_TEXT_LENGTH
    }


def _districts():
    return Geography.objects.filter(level=Geography.Level.DISTRICT).order_by("position", "name")


class ContributionForm(forms.Form):
    """The public online form: anonymous unless an e-mail address is given with consent."""

    kind = forms.ChoiceField(
        label=_("What kind of contribution is it?"),
        choices=Contribution.Kind.choices,
        widget=forms.RadioSelect,
        initial=Contribution.Kind.PROPOSAL,
    )
    title = forms.CharField(label=_("Title (optional)"), max_length=services.MAX_TITLE_LENGTH, required=False)
    text = forms.CharField(
        label=_("Your contribution"),
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        # Formatted when the form is rendered, in the visitor's language (not once at import time).
        help_text=lazy(_text_help, str)(),
    )
    # Left at "recognise it", the language is detected from the text (services.settle_language).
    language = forms.ChoiceField(
        label=_("Language you write in"),
        choices=[("", _("Recognise it from my text")), *Language.choices],
        required=False,
        initial="",
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of action it concerns (optional)"),
        required=False,
        queryset=AreaOfAction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    district = forms.ModelChoiceField(
        label=_("District it concerns (optional)"),
        required=False,
        queryset=Geography.objects.none(),
        empty_label=_("Whole city or not specific"),
    )
    contact_email = forms.EmailField(
        label=_("E-mail address (optional)"),
        required=False,
        help_text=_("Only if you want to hear when your contribution is evaluated."),
    )
    consent = forms.BooleanField(label=CONSENT_LABEL, required=False)
    # A honeypot: hidden from people by CSS, filled in by form-filling robots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, procedure: Procedure, language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = AreaOfAction.objects.filter(
            edition_id=procedure.edition_id, parent__isnull=True
        ).order_by("position", "code")
        self.fields["district"].queryset = _districts()
        self.page_language = language
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Please write your contribution."))
        return text

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("This field must stay empty."))
        return ""

    def clean(self):
        data = super().clean()
        if data.get("contact_email") and not data.get("consent"):
            self.add_error("consent", _("Please confirm that we may use your e-mail address, or leave it out."))
        return data


class RecordContributionForm(forms.Form):
    """Staff record a contribution made at an event, in a talk, by letter or in the survey's free text."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Contribution.Kind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=Contribution.Source.choices)
    title = forms.CharField(label=_("Title (optional)"), max_length=services.MAX_TITLE_LENGTH, required=False)
    text = forms.CharField(
        label=_("Text in its original language"),
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Recognise it from the text")), *Language.choices], required=False
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas of action"),
        required=False,
        queryset=AreaOfAction.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=Geography.objects.none())

    def __init__(self, *args, procedure: Procedure, event: Event | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = (
            AreaOfAction.objects.filter(edition_id=procedure.edition_id)
            .select_related("parent")
            .order_by("parent__position", "position", "code")
        )
        self.fields["district"].queryset = _districts()
        if event is not None:
            self.fields["source"].initial = (
                Contribution.Source.TALK if event.format == Event.Format.TALK else Contribution.Source.EVENT
            )
            self.fields["source"].choices = [
                (value, label)
                for value, label in Contribution.Source.choices
                if value in (Contribution.Source.EVENT, Contribution.Source.TALK)
            ]
        else:
            self.fields["source"].choices = [
                (value, label)
                for value, label in Contribution.Source.choices
                if value not in (Contribution.Source.EVENT, Contribution.Source.ONLINE_FORM)
            ]

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Please write the contribution."))
        return text


class ModerationForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), widget=forms.RadioSelect, choices=[("publish", _("Publish")), ("hide", _("Reject"))]
    )
    reason = forms.CharField(
        label=_("Reason for rejecting"),
        max_length=500,
        required=False,
        help_text=_("Required when rejecting; the contributor sees it on the receipt page."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "hide" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the contribution is hidden; the contributor sees the reason."))
        return data


class AnonymisationForm(forms.Form):
    """A moderator's edit that removes names, addresses and other personal details from a contribution."""

    title = forms.CharField(label=_("Title"), max_length=services.MAX_TITLE_LENGTH, required=False)
    text = forms.CharField(
        label=_("Text"),
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Remove names, addresses, phone numbers and other personal details; keep the concern as it was "
            "written. The public sees this version; the original stays visible to moderation only."
        ),
    )


class LanguageListField(forms.CharField):
    """Language codes separated by commas (de, ar, fa)."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return [code.strip().lower() for code in text.replace(";", ",").split(",") if code.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value

    def validate(self, value) -> None:
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")
        for code in value:
            if not (2 <= len(code) <= 12) or not all(c.isalpha() or c == "-" for c in code):
                raise ValidationError(
                    _("“%(code)s” is not a language code such as de, ar or fa-AF."), params={"code": code}
                )


class EventForm(forms.Form):
    title_de = forms.CharField(label=_("Title (German)"), max_length=300)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    format = forms.ChoiceField(label=_("Format"), choices=Event.Format.choices)
    district = forms.ModelChoiceField(label=_("District"), required=False, queryset=Geography.objects.none())
    is_online = forms.BooleanField(label=_("Online event"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=300, required=False)
    organiser = forms.CharField(label=_("Organiser"), max_length=300, required=False)
    moderating_organisation = forms.CharField(label=_("Moderating organisation"), max_length=300, required=False)
    stakeholder_groups = forms.ModelMultipleChoiceField(
        label=_("Stakeholder groups present"),
        required=False,
        queryset=StakeholderGroup.objects.order_by("position"),
        widget=forms.CheckboxSelectMultiple,
    )
    attendance_total = forms.IntegerField(
        label=_("Participants in total"), min_value=0, max_value=1_000_000, required=False
    )
    languages = LanguageListField(
        label=_("Languages spoken"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas, e.g. de, ar, fa."),
    )
    interpretation_languages = LanguageListField(
        label=_("Interpretation offered into"),
        required=False,
        max_length=200,
        help_text=_("Language codes separated by commas."),
    )
    summary_de = forms.CharField(
        label=_("Public summary (German)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    summary_en = forms.CharField(
        label=_("Public summary (English)"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        max_length=100000,
        help_text=_("Simple HTML is kept (paragraphs, lists, links, tables); everything else is removed."),
    )
    moderators = forms.ModelMultipleChoiceField(
        label=_("Moderators"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, can_set_moderators: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = _districts()
        if can_set_moderators:
            self.fields["moderators"].queryset = User.objects.filter(
                is_active=True, groups__name=Role.MODERATOR.value
            ).order_by("last_name", "username")
        else:
            del self.fields["moderators"]
        self.group_fields = []
        for group in StakeholderGroup.objects.order_by("position", "code"):
            name = f"attendance_{group.code}"
            self.fields[name] = forms.IntegerField(
                label=_("Participants from: %(group)s") % {"group": group.name},
                min_value=0,
                max_value=1_000_000,
                required=False,
            )
            self.group_fields.append((name, group))

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        initial = {
            name: getattr(event, name)
            for name in (
                "title_de",
                "title_en",
                "held_on",
                "format",
                "district",
                "is_online",
                "venue",
                "organiser",
                "moderating_organisation",
                "attendance_total",
                "languages",
                "interpretation_languages",
                "summary_de",
                "summary_en",
                "agenda",
                "minutes",
            )
        }
        initial["stakeholder_groups"] = list(event.stakeholder_groups.all())
        initial["moderators"] = list(event.moderators.all())
        for attendance in event.attendances.select_related("stakeholder_group"):
            initial[f"attendance_{attendance.stakeholder_group.code}"] = attendance.count
        return initial

    def clean(self):
        data = super().clean()
        if data.get("is_online") and data.get("district"):
            self.add_error("district", _("An online event has no district."))
        return data

    def service_arguments(self) -> dict:
        """The cleaned data in the shape services.create_event/update_event take."""
        data = dict(self.cleaned_data)
        attendance = {group: data.pop(name) for name, group in self.group_fields}
        arguments = {key: value for key, value in data.items() if key not in ("stakeholder_groups", "moderators")}
        arguments.update(stakeholder_groups=data["stakeholder_groups"], attendance=attendance)
        if "moderators" in data:
            arguments["moderators"] = data["moderators"]
        return arguments


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    file = forms.FileField(label=_("File"), help_text=_("PDF, PNG, JPG, XLSX, DOCX or ODT."))


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"))
    wants_invitations = forms.BooleanField(
        label=_("Send me invitations to further events"), required=False, initial=True
    )
    wants_minutes = forms.BooleanField(label=_("Send me the minutes of this event"), required=False, initial=True)
    consent = forms.BooleanField(
        label=_(
            "I agree that the city stores my name and e-mail address for these purposes until the end of the "
            "procedure. I can withdraw this consent at any time."
        ),
        error_messages={"required": _("We can only keep your address with your consent.")},
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Please give your name."))
        return name

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("This field must stay empty."))
        return ""


def _authorities():
    return Authority.objects.order_by("name")


class AssignForm(forms.Form):
    lead_authority = forms.ModelChoiceField(label=_("Lead authority"), queryset=Authority.objects.none())
    co_authorities = forms.ModelMultipleChoiceField(
        label=_("Co-authorities (optional)"),
        required=False,
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(
        label=_("Reason for the reassignment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the item is already assigned."),
    )

    def __init__(self, *args, is_reassignment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_reassignment = is_reassignment
        self.fields["lead_authority"].queryset = _authorities()
        self.fields["co_authorities"].queryset = _authorities()
        if not is_reassignment:
            del self.fields["reason"]

    def clean(self):
        data = super().clean()
        if self.is_reassignment and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A reassignment needs a reason."))
        lead = data.get("lead_authority")
        if lead is not None and lead in (data.get("co_authorities") or []):
            self.add_error("co_authorities", _("The lead authority cannot also be a co-authority."))
        return data


class BulkAssignForm(forms.Form):
    reviews = forms.ModelMultipleChoiceField(
        label=_("Items"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one item.")},
    )
    lead_authority = forms.ModelChoiceField(label=_("Lead authority"), queryset=Authority.objects.none())
    co_authorities = forms.ModelMultipleChoiceField(
        label=_("Co-authorities (optional)"),
        required=False,
        queryset=Authority.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, reviews, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviews"].queryset = reviews
        self.fields["lead_authority"].queryset = _authorities()
        self.fields["co_authorities"].queryset = _authorities()


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, required: bool = False, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].required = required
        if label:
            self.fields["comment"].label = label

    def clean_comment(self) -> str:
        comment = self.cleaned_data["comment"].strip()
        if self.fields["comment"].required and not comment:
            raise ValidationError(_("Please give a reason."))
        return comment


class OpinionForm(forms.Form):
    text = forms.CharField(
        label=_("Internal opinion for the lead authority"),
        max_length=services.MAX_JUSTIFICATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Please write the opinion."))
        return text


# The pickers of the evaluation form: the field, its legend and what its search field finds by.
PICKERS = (
    ("measures", _("Measures"), _("Search measures by title or authority")),
    ("indicators", _("Indicators"), _("Search indicators by code, title or area")),
    ("targets", _("Targets"), _("Search targets by indicator, group, place, value or year")),
    ("sub_goals", _("Sub-goals"), _("Search sub-goals by code, text or area")),
)
PICKER_BUTTONS = {
    "measures": _("Find measures"),
    "indicators": _("Find indicators"),
    "targets": _("Find targets"),
    "sub_goals": _("Find sub-goals"),
}


def _matches(label: str, search: str) -> bool:
    """Every word of the search occurs in the label, ignoring case."""
    text = label.casefold()
    return all(word in text for word in search.casefold().split())


class EvaluationForm(forms.Form):
    """The lead authority's draft (and, with a reason, the department's correction).

    Works without JavaScript: each picker is a list of checkboxes with a search field whose button
    (name "picker_search") sends the form back to be shown again with the list narrowed, nothing saved.
    picker.js narrows the same list as one types. The rules of a disposition are the service's
    (services.check_evaluation); their errors are shown at the fields they name.
    """

    template_name = "participation/includes/evaluation_form.html"
    # form_fields.html renders a form with its own template instead of field by field.
    renders_itself = True
    SEARCH_BUTTON = "picker_search"

    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=Evaluation.Disposition.choices, widget=forms.RadioSelect
    )
    competent_level = forms.CharField(
        label=_("Competent level"),
        required=False,
        max_length=300,
        help_text=_("For “outside the city's competence”: who can decide, e.g. the federal government."),
    )
    data_needed = forms.CharField(
        label=_("Data that would be needed"),
        required=False,
        max_length=services.MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For “required data does not exist”: which data would answer the contribution."),
    )
    justification = forms.CharField(
        label=_("Public justification (German)"),
        max_length=services.MAX_JUSTIFICATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "de"}),
        help_text=_("Published with the evaluation; write for the residents."),
    )
    justification_en = forms.CharField(
        label=_("Public justification (English, optional)"),
        required=False,
        max_length=services.MAX_JUSTIFICATION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "lang": "en"}),
        help_text=_("Shown on the English pages; without it they show the German text."),
    )
    measures = forms.ModelMultipleChoiceField(
        label=_("Measures"), required=False, queryset=Measure.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators"), required=False, queryset=Indicator.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    targets = forms.ModelMultipleChoiceField(
        label=_("Targets"), required=False, queryset=Target.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    sub_goals = forms.ModelMultipleChoiceField(
        label=_("Sub-goals"), required=False, queryset=SubGoal.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, procedure: Procedure, review=None, with_reason: bool = False, **kwargs):
        from . import queries

        super().__init__(*args, **kwargs)
        self.fields["measures"].queryset = Measure.objects.all()
        self.fields["sub_goals"].queryset = SubGoal.objects.filter(area__edition_id=procedure.edition_id)
        self.fields["indicators"].queryset = Indicator.objects.all()
        self.fields["targets"].queryset = Target.objects.filter(edition_id=procedure.edition_id)
        for name, _legend, search_label in PICKERS:
            self.fields[f"{name}_search"] = forms.CharField(label=search_label, required=False, max_length=200)
        if with_reason:
            self.fields["reason"] = forms.CharField(
                label=_("Reason for the correction"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        areas = queries.get_review_areas(review) if review is not None else []
        self.link_options = queries.list_link_options(procedure, areas)
        self.has_own_areas = bool(areas)

    @classmethod
    def for_search(cls, data, **kwargs) -> EvaluationForm:
        """The form shown again after a picker search: what was entered, as initial values, without errors."""
        initial = {name: data.get(name, "") for name in ("disposition", "competent_level", "data_needed")}
        initial.update(justification=data.get("justification", ""), justification_en=data.get("justification_en", ""))
        for name, _legend, _label in PICKERS:
            initial[name] = [value for value in data.getlist(name) if value.isdigit()]
            initial[f"{name}_search"] = data.get(f"{name}_search", "")
        if "reason" in data:
            initial["reason"] = data.get("reason", "")
        return cls(initial=initial, **kwargs)

    def _value(self, name: str):
        return self[name].value()

    @property
    def disposition_options(self) -> list[dict]:
        """Each disposition with what it means, for the radio buttons (plain values for the template)."""
        from .models import DISPOSITION_HELP

        current = self._value("disposition")
        return [
            {
                "value": value,
                "label": label,
                "help": DISPOSITION_HELP[value],
                "id": f"{self.auto_id % 'disposition'}_{index}" if self.auto_id else f"disposition_{index}",
                "checked": value == current,
            }
            for index, (value, label) in enumerate(Evaluation.Disposition.choices)
        ]

    @property
    def pickers(self) -> list[dict]:
        """Each picker as plain values: its fields, the options shown (selected ones always) and counts."""
        result = []
        for name, legend, _label in PICKERS:
            options = getattr(self.link_options, name)
            selected = {str(value) for value in (self._value(name) or [])}
            search = (self._value(f"{name}_search") or "").strip()
            shown = [
                {
                    "value": str(option.pk),
                    "label": option.label,
                    "is_own": option.is_own,
                    "checked": str(option.pk) in selected,
                    "id": f"{self.auto_id % name}_{option.pk}" if self.auto_id else f"{name}_{option.pk}",
                }
                for option in options
                if str(option.pk) in selected or not search or _matches(option.label, search)
            ]
            result.append(
                {
                    "name": name,
                    "legend": legend,
                    "button": PICKER_BUTTONS[name],
                    "field": self[name],
                    "search": self[f"{name}_search"],
                    "own": [option for option in shown if option["is_own"]],
                    "other": [option for option in shown if not option["is_own"]],
                    "shown": len(shown),
                    "total": len(options),
                    "is_narrowed": bool(search),
                }
            )
        return result

    def clean_justification(self) -> str:
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise ValidationError(_("An evaluation is published with its reasons: write the justification."))
        return text

    def service_arguments(self) -> dict:
        """The cleaned data in the shape services.draft_evaluation/publish_revision take."""
        names = ("disposition", "justification", "justification_en", "competent_level", "data_needed")
        arguments = {name: self.cleaned_data[name] for name in names}
        arguments.update({name: self.cleaned_data[name] for name, _legend, _label in PICKERS})
        return arguments

    @classmethod
    def initial_for(cls, evaluation: Evaluation | None) -> dict:
        if evaluation is None:
            return {}
        return {
            "disposition": evaluation.disposition,
            "justification": evaluation.justification_de or evaluation.justification,
            "justification_en": evaluation.justification_en or "",
            "competent_level": evaluation.competent_level,
            "data_needed": evaluation.data_needed,
            "measures": [item.pk for item in evaluation.measures.all()],
            "sub_goals": [item.pk for item in evaluation.sub_goals.all()],
            "indicators": [item.pk for item in evaluation.indicators.all()],
            "targets": [item.pk for item in evaluation.targets.all()],
        }


class BundleForm(forms.Form):
    title = forms.CharField(label=_("Title of the bundle (the shared concern)"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    contributions = forms.ModelMultipleChoiceField(
        label=_("Contributions"), queryset=Contribution.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributions"].queryset = candidates


class AddToBundleForm(forms.Form):
    bundle = forms.ModelChoiceField(label=_("Bundle"), queryset=None)

    def __init__(self, *args, bundles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bundle"].queryset = bundles


class QueueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("State"), required=False)
    area = forms.ModelChoiceField(label=_("Area of action"), required=False, queryset=AreaOfAction.objects.none())
    authority = forms.ModelChoiceField(label=_("Lead authority"), required=False, queryset=Authority.objects.none())
    source = forms.ChoiceField(label=_("Source"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    waiting = forms.BooleanField(label=_("Waiting for me only"), required=False)

    def __init__(self, *args, **kwargs):
        from teilhabe.monitoring import queries as monitoring_queries

        from .models import REVIEW_STATE_LABELS
        from .workflow import State

        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["state"].choices = everything + [
            (s.value, label) for s, label in REVIEW_STATE_LABELS.items() if s != State.BUNDLED
        ]
        self.fields["source"].choices = everything + list(Contribution.Source.choices)
        self.fields["kind"].choices = everything + list(Contribution.Kind.choices)
        # Only the current edition's fields: earlier editions have fields of the same names.
        self.fields["area"].queryset = monitoring_queries.list_fields_of_action(
            monitoring_queries.get_current_edition()
        )
        self.fields["authority"].queryset = _authorities()


FOLLOW_CONSENT_LABEL = _(
    "I agree that the city stores my e-mail address to send me these notices. I can stop them with the link in "
    "every e-mail; the address is then deleted."
)


class FollowForm(forms.Form):
    """Follow something by e-mail: the address, consent, and a honeypot."""

    email = forms.EmailField(label=_("Your e-mail address"))
    consent = forms.BooleanField(
        label=FOLLOW_CONSENT_LABEL, error_messages={"required": _("We can only write to you with your consent.")}
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["email"].widget.attrs.update({"autocomplete": "email"})

    def clean_website(self) -> str:
        if self.cleaned_data["website"]:
            raise ValidationError(_("This field must stay empty."))
        return ""


def _any(label) -> list[tuple[str, str]]:
    return [("", label)]


class ContributionBrowseForm(forms.Form):
    """The public contribution browser's filters, sent by GET so that every result page has its own address."""

    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        required=False,
        queryset=Procedure.objects.none(),
        to_field_name="slug",
        empty_label=_("All procedures"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=Geography.objects.none(),
        to_field_name="code",
        empty_label=_("All districts"),
    )
    area = forms.ModelChoiceField(
        label=_("Field of action"),
        required=False,
        queryset=AreaOfAction.objects.none(),
        empty_label=_("All fields of action"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    state = forms.ChoiceField(label=_("State of the review"), required=False)
    disposition = forms.ChoiceField(label=_("Result of the evaluation"), required=False)

    def __init__(self, *args, areas, procedures, **kwargs):
        from .models import REVIEW_STATE_LABELS
        from .workflow import State

        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures
        self.fields["district"].queryset = _districts()
        self.fields["area"].queryset = areas
        self.fields["kind"].choices = _any(_("All kinds")) + list(Contribution.Kind.choices)
        self.fields["language"].choices = _any(_("All languages")) + list(Language.choices)
        self.fields["state"].choices = _any(_("Any state")) + [
            (state.value, label) for state, label in REVIEW_STATE_LABELS.items() if state != State.BUNDLED
        ]
        self.fields["disposition"].choices = _any(_("Any result")) + list(Evaluation.Disposition.choices)

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class LanguageCorrectionForm(forms.Form):
    """Staff correct the language a contribution was recorded or detected in."""

    language = forms.ChoiceField(label=_("Written in"), choices=Language.choices)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "language-correction-%s")  # unique beside the review page's other forms
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# The evaluation form writes the justification in German and English; other languages are translations.
LANGUAGES_OF_THE_FORM = ("de", "en")


class JustificationTranslationForm(forms.Form):
    """The public justification in a resident's language, written or checked by staff."""

    language = forms.ChoiceField(label=_("Language"))
    text = forms.CharField(
        label=_("Justification in this language"), widget=forms.Textarea(attrs={"rows": 6, "dir": "auto"})
    )
    is_machine_assisted = forms.BooleanField(
        label=_("Made with the help of a machine translation, which I have checked"), required=False
    )
    engine = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "justification-translation-%s")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code not in LANGUAGES_OF_THE_FORM
        ]


class JustificationDraftForm(forms.Form):
    """Ask the translation server for a draft of the justification in one language."""

    language = forms.ChoiceField(label=_("Language"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "justification-draft-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code not in LANGUAGES_OF_THE_FORM
        ]
