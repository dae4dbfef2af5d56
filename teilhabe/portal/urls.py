from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("konzept/", views.edition_list, name="edition_list"),
    path("konzept/<slug:edition>/", views.edition_detail, name="edition_detail"),
    path("konzept/<slug:edition>/<slug:code>/", views.area_detail, name="area_detail"),
    path("konzept/<slug:edition>/<slug:code>/daten.<file_format>", views.area_data, name="area_data"),
    path("indikatoren/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("indikatoren/<str:code>/daten/<slug:chart>.<file_format>", views.indicator_data, name="indicator_data"),
    path("bezirke/<slug:code>/", views.district_detail, name="district_detail"),
    path("bezirke/<slug:code>/daten.<file_format>", views.district_data, name="district_data"),
    path("offene-daten/", views.open_data, name="open_data"),
    path("massnahmen/<slug:code>/", views.measure_detail, name="measure_detail"),
    path("methode/", views.methodology, name="methodology"),
    path("suche/", views.search, name="search"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("leichte-sprache/", views.easy_language, name="easy_language"),
    path("kontakt/", views.contact, name="contact"),
    path("sprache/", views.language_set, name="language_set"),
]
