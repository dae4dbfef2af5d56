"""The corrections log: changes to values after their release."""

import datetime

from simple_history.utils import update_change_reason


def _correct(observation, value, reason):
    observation.value = value
    observation.save()
    update_change_reason(observation, reason)


def test_corrections_to_published_values_are_listed(api_client, dataset):
    # given: a released value corrected, and a value corrected before its release
    _correct(dataset.released, 82.0, "Revised school statistics")
    _correct(dataset.unreleased, 98.0, "Typo before release")
    # when
    rows = api_client.get("/api/v1/corrections/").json()["results"]
    # then
    assert [
        (r["indicator"], r["period"], r["breakdown_key"], r["geography"], r["old_value"], r["new_value"], r["reason"])
        for r in rows
    ] == [("B1", "2019", "", "city", 81.5, 82.0, "Revised school statistics")]


def test_a_change_that_keeps_the_value_is_no_correction(api_client, dataset):
    dataset.released.note = "Source renamed"
    dataset.released.save()
    assert api_client.get("/api/v1/corrections/").json()["count"] == 0


def test_a_value_changed_before_its_release_date_is_no_correction(api_client, dataset):
    """Corrected while not yet public, then released: nothing was published before the change."""
    _correct(dataset.unreleased, 98.0, "Typo")
    dataset.unreleased.released_on = datetime.date(2020, 1, 1)
    dataset.unreleased.save()
    assert api_client.get("/api/v1/corrections/").json()["count"] == 0
