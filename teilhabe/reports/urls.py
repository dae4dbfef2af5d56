from django.urls import path

from . import views

app_name = "reports"

# With a language in the path, or without one: then the page's language (/en/berichte/... is English).
urlpatterns = [
    path("<slug:edition>/<slug:language>/konzept.pdf", views.concept_pdf, name="concept_pdf"),
    path("<slug:edition>/<slug:language>/jahresbericht.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path("<slug:edition>/<slug:language>/jahresbericht.xlsx", views.annual_report_xlsx, name="annual_report_xlsx"),
    path("<slug:edition>/konzept.pdf", views.concept_pdf, name="concept_pdf"),
    path("<slug:edition>/jahresbericht.pdf", views.annual_report_pdf, name="annual_report_pdf"),
    path("<slug:edition>/jahresbericht.xlsx", views.annual_report_xlsx, name="annual_report_xlsx"),
]
