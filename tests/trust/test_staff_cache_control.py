"""Every staff page and export (the authorisation matrix's endpoints) answers staff with `Cache-Control: private,
no-store`, so no browser cache, proxy or shared computer keeps a copy."""

import pytest
from django.db import transaction

from . import matrix

STAFF_ENDPOINTS = [endpoint for endpoint in matrix.all_endpoints() if not endpoint.public]


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        world = matrix.build_world()
        matrix.populate(world)
        yield world
        transaction.set_rollback(True)


def _directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_staff_endpoint_is_private_and_not_stored(shared_world, db):
    problems, answered = [], 0
    for endpoint in STAFF_ENDPOINTS:
        world = shared_world.fork()
        matrix.prepare(world, endpoint)
        roles = [
            role
            for role in (*sorted(matrix.STAFF_ROLES), matrix.NO_ROLE)
            if endpoint.roles is None or role in endpoint.roles
        ]
        for role in roles:
            with transaction.atomic():
                request = endpoint.build(world, role, matrix.OWN)
                response = matrix.send(world.client(role), request)
                transaction.set_rollback(True)
            if response.status_code >= 500:
                problems.append(f"{endpoint.id} as {role}: {response.status_code}")
                continue
            answered += 1
            if not {"private", "no-store"} <= _directives(response):
                problems.append(f"{endpoint.id} as {role}: Cache-Control {response.get('Cache-Control')!r}")
    assert problems == [], "\n".join(problems)
    assert answered > 100  # the walk reached the table, not an empty list


def test_the_admin_login_page_is_not_stored(client):
    response = client.get("/admin/login/")
    assert {"private", "no-store"} <= _directives(response)
