from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_detail, name="account_detail"),
    path("anmelden/", views.login, name="login"),
    path("abmelden/", views.logout, name="logout"),
    path("zwei-faktor/", views.otp_verify, name="otp_verify"),
    path("zwei-faktor/einrichten/", views.otp_enrol, name="otp_enrol"),
    path("passwort-vergessen/", views.password_reset, name="password_reset"),
    path("passwort-vergessen/gesendet/", views.password_reset_done, name="password_reset_done"),
    path("passwort-neu/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("passwort-neu/fertig/", views.password_reset_complete, name="password_reset_complete"),
    path("passwort-aendern/", views.password_change, name="password_change"),
    path("passwort-aendern/fertig/", views.password_change_done, name="password_change_done"),
    path("api-schluessel/", views.api_token, name="api_token"),
    path("einladen/", views.invitation_create, name="invitation_create"),
    path("einladung/<uidb64>/<token>/", views.invitation_accept, name="invitation_accept"),
]
