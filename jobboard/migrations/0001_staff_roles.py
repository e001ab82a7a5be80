"""The staff roles (jobboard/roles.py). Until 2026-12 `vacancies/0004_staff_groups` created them, depending
on applications: a dependency up the layers. That migration is now empty; on a database where it ran, this
one finds the groups there and sets their permissions again."""

from django.db import migrations

from jobboard.roles import create_roles, remove_roles


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0003_publication_roles"),
        ("programmes", "0001_initial"),
        ("applications", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: create_roles(apps), lambda apps, schema_editor: remove_roles(apps)
        )
    ]
