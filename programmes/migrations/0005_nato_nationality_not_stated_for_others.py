"""NATO's source welcomes nationals of all member nations and bars no one: the nationality rule that reads it
answers "depends" for other nationals instead of "not met". Only a rule still as the fixtures first gave it
is changed; a rule staff have edited is left as they made it."""

from django.db import migrations

BEFORE = {"groups": ["nato-members"]}
AFTER = {"groups": ["nato-members"], "others": "not-stated"}


def _replace(apps, old, new):
    rules = apps.get_model("programmes", "EligibilityRule").objects
    for rule in rules.filter(programme__slug="nato-staff", kind="nationality"):
        if rule.parameters == old:
            rule.parameters = new
            rule.save(update_fields=["parameters"])


class Migration(migrations.Migration):
    dependencies = [("programmes", "0004_content_sources_and_controller")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: _replace(apps, BEFORE, AFTER),
            lambda apps, schema_editor: _replace(apps, AFTER, BEFORE),
        )
    ]
