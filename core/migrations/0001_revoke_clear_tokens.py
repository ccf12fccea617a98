"""Revoke the API tokens that were stored in clear (DRF authtoken).

Tokens are now stored hashed (django-rest-knox, ``knox.AuthToken``) and
expire. The old table held every token readable by anyone who could read
the database, so its tokens are not carried over: the table is dropped and
each user makes a new token on the profile page (README, "API tokens").
"""

from django.db import migrations


def drop_clear_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute(
            "DROP TABLE authtoken_token"
            + (" CASCADE" if connection.vendor == "postgresql" else "")
        )


class Migration(migrations.Migration):
    dependencies = [("knox", "0009_extend_authtoken_field")]

    operations = [migrations.RunPython(drop_clear_tokens, migrations.RunPython.noop)]
