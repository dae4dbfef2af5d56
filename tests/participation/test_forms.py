"""Bad input on every form of participation: each case names the field that is wrong, with its message."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from teilhabe.participation import forms
from tests.accounts.factories import AuthorityFactory
from tests.monitoring.factories import AreaOfActionFactory, DistrictFactory

from .factories import ContributionFactory, ProcedureFactory, StakeholderGroupFactory

pytestmark = pytest.mark.django_db

VALID = {
    "contribution": {"kind": "proposal", "title": "", "text": "Mehr Sprachcafés", "language": "de"},
    "record": {"kind": "statement", "source": "letter", "title": "", "text": "Brief an die Behörde", "language": "de"},
    "moderation": {"decision": "publish", "reason": ""},
    "event": {"title_de": "Workshop", "held_on": "2016-11-02", "format": "workshop"},
    "registration": {"name": "Ada", "email": "ada@example.org", "consent": "on"},
    "assign": {},
    "opinion": {"text": "Wir unterstützen das."},
    "evaluation": {"disposition": "declined", "justification": "Gibt es schon.", "reason": "Korrektur"},
    "comment": {"comment": "Bitte konkreter."},
    "queue": {"q": "Kita"},
}


def _form(name, data, files=None):
    procedure = ProcedureFactory()
    builders = {
        "contribution": lambda: forms.ContributionForm(data, procedure=procedure),
        "record": lambda: forms.RecordContributionForm(data, procedure=procedure),
        "moderation": lambda: forms.ModerationForm(data),
        "event": lambda: forms.EventForm(data, can_set_moderators=False),
        "registration": lambda: forms.RegistrationForm(data),
        "attachment": lambda: forms.AttachmentForm(data, files or {}),
        "assign": lambda: forms.AssignForm(data, is_reassignment=True),
        "opinion": lambda: forms.OpinionForm(data),
        "evaluation": lambda: forms.EvaluationForm(data, procedure=procedure, with_reason=True),
        "comment": lambda: forms.CommentForm(data, required=True),
        "queue": lambda: forms.QueueFilterForm(data),
    }
    return builders[name]()


@pytest.mark.parametrize(
    ("form", "data", "field", "message"),
    [
        # the public online form
        ("contribution", {"text": ""}, "text", "This field is required."),
        ("contribution", {"text": "   "}, "text", "This field is required."),
        ("contribution", {"text": "x" * 4001}, "text", "Ensure this value has at most 4000 characters (it has 4001)."),
        ("contribution", {"title": "t" * 201}, "title", "Ensure this value has at most 200 characters (it has 201)."),
        ("contribution", {"kind": "rant"}, "kind", "Select a valid choice. rant is not one of the available choices."),
        (
            "contribution",
            {"language": "xx"},
            "language",
            "Select a valid choice. xx is not one of the available choices.",
        ),
        ("contribution", {"areas": ["abc"]}, "areas", "“abc” is not a valid value."),
        (
            "contribution",
            {"district": "999999"},
            "district",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        ("contribution", {"contact_email": "not-an-address"}, "contact_email", "Enter a valid email address."),
        (
            "contribution",
            {"contact_email": "a@example.org"},
            "consent",
            "Please confirm that we may use your e-mail address, or leave it out.",
        ),
        ("contribution", {"website": "http://spam.example"}, "website", "This field must stay empty."),
        # staff recording a contribution
        ("record", {"text": ""}, "text", "This field is required."),
        (
            "record",
            {"source": "online_form"},
            "source",
            "Select a valid choice. online_form is not one of the available choices.",
        ),
        ("record", {"text": "y" * 4001}, "text", "Ensure this value has at most 4000 characters (it has 4001)."),
        # moderation
        (
            "moderation",
            {"decision": "hide"},
            "reason",
            "Say why the contribution is hidden; the contributor sees the reason.",
        ),
        (
            "moderation",
            {"decision": "delete"},
            "decision",
            "Select a valid choice. delete is not one of the available choices.",
        ),
        (
            "moderation",
            {"decision": "hide", "reason": "r" * 501},
            "reason",
            "Ensure this value has at most 500 characters (it has 501).",
        ),
        # events
        ("event", {"title_de": ""}, "title_de", "This field is required."),
        ("event", {"held_on": "next tuesday"}, "held_on", "Enter a valid date."),
        ("event", {"attendance_total": "-3"}, "attendance_total", "Ensure this value is greater than or equal to 0."),
        ("event", {"attendance_total": "many"}, "attendance_total", "Enter a whole number."),
        (
            "event",
            {"languages": "de, <script>"},
            "languages",
            "“<script>” is not a language code such as de, ar or fa-AF.",
        ),
        ("event", {"is_online": "on", "district": "__district__"}, "district", "An online event has no district."),
        ("event", {"title_de": "t" * 301}, "title_de", "Ensure this value has at most 300 characters (it has 301)."),
        # registration
        ("registration", {"consent": ""}, "consent", "We can only keep your address with your consent."),
        ("registration", {"email": "nope"}, "email", "Enter a valid email address."),
        ("registration", {"name": " "}, "name", "This field is required."),
        ("registration", {"website": "x"}, "website", "This field must stay empty."),
        # review
        ("assign", {"lead_authority": "__authority__", "reason": ""}, "reason", "A reassignment needs a reason."),
        (
            "assign",
            {"lead_authority": "abc"},
            "lead_authority",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
        (
            "assign",
            {"lead_authority": "__authority__", "co_authorities": ["__authority__"], "reason": "r"},
            "co_authorities",
            "The lead authority cannot also be a co-authority.",
        ),
        ("opinion", {"text": ""}, "text", "This field is required."),
        ("opinion", {"text": "o" * 6001}, "text", "Ensure this value has at most 6000 characters (it has 6001)."),
        ("evaluation", {"justification": "  "}, "justification", "This field is required."),
        (
            "evaluation",
            {"disposition": "maybe"},
            "disposition",
            "Select a valid choice. maybe is not one of the available choices.",
        ),
        (
            "evaluation",
            {"justification": "j" * 6001},
            "justification",
            "Ensure this value has at most 6000 characters (it has 6001).",
        ),
        (
            "evaluation",
            {"indicators": ["999999"]},
            "indicators",
            "Select a valid choice. 999999 is not one of the available choices.",
        ),
        ("evaluation", {"reason": ""}, "reason", "This field is required."),
        ("comment", {"comment": " "}, "comment", "This field is required."),
        ("queue", {"q": "q" * 201}, "q", "Ensure this value has at most 200 characters (it has 201)."),
        ("queue", {"state": "lost"}, "state", "Select a valid choice. lost is not one of the available choices."),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 30 else None,
)
def test_bad_input_is_named(form, data, field, message):
    authority = AuthorityFactory()
    district = DistrictFactory()
    values = {**VALID.get(form, {}), **data}
    values = {key: _substitute(value, authority=authority, district=district) for key, value in values.items()}
    bound = _form(form, values)
    assert not bound.is_valid()
    assert message in bound.errors[field]


def _substitute(value, *, authority, district):
    if isinstance(value, list):
        return [_substitute(item, authority=authority, district=district) for item in value]
    return {"__authority__": str(authority.pk), "__district__": str(district.pk)}.get(value, value)


@pytest.mark.parametrize("form", sorted(VALID))
def test_valid_input_passes(form):
    data = dict(VALID[form])
    if form == "assign":
        data = {"lead_authority": str(AuthorityFactory().pk), "reason": "Zuständigkeit"}
    bound = _form(form, data)
    assert bound.is_valid(), bound.errors


def test_attachment_needs_a_file():
    bound = _form("attachment", {"title": "Protokoll"})
    assert bound.errors["file"] == ["This field is required."]
    ok = _form("attachment", {"title": "Protokoll"}, {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.7")})
    assert ok.is_valid()


def test_event_form_counts_attendance_per_group():
    group = StakeholderGroupFactory(code="seniors")
    bound = forms.EventForm({**VALID["event"], "attendance_seniors": "7"}, can_set_moderators=False)
    assert bound.is_valid(), bound.errors
    assert bound.service_arguments()["attendance"] == {group: 7}
    bad = forms.EventForm({**VALID["event"], "attendance_seniors": "-1"}, can_set_moderators=False)
    assert bad.errors["attendance_seniors"] == ["Ensure this value is greater than or equal to 0."]


def test_public_form_offers_fields_of_action_of_the_procedures_edition():
    procedure = ProcedureFactory()
    field_of_action = AreaOfActionFactory(edition=procedure.edition)
    AreaOfActionFactory(edition=procedure.edition, parent=field_of_action)  # a topic: not offered publicly
    AreaOfActionFactory()  # another edition
    form = forms.ContributionForm(procedure=procedure)
    assert list(form.fields["areas"].queryset) == [field_of_action]


def test_bundle_form_refuses_contributions_outside_the_candidates():
    inside, outside = ContributionFactory(), ContributionFactory()
    from teilhabe.participation.models import Contribution

    bound = forms.BundleForm(
        {"title": "T", "contributions": [str(outside.pk)]}, candidates=Contribution.objects.filter(pk=inside.pk)
    )
    assert not bound.is_valid() and "contributions" in bound.errors


@pytest.mark.parametrize(
    ("label", "language", "expected"),
    [
        ("english", "en", "At most 4000 characters. Please do not include personal details."),
        ("german", "de", "Höchstens 4000 Zeichen. Bitte geben Sie keine persönlichen Daten an."),
    ],
)
def test_contribution_form_help_text_is_in_the_visitors_language(label, language, expected):
    """The help text is formatted when the form is shown, in the language of that request."""
    from django.utils import translation

    procedure = ProcedureFactory()
    with translation.override(language):
        html = forms.ContributionForm(procedure=procedure).as_div()
    assert expected in html
