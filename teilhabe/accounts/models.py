"""Staff accounts and the city's specialist authorities they belong to."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from teilhabe.core.models import TimeStampedModel


class Authority(TimeStampedModel):
    """A specialist authority or office of the city (Fachbehörde)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    address = models.TextField(_("address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_department = models.BooleanField(
        _("is the integration department"),
        default=False,
        help_text=_("The department that runs the concept and publishes evaluations."),
    )

    class Meta:
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.abbreviation or self.name


class User(AbstractUser):
    authority = models.ForeignKey(
        Authority,
        verbose_name=_("authority"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Role(models.TextChoices):
    """Roles are Django groups with these names; permissions.py reads membership."""

    DEPARTMENT_ADMIN = "department_admin", _("Department admin")
    AUTHORITY_STAFF = "authority_staff", _("Authority staff")
    MODERATOR = "moderator", _("Moderator")
    ANALYST = "analyst", _("Analyst")


class ApiTokenGrant(models.Model):
    """How an API token was issued: after which second factor, so that a token never skips it.

    A token of a user who uses a second factor works only with a grant naming a second factor that
    still counts (permissions.api_token_is_usable). Tokens made elsewhere (the admin, drf_create_token)
    have no grant: they work only for users without a second factor.
    """

    IDENTITY_PROVIDER = "identity-provider"

    token = models.OneToOneField(
        "authtoken.Token", verbose_name=_("API token"), on_delete=models.CASCADE, primary_key=True, related_name="grant"
    )
    # The device's persistent id (django-otp), IDENTITY_PROVIDER, or empty when none was needed.
    second_factor = models.CharField(_("second factor"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("issued at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API token grant")
        verbose_name_plural = _("API token grants")

    def __str__(self) -> str:
        return f"{self.token.user} ({self.created_at:%Y-%m-%d})"
