"""Create the database cache table(s), so that `teilhabe migrate` alone leaves a database ready for every command.

Without Redis the cache (page cache, rate-limit counters, idempotency records, the data version)
is a database table that Django creates with `createcachetable`, outside the migrations. Every
command that writes data also bumps the data version in that cache; on a database migrated
without it, an import committed its rows and then failed on "no such table: teilhabe_cache".
`createcachetable` is idempotent, so running it here and again later is harmless.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=False)]
