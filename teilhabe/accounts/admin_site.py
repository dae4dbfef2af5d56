"""The admin site of teilhabe: Django's, with one login and a "view on site" link that respects scoping.

- Login: the admin has no login form of its own. `/admin/login/` sends the visitor to the site's login
  (accounts:login), so every login goes through the same per-address rate limit, lockout (django-axes)
  and second factor. A second form would be a second door with only the per-username lockout.
- View on site (`/admin/r/<content type>/<id>/`): Django's shortcut redirects any staff member to any
  object's public URL, which tells them that the object exists and where (a draft survey, another
  authority's review). Here it answers only for objects the model's admin lets the user see, through
  the same `get_queryset` scoping and `has_view_or_change_permission` as the change view; else 404.

Installed in place of `django.contrib.admin` (INSTALLED_APPS: StaffAdminConfig), so `admin.site` is a
StaffAdminSite and every app's `admin.py` registers with it as before.

- Title: the city's teilhabe administration (the site profile's city name), not "Django administration".
- Technical apps (API tokens, login lockout, authenticator devices, the task backend, sessions, content
  types) are for superusers: department staff do not see them on the index, in the sidebar or at their
  app index, whatever model permissions they hold.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import URLPattern, reverse
from django.utils.translation import gettext as _

# App labels of the framework's and libraries' own models; shown to superusers only.
TECHNICAL_APPS = frozenset(
    {
        "authtoken",
        "axes",
        "otp_totp",
        "otp_static",
        "otp_email",
        "otp",
        "django_tasks_database",
        "django_tasks_db",
        "sessions",
        "contenttypes",
    }
)


def _city_name() -> str:
    from teilhabe.core.models import SiteProfile

    return SiteProfile.current().city_name


class StaffAdminSite(AdminSite):
    @property
    def site_header(self) -> str:
        return _("%(city)s: teilhabe administration") % {"city": _city_name()}

    @property
    def site_title(self) -> str:
        return _("teilhabe administration")

    @property
    def index_title(self) -> str:
        return _("Administration of integration monitoring and participation")

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        apps = super().get_app_list(request, app_label)
        if request.user.is_superuser:
            return apps
        return [app for app in apps if app["app_label"] not in TECHNICAL_APPS]

    def app_index(self, request: HttpRequest, app_label: str, extra_context=None) -> HttpResponse:
        if app_label in TECHNICAL_APPS and not request.user.is_superuser:
            raise Http404
        return super().app_index(request, app_label, extra_context)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Send every admin login to the site's login, which keeps the rate limit, lockout and second factor."""
        from .views import safe_next

        if request.user.is_authenticated and not self.has_permission(request):
            # Logged in without admin access: the site's login would send them straight back here.
            raise PermissionDenied
        next_url = safe_next(request, reverse("admin:index", current_app=self.name))
        return HttpResponseRedirect(f"{reverse('accounts:login')}?{urlencode({'next': next_url})}")

    def view_on_site(self, request: HttpRequest, content_type_id: str, object_id: str) -> HttpResponse:
        """Django's shortcut, for objects the user may see in this admin only."""
        from django.contrib.contenttypes import views as contenttype_views
        from django.contrib.contenttypes.models import ContentType

        try:
            content_type = ContentType.objects.get_for_id(int(content_type_id))
        except (ValueError, ContentType.DoesNotExist) as error:
            raise Http404 from error
        model_admin = self._registry.get(content_type.model_class())
        if model_admin is None:
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))  # None outside the user's scope
        if obj is None or not model_admin.has_view_or_change_permission(request, obj):
            raise Http404
        return contenttype_views.shortcut(request, content_type_id, object_id)

    def get_urls(self):
        urls = super().get_urls()
        return [
            URLPattern(url.pattern, self.admin_view(self.view_on_site), name=url.name)
            if isinstance(url, URLPattern) and url.name == "view_on_site"
            else url
            for url in urls
        ]


class StaffAdminConfig(AdminConfig):
    default_site = "teilhabe.accounts.admin_site.StaffAdminSite"
