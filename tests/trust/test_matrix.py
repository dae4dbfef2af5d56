"""Walk the authorisation matrix (tests/trust/matrix.py): every endpoint × role × own/other authority."""

import pytest

from . import matrix

ENDPOINTS = matrix.all_endpoints()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.id for endpoint in ENDPOINTS])
def test_endpoint_obeys_the_matrix(db, endpoint):
    world = matrix.build_world()
    matrix.prepare(world, endpoint)
    problems = matrix.check_endpoint(world, endpoint)
    assert problems == [], "\n".join(problems)
