from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("konzept/<slug:edition>/<slug:code>/", views.area_detail, name="area_detail"),
    path("indikatoren/<str:code>/", views.indicator_detail, name="indicator_detail"),
    path("bezirke/<slug:code>/", views.district_detail, name="district_detail"),
    path("massnahmen/<slug:code>/", views.measure_detail, name="measure_detail"),
]
