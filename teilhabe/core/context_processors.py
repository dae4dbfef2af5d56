"""Template context every page needs: the city's profile."""

from django.http import HttpRequest

from .models import SiteProfile


def site(request: HttpRequest) -> dict:
    return {"site_profile": SiteProfile.current()}
