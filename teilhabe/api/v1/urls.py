"""Every endpoint of API v1 is listed here."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
