"""Forms of the monitoring domain: the admin's data upload (validate → preview → confirm)."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from teilhabe.core.uploads import validate_upload

from .importing.cells import DecimalMode

IMPORT_TYPES = (".csv", ".xlsx")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(IMPORT_TYPES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "CSV files named after their table (e.g. observations.csv) or an XLSX workbook with one sheet "
            "per table. See docs/data-formats.md."
        ),
    )
    encoding = forms.ChoiceField(
        label=_("Encoding of CSV files"),
        choices=[("utf-8", "UTF-8"), ("latin-1", "Latin-1 (ISO-8859-1)"), ("cp1252", "Windows-1252")],
        initial="utf-8",
    )
    decimal = forms.ChoiceField(
        label=_("Decimal separator"),
        choices=[
            (DecimalMode.AUTO.value, _("Decide per value where unambiguous")),
            (DecimalMode.COMMA.value, _("Comma (12,5)")),
            (DecimalMode.POINT.value, _("Point (12.5)")),
        ],
        initial=DecimalMode.AUTO.value,
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for upload in files:
            suffix = Path(upload.name).suffix.lower()
            if suffix not in IMPORT_TYPES:
                raise ValidationError(_("%(name)s: only .csv and .xlsx files can be imported.") % {"name": upload.name})
            if suffix == ".xlsx":
                validate_upload(upload, allowed=("xlsx",))
            elif upload.size > settings.TEILHABE_MAX_UPLOAD_BYTES:
                raise ValidationError(
                    _("%(name)s is larger than %(limit)s bytes.")
                    % {"name": upload.name, "limit": settings.TEILHABE_MAX_UPLOAD_BYTES}
                )
        return files


class ImportConfirmForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
