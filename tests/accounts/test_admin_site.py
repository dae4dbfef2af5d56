"""The admin as a city's staff meet it: titled for the city, technical apps for superusers only (issue 13, item 9)."""

import pytest
from django.contrib.auth.models import Permission

from teilhabe.accounts.models import Role
from teilhabe.core.models import SiteProfile

from .factories import UserFactory

# app label → a model admin URL of the app, as the index links it
TECHNICAL = {
    "authtoken": "/admin/authtoken/tokenproxy/",
    "axes": "/admin/axes/accessattempt/",
    "otp_totp": "/admin/otp_totp/totpdevice/",
    "django_tasks_database": "/admin/django_tasks_database/dbtaskresult/",
}


@pytest.fixture
def people(db):
    SiteProfile.objects.create(city_name="Beispielstadt")
    department_admin = UserFactory(username="dept", is_staff=True, authority=None, roles=[Role.DEPARTMENT_ADMIN])
    # Even with explicit permissions on every technical model, the department admin must not see them.
    department_admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=TECHNICAL, codename__startswith="view_")
    )
    superuser = UserFactory(username="chief", is_staff=True, is_superuser=True, authority=None)
    return {"department_admin": department_admin, "superuser": superuser}


def test_a_department_admin_does_not_see_the_technical_apps(client, people):
    client.force_login(people["department_admin"])
    page = client.get("/admin/").content.decode()
    assert "/admin/monitoring/indicator/" in page  # the admin sees its own work
    for url in TECHNICAL.values():
        assert url not in page
    for app_label in TECHNICAL:
        assert client.get(f"/admin/{app_label}/").status_code == 404


def test_a_superuser_sees_the_technical_apps(client, people):
    client.force_login(people["superuser"])
    page = client.get("/admin/").content.decode()
    for url in TECHNICAL.values():
        assert url in page
    assert client.get("/admin/axes/").status_code == 200


def test_the_admin_is_titled_as_the_citys_teilhabe_administration(client, people):
    client.force_login(people["department_admin"])
    page = client.get("/admin/").content.decode()
    assert "Beispielstadt: teilhabe administration" in page
    assert "Django administration" not in page and "Django site admin" not in page


def test_the_german_admin_says_aendern_for_change_links(client, people, settings):
    settings.LANGUAGE_CODE = "de"
    client.force_login(people["superuser"])
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert 'class="changelink"' in page
    assert ">Ändern<" in page
    assert "Veränderung" not in page
