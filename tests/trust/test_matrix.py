"""Walk the authorisation matrix (tests/trust/matrix.py): every endpoint × role × own/other authority."""

import pytest
from django.db import transaction

from . import matrix

ENDPOINTS = matrix.all_endpoints()


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    """One world for the whole table, made once (users, sessions, every model's objects).

    It lives in a transaction around the module; each test runs in a savepoint inside it (pytest-django's
    `db`), so whatever an endpoint changes is undone before the next, and all of it at the end.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        world = matrix.build_world()
        matrix.populate(world)
        yield world
        transaction.set_rollback(True)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[endpoint.id for endpoint in ENDPOINTS])
def test_endpoint_obeys_the_matrix(shared_world, db, endpoint):
    world = shared_world.fork()
    matrix.prepare(world, endpoint)
    problems = matrix.check_endpoint(world, endpoint)
    assert problems == [], "\n".join(problems)
