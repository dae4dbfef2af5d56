"""The matrix machinery itself: it passes a correctly scoped admin and catches a leaky one."""

import pytest
from django.db import transaction

from teilhabe.accounts.models import Role
from tests.accounts import scoping_urls

from . import leaky_admin_urls, matrix

EDITORS = matrix.ADMINS | {Role.AUTHORITY_STAFF.value}
SCOPED = matrix.access(matrix.STAFF_ROLES, EDITORS, EDITORS, EDITORS, scoped=True)
ACCESS = {"monitoring.measure": SCOPED, "monitoring.target": SCOPED, "monitoring.indicator": SCOPED}
SCOPED_ENDPOINTS = matrix.admin_endpoints(scoping_urls.site, ACCESS)


def test_scoped_models_get_own_and_other_checks_and_a_bulk_action():
    kinds = {(endpoint.model, endpoint.kind) for endpoint in SCOPED_ENDPOINTS}
    assert ("monitoring.measure", matrix.Kind.BULK_ACTION) in kinds
    assert all(endpoint.scopes == (matrix.OWN, matrix.OTHER) for endpoint in SCOPED_ENDPOINTS)


@pytest.mark.urls("tests.accounts.scoping_urls")
@pytest.mark.parametrize("endpoint", SCOPED_ENDPOINTS, ids=[endpoint.id for endpoint in SCOPED_ENDPOINTS])
def test_a_scoped_admin_passes_the_matrix(db, endpoint):
    world = matrix.build_world()
    matrix.prepare(world, endpoint)
    assert matrix.check_endpoint(world, endpoint) == []


@pytest.mark.urls("tests.trust.leaky_admin_urls")
def test_the_matrix_catches_an_admin_without_scoping(db):
    endpoints = matrix.admin_endpoints(leaky_admin_urls.site, ACCESS)
    problems = []
    for endpoint in endpoints:
        with transaction.atomic():  # a fresh world per endpoint, as in test_matrix
            world = matrix.build_world()
            matrix.prepare(world, endpoint)
            problems += matrix.check_endpoint(world, endpoint, roles=[Role.AUTHORITY_STAFF.value])
            transaction.set_rollback(True)
    assert (
        "admin:monitoring_measure_changelist as authority_staff (own): the response shows "
        "MATRIX-OTHER-monitoring-measure" in problems
    )
    assert (
        "admin:monitoring_measure_change as authority_staff on the other object: 200, expected "
        f"{matrix.HIDDEN.label}" in problems
    )
    assert (
        "admin:monitoring_measure_changelist[bulk delete]: authority_staff deleted the other monitoring.measure "
        "through a bulk action" in problems
    )
