"""The monitoring admin: the department runs all of it, authority staff their own authority's data only."""

import pytest
from django.forms import BooleanField
from django.urls import reverse

from teilhabe.accounts.models import Role
from teilhabe.monitoring.models import (
    AreaOfAction,
    Edition,
    Indicator,
    IndicatorVersion,
    Measure,
    Observation,
    SubGoal,
    Target,
)
from tests.accounts.factories import AuthorityFactory, UserFactory
from tests.monitoring.factories import (
    AreaOfActionFactory,
    EditionFactory,
    GeographyFactory,
    IndicatorVersionFactory,
    MeasureFactory,
    ObservationFactory,
    SubGoalFactory,
)

MODELS = [
    "edition",
    "areaofaction",
    "subgoal",
    "breakdowndimension",
    "breakdowncategory",
    "geography",
    "indicator",
    "indicatorversion",
    "target",
    "observation",
    "measure",
    "assessment",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    own, other = AuthorityFactory(code="own"), AuthorityFactory(code="other")
    edition = EditionFactory(code="2017", is_current=True)
    area = AreaOfActionFactory(edition=edition, code="school")
    own_version = IndicatorVersionFactory(indicator__code="OWN-1", area=area, authority=own)
    other_version = IndicatorVersionFactory(indicator__code="OTHER-1", area=area, authority=other)
    return {
        "own": own,
        "other": other,
        "edition": edition,
        "area": area,
        "city": GeographyFactory(),
        "own_version": own_version,
        "other_version": other_version,
        "own_observation": ObservationFactory(indicator=own_version.indicator, value=50.0),
        "other_observation": ObservationFactory(indicator=other_version.indicator, value=60.0),
        "own_measure": MeasureFactory(code="own-measure", authority=own),
        "staff": UserFactory(authority=own, roles=[Role.AUTHORITY_STAFF], is_staff=True),
        "department": UserFactory(authority=None, roles=[Role.DEPARTMENT_ADMIN], is_staff=True),
    }


def form_data(response) -> dict:
    """The admin form's current values (and its inlines'), as the browser would post them back."""
    data = {}

    def add(form, prefix=""):
        for name, field in form.fields.items():
            key = f"{prefix}{name}"
            value = form[name].value()
            if isinstance(field, BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form, f"{formset.prefix}-")
        for index, form in enumerate(formset.forms):
            add(form, f"{formset.prefix}-{index}-")
    return data


def change_url(obj) -> str:
    return reverse(f"admin:monitoring_{obj._meta.model_name}_change", args=[obj.pk])


# --- the department admin (not a superuser) -----------------------------------------------------


def test_the_department_admin_reaches_every_monitoring_page_without_being_superuser(client, world):
    department = world["department"]
    assert not department.is_superuser and not department.user_permissions.exists()
    client.force_login(department)
    index = client.get(reverse("admin:app_list", kwargs={"app_label": "monitoring"}))
    assert index.status_code == 200
    listed = {model["object_name"].lower() for model in index.context["app_list"][0]["models"]}
    assert listed == set(MODELS)
    for model in MODELS:
        assert client.get(reverse(f"admin:monitoring_{model}_changelist")).status_code == 200, model
        expected_add = 403 if model == "assessment" else 200  # computed by a job, never added by hand
        assert client.get(reverse(f"admin:monitoring_{model}_add")).status_code == expected_add, model
    assert client.get(reverse("admin:monitoring_import_upload")).status_code == 200


def test_the_department_admin_edits_the_concept_with_its_inlines(client, world):
    client.force_login(world["department"])
    area = world["area"]
    page = client.get(change_url(area))
    data = form_data(page)
    # the sub-goal inline is there and editable: add one
    data.update(
        {
            "sub_goals-TOTAL_FORMS": "1",
            "sub_goals-0-code": "goal-1",
            "sub_goals-0-text_de": "Mehr Abschlüsse",
            "sub_goals-0-position": "1",
            "title_de": "Schule (geändert)",
        }
    )
    response = client.post(change_url(area), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    area.refresh_from_db()
    assert area.title_de == "Schule (geändert)"
    assert list(SubGoal.objects.filter(area=area).values_list("code", "text_de")) == [("goal-1", "Mehr Abschlüsse")]


def test_the_department_admin_moves_a_measure_to_another_authority(client, world):
    client.force_login(world["department"])
    measure = world["own_measure"]
    data = form_data(client.get(change_url(measure))) | {"authority": str(world["other"].pk)}
    assert client.post(change_url(measure), data).status_code == 302
    measure.refresh_from_db()
    assert measure.authority == world["other"]


# --- authority staff ---------------------------------------------------------------------------------


def test_staff_edit_their_own_observation_and_the_history_names_them(client, world):
    client.force_login(world["staff"])
    observation = world["own_observation"]
    data = form_data(client.get(change_url(observation))) | {"value": "51.5"}
    assert client.post(change_url(observation), data).status_code == 302
    observation.refresh_from_db()
    assert observation.value == 51.5
    latest = observation.history.order_by("-history_id").first()
    assert (latest.value, latest.history_user) == (51.5, world["staff"])
    history = client.get(reverse("admin:monitoring_observation_history", args=[observation.pk]))
    assert history.status_code == 200


def test_staff_cannot_hand_their_measure_to_another_authority(client, world):
    client.force_login(world["staff"])
    measure = world["own_measure"]
    data = form_data(client.get(change_url(measure))) | {"authority": str(world["other"].pk), "title_de": "moved"}
    response = client.post(change_url(measure), data)
    assert response.status_code == 200
    assert "authority" in response.context["adminform"].form.errors
    measure.refresh_from_db()
    assert (measure.authority, measure.title_de) == (world["own"], world["own_measure"].title_de)


def test_staff_cannot_create_a_measure_for_another_authority(client, world):
    client.force_login(world["staff"])
    data = {"code": "foreign", "title_de": "Fremd", "status": "ongoing", "authority": str(world["other"].pk)}
    response = client.post(reverse("admin:monitoring_measure_add"), data)
    assert response.status_code == 200
    assert "authority" in response.context["adminform"].form.errors
    assert not Measure.objects.filter(code="foreign").exists()
    created = client.post(reverse("admin:monitoring_measure_add"), data | {"authority": str(world["own"].pk)})
    assert created.status_code == 302
    assert Measure.objects.get(code="foreign").authority == world["own"]


def test_staff_cannot_hand_their_indicator_version_to_another_authority(client, world):
    client.force_login(world["staff"])
    version = world["own_version"]
    data = form_data(client.get(change_url(version))) | {"authority": str(world["other"].pk)}
    response = client.post(change_url(version), data)
    assert response.status_code == 200
    assert "authority" in response.context["adminform"].form.errors
    version.refresh_from_db()
    assert version.authority == world["own"]


def test_staff_cannot_create_an_indicator_version_for_another_authority(client, world):
    client.force_login(world["staff"])
    old = EditionFactory(code="2013")
    old_area = AreaOfActionFactory(edition=old, code="school-2013")
    page = client.get(reverse("admin:monitoring_indicatorversion_add"))
    assert page.status_code == 200
    data = {
        "indicator": str(world["own_version"].indicator.pk),
        "edition": str(old.pk),
        "area": str(old_area.pk),
        "status": "active",
        "title_de": "Abschlussquote",
        "definition_de": "Anteil",
        "unit_de": "%",
        "decimals": "1",
        "direction": "positive",
        "comparison": "absolute",
        "gap_metric": "difference",
        "profile": "opensdg",
        "profile_parameters": "{}",
        "position": "0",
    }
    refused = client.post(
        reverse("admin:monitoring_indicatorversion_add"), data | {"authority": str(world["other"].pk)}
    )
    assert refused.status_code == 200
    assert "authority" in refused.context["adminform"].form.errors
    assert not IndicatorVersion.objects.filter(edition=old).exists()
    created = client.post(reverse("admin:monitoring_indicatorversion_add"), data | {"authority": str(world["own"].pk)})
    assert created.status_code == 302
    assert IndicatorVersion.objects.get(edition=old).authority == world["own"]


@pytest.mark.parametrize("model", ["observation", "target"])
def test_staff_cannot_add_data_to_another_authoritys_indicator(client, world, model):
    client.force_login(world["staff"])
    before = (Observation.objects.count(), Target.objects.count())
    common = {"indicator": str(world["other_version"].indicator.pk), "geography": str(world["city"].pk)}
    if model == "observation":
        data = common | {"period": "2021", "breakdown_key": "", "value": "1.0"}
    else:
        data = common | {
            "edition": str(world["edition"].pk),
            "kind": "value",
            "breakdown_key": "",
            "baseline_value": "1",
            "baseline_year": "2015",
            "target_value": "2",
            "target_year": "2030",
        }
    response = client.post(reverse(f"admin:monitoring_{model}_add"), data)
    assert response.status_code == 200
    assert "indicator" in response.context["adminform"].form.errors
    assert (Observation.objects.count(), Target.objects.count()) == before


def test_a_former_authority_sees_but_does_not_write_an_indicators_data(client, world):
    """The indicator moved to another authority in the current edition: its old authority reads its data."""
    old = EditionFactory(code="2013")
    indicator = world["other_version"].indicator
    IndicatorVersionFactory(indicator=indicator, area=AreaOfActionFactory(edition=old), authority=world["own"])
    observation = world["other_observation"]
    client.force_login(world["staff"])
    page = client.get(change_url(observation))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(change_url(observation), form_data(page) | {"value": "99"})
    assert response.status_code == 403
    observation.refresh_from_db()
    assert observation.value == 60.0


def test_staff_do_not_see_another_authoritys_observations_by_any_admin_url(client, world):
    client.force_login(world["staff"])
    observation = world["other_observation"]
    listing = client.get(reverse("admin:monitoring_observation_changelist"), {"q": "OTHER"})
    assert list(listing.context["cl"].result_list) == []
    for name in ("change", "delete", "history"):
        response = client.get(reverse(f"admin:monitoring_observation_{name}", args=[observation.pk]))
        assert response.status_code in {302, 403}, name
        assert b"OTHER-1" not in response.content
    bulk = client.post(
        reverse("admin:monitoring_observation_changelist"),
        {"action": "delete_selected", "_selected_action": [observation.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    assert Observation.objects.filter(pk=observation.pk).exists()


def test_staff_read_the_concept_but_do_not_change_it(client, world):
    client.force_login(world["staff"])
    edition = world["edition"]
    page = client.get(change_url(edition))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(change_url(edition), form_data(page) | {"title_de": "renamed"})
    assert response.status_code == 403
    edition.refresh_from_db()
    assert edition.title_de != "renamed"
    assert client.get(reverse("admin:monitoring_edition_add")).status_code == 403
    before = AreaOfAction.objects.count()
    assert client.post(reverse("admin:monitoring_areaofaction_add"), {"code": "x"}).status_code == 403
    assert AreaOfAction.objects.count() == before


def test_staff_see_their_indicators_read_only(client, world):
    client.force_login(world["staff"])
    indicator = world["own_version"].indicator
    page = client.get(change_url(indicator))
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(change_url(indicator), form_data(page) | {"code": "RENAMED"})
    assert response.status_code == 403
    assert Indicator.objects.filter(code="OWN-1").exists()
    listing = client.get(reverse("admin:monitoring_indicator_changelist"))
    assert list(listing.context["cl"].result_list) == [indicator]


def test_the_upload_page_stays_with_the_department(client, world):
    client.force_login(world["staff"])
    assert client.get(reverse("admin:monitoring_import_upload")).status_code == 403


# --- bad input ----------------------------------------------------------------------------------


def test_a_bad_period_is_an_error_next_to_the_field(client, world):
    client.force_login(world["department"])
    observation = world["own_observation"]
    data = form_data(client.get(change_url(observation))) | {"period": "spring"}
    response = client.post(change_url(observation), data)
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["period"]
    observation.refresh_from_db()
    assert observation.period == "2020"


def test_an_edited_period_is_stored_with_its_kind_and_dates(client, world):
    client.force_login(world["department"])
    observation = world["own_observation"]
    data = form_data(client.get(change_url(observation))) | {"period": "2016/17"}
    assert client.post(change_url(observation), data).status_code == 302
    observation.refresh_from_db()
    assert (observation.period, observation.period_kind) == ("2016/17", "school_year")
    assert (observation.period_start.isoformat(), observation.period_end.isoformat()) == ("2016-08-01", "2017-07-31")


def test_editions_listed_are_unaffected_by_scoping(client, world):
    """Concept-wide lists show everything to every staff role."""
    client.force_login(world["staff"])
    listing = client.get(reverse("admin:monitoring_edition_changelist"))
    assert list(listing.context["cl"].result_list) == list(Edition.objects.all())
    goal = SubGoalFactory(area=world["area"])
    listing = client.get(reverse("admin:monitoring_subgoal_changelist"))
    assert list(listing.context["cl"].result_list) == [goal]
