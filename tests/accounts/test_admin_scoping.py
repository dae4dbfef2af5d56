"""AuthorityScopedAdminMixin: a specialist authority's staff reach only their own authority's objects."""

import pytest

from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import Measure
from tests.monitoring.factories import IndicatorVersionFactory, MeasureFactory, TargetFactory

from .factories import AuthorityFactory, UserFactory

pytestmark = pytest.mark.urls("tests.accounts.scoping_urls")


@pytest.fixture
def world(db):
    own, other = AuthorityFactory(code="own"), AuthorityFactory(code="other")
    return {
        "own": own,
        "other": other,
        "own_measure": MeasureFactory(code="own-measure", title="OWN-MEASURE-TITLE", authority=own),
        "other_measure": MeasureFactory(code="other-measure", title="OTHER-MEASURE-TITLE", authority=other),
        "staff": UserFactory(authority=own, roles=[Role.AUTHORITY_STAFF], is_staff=True),
        "moderator": UserFactory(authority=own, roles=[Role.MODERATOR], is_staff=True),
        "homeless": UserFactory(authority=None, roles=[Role.AUTHORITY_STAFF], is_staff=True),
        "admin": UserFactory(authority=None, roles=[Role.DEPARTMENT_ADMIN], is_staff=True),
    }


def test_change_list_shows_only_the_own_authority(client, world):
    client.force_login(world["staff"])
    response = client.get("/admin/monitoring/measure/")
    assert response.status_code == 200
    assert "OWN-MEASURE-TITLE" in response.content.decode()
    assert "OTHER-MEASURE-TITLE" not in response.content.decode()


def test_department_admin_sees_every_authority(client, world):
    client.force_login(world["admin"])
    content = client.get("/admin/monitoring/measure/").content.decode()
    assert "OWN-MEASURE-TITLE" in content and "OTHER-MEASURE-TITLE" in content


def test_staff_without_an_authority_see_nothing(client, world):
    client.force_login(world["homeless"])
    content = client.get("/admin/monitoring/measure/").content.decode()
    assert "OWN-MEASURE-TITLE" not in content and "OTHER-MEASURE-TITLE" not in content


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_another_authoritys_object_is_out_of_reach_by_url(client, world, view):
    client.force_login(world["staff"])
    pk = world["other_measure"].pk
    response = client.get(f"/admin/monitoring/measure/{pk}/{view}/")
    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response["Location"] == "/admin/"
    assert "OTHER-MEASURE-TITLE" not in response.content.decode()


def test_a_past_version_of_another_authoritys_object_is_refused(client, world):
    client.force_login(world["staff"])
    measure = world["other_measure"]
    version = measure.history.first()
    response = client.get(f"/admin/monitoring/measure/{measure.pk}/history/{version.history_id}/")
    assert response.status_code == 403


def test_history_is_read_only_even_for_own_objects(client, world):
    client.force_login(world["staff"])
    measure = world["own_measure"]
    version = measure.history.first()
    response = client.post(
        f"/admin/monitoring/measure/{measure.pk}/history/{version.history_id}/",
        {"code": "hijacked", "title": "x", "authority": world["own"].pk, "status": "ongoing"},
    )
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.code == "own-measure"


def test_bulk_delete_ignores_selected_objects_of_another_authority(client, world):
    client.force_login(world["staff"])
    response = client.post(
        "/admin/monitoring/measure/",
        {"action": "delete_selected", "_selected_action": [world["other_measure"].pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert Measure.objects.filter(pk=world["other_measure"].pk).exists()


def test_own_object_cannot_be_handed_to_another_authority(client, world):
    client.force_login(world["staff"])
    measure = world["own_measure"]
    response = client.post(
        f"/admin/monitoring/measure/{measure.pk}/change/",
        {"code": measure.code, "title": "moved", "authority": world["other"].pk, "status": "ongoing"},
    )
    assert response.status_code == 200
    assert "authority" in response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert (measure.title, measure.authority) == ("OWN-MEASURE-TITLE", world["own"])


def test_objects_cannot_be_created_for_another_authority(client, world):
    client.force_login(world["staff"])
    before = Measure.objects.count()
    refused = client.post(
        "/admin/monitoring/measure/add/",
        {"code": "foreign", "title": "x", "authority": world["other"].pk, "status": "ongoing"},
    )
    assert refused.status_code == 200
    assert Measure.objects.count() == before
    created = client.post(
        "/admin/monitoring/measure/add/",
        {"code": "mine", "title": "x", "authority": world["own"].pk, "status": "ongoing"},
    )
    assert created.status_code == 302
    assert Measure.objects.get(code="mine").authority == world["own"]


def test_objects_without_an_authority_cannot_be_created_by_scoped_staff(client, world):
    client.force_login(world["staff"])
    before = Measure.objects.count()
    response = client.post("/admin/monitoring/measure/add/", {"code": "orphan", "title": "x", "status": "ongoing"})
    assert response.status_code == 403
    assert Measure.objects.count() == before


def test_moderators_read_their_authority_but_do_not_change_it(client, world):
    client.force_login(world["moderator"])
    measure = world["own_measure"]
    assert client.get(f"/admin/monitoring/measure/{measure.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/monitoring/measure/{measure.pk}/change/",
        {"code": measure.code, "title": "changed", "authority": world["own"].pk, "status": "ongoing"},
    )
    assert response.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "OWN-MEASURE-TITLE"


def test_multi_valued_paths_scope_without_duplicates(client, world):
    """An indicator assigned to the own authority in two editions still lists its target once."""
    version = IndicatorVersionFactory(authority=world["own"])
    IndicatorVersionFactory(indicator=version.indicator, authority=world["own"])
    own_target = TargetFactory(indicator=version.indicator, edition=version.edition)
    foreign = IndicatorVersionFactory(authority=world["other"])
    TargetFactory(indicator=foreign.indicator, edition=foreign.edition)
    client.force_login(world["staff"])
    response = client.get("/admin/monitoring/target/")
    assert list(response.context["cl"].result_list) == [own_target]
