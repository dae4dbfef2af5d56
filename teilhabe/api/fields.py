"""Output fields shared by the API resources."""

from __future__ import annotations

from rest_framework import serializers


class OptionalURLField(serializers.URLField):
    """A link that may be missing: null rather than an empty string (which is not a URI)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return value or None
