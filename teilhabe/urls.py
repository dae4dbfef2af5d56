from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from teilhabe.core import views as core_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("teilhabe.api.urls")),
    path("healthz", core_views.healthz, name="healthz"),
]
if settings.TEILHABE_OIDC_ENABLED:
    # Outside the language prefix: the identity provider knows one fixed callback address.
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
urlpatterns += i18n_patterns(
    path("beteiligung/", include("teilhabe.participation.urls")),
    path("umfragen/", include("teilhabe.surveys.urls")),
    path("berichte/", include("teilhabe.reports.urls")),
    path("konto/", include("teilhabe.accounts.urls")),
    path("", include("teilhabe.portal.urls")),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
