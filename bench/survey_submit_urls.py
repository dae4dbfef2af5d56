"""URLconf for bench_survey_submit: the product's URLs plus the baseline, a minimal view inserting one row.

The baseline runs through the same middleware (sessions, CSRF, security headers, ...) as the survey
view, so the ratio measures what submitting a survey costs beyond one insert.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.http import require_POST

from teilhabe.urls import urlpatterns as product_urlpatterns

TABLE = "bench_row"


@require_POST
def insert_row(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (value) VALUES (%s)", [request.POST.get("value", "")])  # noqa: S608
    return HttpResponseRedirect("/bench/done/")


urlpatterns = [path("bench/insert/", insert_row, name="bench_insert"), *product_urlpatterns]
