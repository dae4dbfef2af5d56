"""Responses get a random public id (exports and staff pages never show the sequential key); resumption drafts
are keyed by their own token and no longer keep the invitation code's hash next to the answers."""

import uuid

from django.db import migrations, models
from django.utils import timezone


def give_public_ids(apps, schema_editor):
    Response = apps.get_model("surveys", "Response")
    batch = []
    for response in Response.objects.filter(public_id__isnull=True).only("pk").iterator(chunk_size=2000):
        response.public_id = uuid.uuid4()
        batch.append(response)
        if len(batch) >= 2000:
            Response.objects.bulk_update(batch, ["public_id"])
            batch = []
    Response.objects.bulk_update(batch, ["public_id"])


def unlink_drafts_from_codes(apps, schema_editor):
    """A draft that kept an invitation hash uses its code up now and keeps only that it was admitted."""
    ResumeDraft = apps.get_model("surveys", "ResumeDraft")
    InvitationCode = apps.get_model("surveys", "InvitationCode")
    today = timezone.localdate()
    for draft in ResumeDraft.objects.all():
        data = dict(draft.data or {})
        invitation_hash = data.pop("invitation", None)
        if invitation_hash:
            used = InvitationCode.objects.filter(
                survey_id=draft.survey_id, code_hash=invitation_hash, used_on__isnull=True
            ).update(used_on=today)
            draft.is_admitted = bool(used)
        draft.data = data
        draft.save(update_fields=["data", "is_admitted"])


class Migration(migrations.Migration):
    dependencies = [
        ("surveys", "0002_respondent_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="public_id",
            field=models.UUIDField(editable=False, null=True, verbose_name="response id"),
        ),
        migrations.RunPython(give_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="response",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True, verbose_name="response id"),
        ),
        migrations.AlterModelOptions(
            name="response",
            options={
                "ordering": ["survey", "public_id"],
                "verbose_name": "response",
                "verbose_name_plural": "responses",
            },
        ),
        migrations.RenameField(model_name="resumedraft", old_name="code_hash", new_name="token_hash"),
        migrations.AddField(
            model_name="resumedraft",
            name="is_admitted",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(unlink_drafts_from_codes, migrations.RunPython.noop),
    ]
