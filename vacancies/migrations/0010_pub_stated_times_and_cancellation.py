"""Dates as the source gives them, and the time of a cancellation.

`opens_at_has_time` / `closes_at_has_time`: False when staff gave a date only (then `opens_at` is the start of
that day and `closes_at` the end of it, in Brussels). Rows already there were entered with a time: True.
`cancelled_at`: when the cancel service ran; calls and vacancies cancelled before this migration take the
time of their last change, the best record there is.

On SQLite, Django adds a NOT NULL column by rebuilding the table, which fails on the window triggers of 0007
(and would drop them): there the columns are added in place with ALTER TABLE ... ADD COLUMN ... DEFAULT.
"""

from django.db import migrations, models
from django.db.models import F

FIELDS = ("cancelled_at", "closes_at_has_time", "opens_at_has_time")
MODELS = ("Call", "Vacancy")


def add_columns(apps, schema_editor):
    for model in map(apps.get_model, ["vacancies"] * len(MODELS), MODELS):
        for field in map(model._meta.get_field, FIELDS):
            if schema_editor.connection.vendor == "sqlite" and not field.null:
                schema_editor.execute(
                    f"ALTER TABLE {schema_editor.quote_name(model._meta.db_table)} "
                    f"ADD COLUMN {schema_editor.quote_name(field.column)} "
                    f"{field.db_type(schema_editor.connection)} NOT NULL DEFAULT {int(field.default)}"
                )
            else:
                schema_editor.add_field(model, field)
        model.objects.filter(status="cancelled").update(cancelled_at=F("updated_at"))


def remove_columns(apps, schema_editor):
    for model in map(apps.get_model, ["vacancies"] * len(MODELS), MODELS):
        for field in map(model._meta.get_field, FIELDS):
            schema_editor.remove_field(model, field)


def stated(verbose_name):
    return models.BooleanField(
        default=True, help_text="Off: the source gives a date only.", verbose_name=verbose_name
    )


class Migration(migrations.Migration):

    dependencies = [
        ("vacancies", "0009_content_sources"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                operation
                for model_name in ("call", "vacancy")
                for operation in (
                    migrations.AddField(
                        model_name=model_name,
                        name="cancelled_at",
                        field=models.DateTimeField(
                            blank=True, editable=False, null=True, verbose_name="cancelled at"
                        ),
                    ),
                    migrations.AddField(
                        model_name=model_name, name="closes_at_has_time", field=stated("closing time stated")
                    ),
                    migrations.AddField(
                        model_name=model_name, name="opens_at_has_time", field=stated("opening time stated")
                    ),
                )
            ]
        ),
        migrations.RunPython(add_columns, remove_columns),
    ]
