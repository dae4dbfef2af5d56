"""Public portal pages: thin views over the portal's page queries.

Pages that show data are cached per language and path until the data version changes
(teilhabe.core.cache); forms (search, accessibility feedback) are not.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from teilhabe.core.cache import any_value, cache_public_page
from teilhabe.core.downloads import cached_download
from teilhabe.core.models import SiteProfile
from teilhabe.core.ratelimit import limit_public_form
from teilhabe.monitoring import queries as monitoring
from teilhabe.participation import queries as participation_queries

from . import data_files, queries
from .forms import AccessibilityFeedbackForm, SearchForm


@require_GET
@cache_public_page
def home(request: HttpRequest) -> HttpResponse:
    edition = monitoring.get_current_edition()
    overview = queries.get_concept_overview(edition) if edition else None
    return render(
        request,
        "portal/home.html",
        {
            "edition": edition,
            "overview": overview,
            "districts": queries.list_districts(),
            "open_procedure": participation_queries.get_open_procedure(),
        },
    )


@require_GET
@cache_public_page
def edition_detail(request: HttpRequest, edition: str) -> HttpResponse:
    edition_object = queries.get_edition(edition)
    overview = queries.get_concept_overview(edition_object)
    return render(request, "portal/edition_detail.html", {"edition": edition_object, "overview": overview})


def _edition_code(value: str) -> str | None:
    """An edition's code, as the comparison reads it; other values are dropped (the page shows its default)."""
    return value if queries.is_edition_code(value) else None


@require_GET
@cache_public_page(params={"from": _edition_code, "to": _edition_code})
def edition_list(request: HttpRequest) -> HttpResponse:
    comparison = queries.get_edition_comparison(request.GET.get("from"), request.GET.get("to"))
    return render(request, "portal/edition_list.html", {"comparison": comparison})


@require_GET
@cache_public_page
def area_detail(request: HttpRequest, edition: str, code: str) -> HttpResponse:
    page = queries.get_area_page(edition, code)
    return render(
        request,
        "portal/area_detail.html",
        {"page": page, "area": page.area, "open_procedure": participation_queries.get_open_procedure()},
    )


@require_GET
# an edition without a version of the indicator is a 404; an unknown district series shows the default one
@cache_public_page(params={"edition": any_value, "series": any_value})
def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = queries.get_indicator_page(code, request.GET.get("edition") or None, request.GET.get("series") or None)
    return render(
        request,
        "portal/indicator_detail.html",
        {
            "page": page,
            "version": page.version,
            "min_public_count": settings.TEILHABE_MIN_PUBLIC_COUNT,
            # the chart downloads follow the edition the page shows
            "data_query": "" if page.edition.is_current else f"?edition={page.edition.code}",
            "contributions": participation_queries.list_contributions_for_indicator(page.version.indicator),
        },
    )


@require_GET
@cache_public_page
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    page = queries.get_district_page(code)
    return render(request, "portal/district_detail.html", {"page": page, "district": page.district})


@require_GET
@cache_public_page
def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = queries.get_measure(code)
    rows = queries.list_measure_indicator_rows(measure)
    contributions = participation_queries.list_contributions_for_measure(measure)
    return render(
        request, "portal/measure_detail.html", {"measure": measure, "rows": rows, "contributions": contributions}
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    results = queries.search(form.cleaned_data["q"]) if form.is_valid() else None
    return render(request, "portal/search.html", {"form": form, "results": results})


@require_http_methods(["GET", "HEAD", "POST"])
@limit_public_form("accessibility-feedback")
def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (BITV 2.0) with its feedback channel: a form that e-mails the contact."""
    profile = SiteProfile.current()
    recipient = profile.accessibility_contact_email or profile.contact_email
    form = AccessibilityFeedbackForm(request.POST or None)
    if request.method == "POST" and recipient and form.is_valid():
        data = form.cleaned_data
        body = "\n\n".join(
            part
            for part in [
                data["message"],
                _("Page concerned: %(page)s") % {"page": data["page"]} if data["page"] else "",
                _("Reply to: %(email)s") % {"email": data["email"]} if data["email"] else "",
            ]
            if part
        )
        send_mail(_("Accessibility feedback on the portal"), body, settings.DEFAULT_FROM_EMAIL, [recipient])
        return redirect(reverse("portal:accessibility") + "?sent=1#feedback")
    return render(
        request,
        "portal/accessibility.html",
        {
            "form": form,
            "recipient": recipient,
            "sent": request.GET.get("sent") == "1",
            "statement_date": getattr(settings, "TEILHABE_ACCESSIBILITY_STATEMENT_DATE", ""),
        },
    )


# --------------------------------------------------------------------------- open data


@require_GET
@cache_public_page
def open_data(request: HttpRequest) -> HttpResponse:
    """The open data for people: the whole package, the workbook, each indicator's files, licence, citation."""
    return render(request, "portal/open_data.html", {"open": data_files.get_open_data()})


def _data_download(name: str, build, *, params: dict[str, str], filename: str, file_format: str) -> HttpResponse:
    """A data file built once per data version and language (teilhabe.core.downloads)."""
    if file_format not in data_files.FORMATS:
        raise Http404
    content = cached_download(
        name,
        lambda: data_files.to_bytes(build(), file_format),
        params={**params, "format": file_format, "language": get_language()},
    )
    response = HttpResponse(content, content_type=data_files.FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


@require_GET
def indicator_data(request: HttpRequest, code: str, chart: str, file_format: str) -> HttpResponse:
    """The data behind one chart of an indicator page (or all its public observations) as CSV or XLSX."""
    edition = request.GET.get("edition") or ""
    if chart not in data_files.CHARTS or (edition and not queries.is_edition_code(edition)):
        raise Http404
    return _data_download(
        "portal:indicator_data",
        lambda: data_files.chart_file(code, chart, edition or None),
        params={"code": code, "chart": chart, "edition": edition},
        filename=f"{slugify(code) or 'indicator'}-{chart}",
        file_format=file_format,
    )


@require_GET
def area_data(request: HttpRequest, edition: str, code: str, file_format: str) -> HttpResponse:
    """Every public observation of an area of action's indicators as CSV or XLSX."""
    return _data_download(
        "portal:area_data",
        lambda: data_files.area_file(edition, code),
        params={"edition": edition, "code": code},
        filename=f"{slugify(edition)}-{slugify(code)}",
        file_format=file_format,
    )


@require_GET
def district_data(request: HttpRequest, code: str, file_format: str) -> HttpResponse:
    """Every public observation of one district as CSV or XLSX."""
    return _data_download(
        "portal:district_data",
        lambda: data_files.district_file(code),
        params={"code": code},
        filename=f"{slugify(code)}",
        file_format=file_format,
    )


@require_GET
@cache_public_page
def methodology(request: HttpRequest) -> HttpResponse:
    """How statuses are assessed: profiles, thresholds, what each badge means, gaps and districts."""
    return render(request, "portal/methodology.html", {"method": queries.get_methodology()})


@require_GET
@cache_public_page
def imprint(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/imprint.html")


@require_GET
@cache_public_page
def privacy(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/privacy.html",
        {
            "retention_days": settings.TEILHABE_CONTACT_RETENTION_DAYS,
            "session_hours": settings.SESSION_COOKIE_AGE // 3600,
        },
    )


@require_GET
@cache_public_page
def easy_language(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/easy_language.html", {"open_procedure": participation_queries.get_open_procedure()})


@require_GET
@cache_public_page
def contact(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/contact.html", {"authorities": queries.list_responsible_authorities()})


# Changing the interface language is harmless to forge, and a CSRF token in the
# switcher would bind every cached page to one visitor; so this POST needs none.
language_set = require_POST(csrf_exempt(set_language))
