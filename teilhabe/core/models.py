"""Shared abstract bases and the city's own settings, kept as data."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SiteProfile(models.Model):
    """The deploying city: name, department, branding. One row; nothing city-specific lives in code."""

    city_name = models.CharField(_("city name"), max_length=200, default="Example City")
    department_name = models.CharField(_("responsible department"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_address = models.TextField(_("postal address"), blank=True)
    accessibility_contact_email = models.EmailField(_("accessibility feedback e-mail"), blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, default="#1f4e79", help_text=_("Hex colour, e.g. #1f4e79.")
    )
    default_language = models.CharField(_("default language"), max_length=10, default="de")
    is_illustrative = models.BooleanField(
        _("illustrative data"),
        default=False,
        help_text=_("Shows a banner on every page saying that the data are illustrative, not official statistics."),
    )
    imprint = models.TextField(_("imprint"), blank=True)
    # Written only by monitoring.boundaries.load_district_boundaries, which validates the GeoJSON first.
    district_boundaries = models.JSONField(
        _("district boundaries"),
        default=dict,
        blank=True,
        editable=False,
        help_text=_("District outlines for the portal's map, loaded with `teilhabe load_boundaries`."),
    )

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self) -> str:
        return self.city_name

    def clean(self) -> None:
        colour = self.primary_colour
        if not (len(colour) == 7 and colour.startswith("#") and all(c in "0123456789abcdefABCDEF" for c in colour[1:])):
            raise ValidationError({"primary_colour": _("Enter a colour as #RRGGBB.")})

    @classmethod
    def current(cls) -> "SiteProfile":
        profile = cls.objects.order_by("pk").first()
        return profile if profile is not None else cls()


class Counter(models.Model):
    """One entry of the counter store (teilhabe.core.counters): a rate-limit count, an idempotency record or
    the data version. Kept apart from the page cache, so that filling that cache can never evict it."""

    key = models.CharField(max_length=255, primary_key=True)
    # Integers live here, so that an increment is one atomic UPDATE; anything else is pickled into `value`.
    number = models.BigIntegerField(null=True)
    value = models.BinaryField(null=True)
    expires_at = models.DateTimeField(null=True, db_index=True)  # null: never

    class Meta:
        db_table = "teilhabe_counter"

    def __str__(self) -> str:
        return self.key
