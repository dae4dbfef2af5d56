"""Participation pages under /beteiligung/: public pages first, then the staff work area under arbeit/."""

from django.urls import path

from . import feeds, views

app_name = "participation"

urlpatterns = [
    path("", views.procedure_list, name="procedure_list"),
    path("beitrag/<str:token>/", views.contribution_receipt, name="contribution_receipt"),
    path("beitrag/<str:token>/feed/", feeds.ReceiptFeed(), name="contribution_receipt_feed"),
    path("beitrag/<str:token>/folgen/", views.follow_contribution, name="follow_contribution"),
    # Residents: every published contribution, following by e-mail or feed, confirming or removing an address
    path("beitraege/", views.contribution_browse, name="contribution_browse"),
    path("folgen/indikator/<str:code>/", views.follow_indicator, name="follow_indicator"),
    path("feed/indikator/<str:code>/", feeds.IndicatorFeed(), name="indicator_feed"),
    path("adresse/bestaetigen/<str:token>/", views.address_confirm, name="address_confirm"),
    path("adresse/entfernen/<str:token>/", views.address_remove, name="address_remove"),
    # Work area (login required)
    path("arbeit/", views.work_overview, name="work_overview"),
    path("arbeit/zuweisen/", views.reviews_bulk_assign, name="reviews_bulk_assign"),
    path("arbeit/vorgaenge/", views.work_queue, name="work_queue"),
    path("arbeit/vorgaenge/<int:pk>/", views.review_detail, name="review_detail"),
    path("arbeit/vorgaenge/<int:pk>/aktion/<slug:action>/", views.review_action, name="review_action"),
    path("arbeit/vorgaenge/<int:pk>/buendeln/", views.bundle_create, name="bundle_create"),
    path("arbeit/vorgaenge/<int:pk>/zu-buendel/", views.bundle_add, name="bundle_add"),
    path("arbeit/vorgaenge/<int:pk>/herausnehmen/<int:contribution_pk>/", views.bundle_remove, name="bundle_remove"),
    path("arbeit/beitraege/<int:pk>/sprache/", views.contribution_language, name="contribution_language"),
    path("arbeit/beitraege/<int:pk>/uebersetzen/", views.contribution_translate, name="contribution_translate"),
    path(
        "arbeit/bewertungen/<int:pk>/uebersetzung/", views.justification_translation, name="justification_translation"
    ),
    path("arbeit/moderation/", views.moderation_list, name="moderation_list"),
    path("arbeit/moderation/<int:pk>/", views.contribution_moderate, name="contribution_moderate"),
    path("arbeit/moderation/<int:pk>/bearbeiten/", views.contribution_anonymise, name="contribution_anonymise"),
    path("arbeit/veranstaltungen/", views.event_work_list, name="event_work_list"),
    path("arbeit/veranstaltungen/<int:pk>/", views.event_edit, name="event_edit"),
    path("arbeit/veranstaltungen/<int:pk>/anhang/", views.event_attachment_add, name="event_attachment_add"),
    path("arbeit/veranstaltungen/<int:pk>/protokoll-senden/", views.event_send_minutes, name="event_send_minutes"),
    path("arbeit/veranstaltungen/<int:pk>/beitrag/", views.event_contribution_record, name="event_contribution_record"),
    path("arbeit/<slug:slug>/veranstaltung-neu/", views.event_create, name="event_create"),
    path("arbeit/<slug:slug>/beitrag-erfassen/", views.contribution_record, name="contribution_record"),
    # Public pages of one procedure
    path("<slug:slug>/", views.procedure_detail, name="procedure_detail"),
    path("<slug:slug>/mitmachen/", views.contribution_create, name="contribution_create"),
    path("<slug:slug>/folgen/", views.follow_procedure, name="follow_procedure"),
    path("<slug:slug>/feed/", feeds.ProcedureFeed(), name="procedure_feed"),
    path("<slug:slug>/veranstaltungen/<int:pk>/", views.event_detail, name="event_detail"),
    path("<slug:slug>/veranstaltungen/<int:pk>/anmelden/", views.event_register, name="event_register"),
    path("<slug:slug>/beitraege/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("<slug:slug>/buendel/<int:pk>/", views.bundle_detail, name="bundle_detail"),
    path("<slug:slug>/dokumentation/", views.documentation_overview, name="documentation_overview"),
    path("<slug:slug>/dokumentation/veranstaltungen/", views.documentation_events, name="documentation_events"),
    path("<slug:slug>/dokumentation/beitraege/", views.documentation_contributions, name="documentation_contributions"),
    path("<slug:slug>/dokumentation/beitraege/<slug:area>/", views.documentation_area, name="documentation_area"),
    path("<slug:slug>/dokumentation/grenzen/", views.documentation_limits, name="documentation_limits"),
    path("<slug:slug>/dokumentation/dokumentation.pdf", views.documentation_pdf, name="documentation_pdf"),
    path(
        "<slug:slug>/dokumentation/beitraege.<str:format>", views.documentation_download, name="documentation_download"
    ),
]
