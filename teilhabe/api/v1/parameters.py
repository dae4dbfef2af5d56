"""Query-parameter fields shared by the v1 resources: codes that must name existing objects."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from teilhabe.monitoring import queries
from teilhabe.monitoring.models import Edition, Geography, Indicator

# Ids are 64-bit; a larger number names nothing and must not reach the database driver.
MAX_ID = 2**63 - 1


class CodeField(serializers.SlugRelatedField):
    """An object named by its code. Text no code can have (control characters, which PostgreSQL refuses
    in a query) is invalid before any query runs."""

    def to_internal_value(self, data):
        if isinstance(data, str) and any(ord(character) < 32 or ord(character) == 127 for character in data):
            self.fail("invalid")
        return super().to_internal_value(data)


def code_of(queryset, *, help_text: str, missing: str) -> CodeField:
    """A parameter naming an object by its code; an unknown code is a 400 whose message names it."""
    return CodeField(
        slug_field="code",
        queryset=queryset,
        required=False,
        help_text=help_text,
        error_messages={"does_not_exist": missing, "invalid": _("This is not a valid code.")},
    )


def edition_parameter() -> CodeField:
    return code_of(
        Edition.objects.all(),
        help_text="Edition code; default: the current edition.",
        missing=_("There is no edition with the code “{value}”."),
    )


def indicator_parameter() -> CodeField:
    return code_of(
        Indicator.objects.all(),
        help_text="Indicator code.",
        missing=_("There is no indicator with the code “{value}”."),
    )


def geography_parameter(help_text: str = "Geography code: the city or a district.") -> CodeField:
    return code_of(
        Geography.objects.all(), help_text=help_text, missing=_("There is no geography with the code “{value}”.")
    )


def selected_edition(parameters: dict) -> Edition | None:
    """The edition named in the parameters, else the current one."""
    return parameters.get("edition") or queries.get_current_edition()
