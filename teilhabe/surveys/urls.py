from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.survey_list, name="survey_list"),
    path("struktur-und-klima/", views.structure_climate, name="structure_climate"),
    path("barometer/<slug:slug>/", views.barometer_detail, name="barometer_detail"),
    path("barometer/<slug:slug>/<int:year>/", views.wave_detail, name="wave_detail"),
    path("<slug:slug>/", views.survey_detail, name="survey_detail"),
    path("<slug:slug>/start/", views.survey_start, name="survey_start"),
    path("<slug:slug>/fortsetzen/", views.survey_resume, name="survey_resume"),
    path("<slug:slug>/seite/<int:page>/", views.survey_page, name="survey_page"),
    path("<slug:slug>/absenden/", views.survey_submit, name="survey_submit"),
    path("<slug:slug>/gespeichert/", views.survey_saved, name="survey_saved"),
    path("<slug:slug>/danke/", views.survey_thanks, name="survey_thanks"),
    path("<slug:slug>/ergebnisse/", views.survey_results, name="survey_results"),
    path("<slug:slug>/kreuztabelle/", views.survey_crosstab, name="survey_crosstab"),
    path("<slug:slug>/freitext/", views.freetext_list, name="freetext_list"),
    path("<slug:slug>/einladungscodes/", views.invitation_codes, name="invitation_codes"),
    path("<slug:slug>/export.<str:format>", views.survey_export, name="survey_export"),
]
