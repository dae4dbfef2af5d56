"""Public portal pages: thin views over monitoring queries."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from teilhabe.monitoring import queries
from teilhabe.monitoring.models import Geography, Measure


def home(request: HttpRequest) -> HttpResponse:
    edition = queries.get_current_edition()
    areas = queries.list_top_areas_with_indicators(edition) if edition else []
    return render(request, "portal/home.html", {"edition": edition, "areas": areas})


def area_detail(request: HttpRequest, edition: str, code: str) -> HttpResponse:
    area = queries.get_area(edition, code)
    return render(request, "portal/area_detail.html", {"area": area})


def indicator_detail(request: HttpRequest, code: str) -> HttpResponse:
    version = queries.get_indicator_version(code)
    return render(request, "portal/indicator_detail.html", {"version": version})


def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_object_or_404(Geography, code=code)
    return render(request, "portal/district_detail.html", {"district": district})


def measure_detail(request: HttpRequest, code: str) -> HttpResponse:
    measure = get_object_or_404(Measure.objects.select_related("authority"), code=code)
    return render(request, "portal/measure_detail.html", {"measure": measure})
