"""Migration 0003 on existing data: every stored response gets a random id, and drafts saved before it lose
the invitation code's hash (the code is used up, the draft keeps only that it was admitted)."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("surveys", "0002_respondent_key")
AFTER = ("surveys", "0003_response_public_id_draft_without_code")
DAY = datetime.date(2026, 1, 1)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_existing_responses_get_random_ids_and_old_drafts_lose_the_code():
    # given: data as it was before the migration
    apps = _migrate(BEFORE)
    survey = apps.get_model("surveys", "Survey").objects.create(slug="s", title="t", status="open", mode="invitation")
    for _ in range(3):
        apps.get_model("surveys", "Response").objects.create(survey=survey, submitted_on=DAY)
    codes = apps.get_model("surveys", "InvitationCode")
    codes.objects.create(survey=survey, code_hash="a" * 64)
    codes.objects.create(survey=survey, code_hash="b" * 64, used_on=DAY)
    drafts = apps.get_model("surveys", "ResumeDraft")
    expires = DAY + datetime.timedelta(days=60)
    drafts.objects.create(
        survey=survey, code_hash="c" * 64, data={"page": 1, "invitation": "a" * 64}, expires_on=expires
    )
    drafts.objects.create(survey=survey, code_hash="d" * 64, data={"invitation": "b" * 64}, expires_on=expires)
    # when
    apps = _migrate(AFTER)
    # then: distinct random ids, none of them the sequential key
    ids = list(apps.get_model("surveys", "Response").objects.values_list("pk", "public_id"))
    assert len({public_id for _pk, public_id in ids}) == 3 and all(public_id for _pk, public_id in ids)
    assert not {str(pk) for pk, _public_id in ids} & {str(public_id) for _pk, public_id in ids}
    # ... the drafts hold no code; the unused code is used up and its draft admitted, the used one's is not
    stored = {
        row[0]: row[1:]
        for row in apps.get_model("surveys", "ResumeDraft").objects.values_list("token_hash", "data", "is_admitted")
    }
    assert stored == {"c" * 64: ({"page": 1}, True), "d" * 64: ({}, False)}
    assert all(apps.get_model("surveys", "InvitationCode").objects.values_list("used_on", flat=True))
