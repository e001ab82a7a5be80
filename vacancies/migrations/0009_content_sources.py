"""Truthful answers: example data and internal notes marked, unknown headcount, contract and place allowed.

On SQLite, altering vacancies_vacancy and adding columns to vacancies_call rebuild both tables. The window
triggers of 0007 would be lost with the old tables, and the vacancy triggers, which read vacancies_call, stop
SQLite from renaming the rebuilt call table: they are dropped first and created again at the end (see 0007).
"""

from importlib import import_module

from django.db import migrations, models

window = import_module("vacancies.migrations.0007_vacancy_window")


def drop_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in window.SQLITE_DROP:
            schema_editor.execute(statement)


def create_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in [*window.SQLITE_DROP, *window.SQLITE]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('vacancies', '0008_lead_reserved_countries'),
    ]

    operations = [
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddField(
            model_name='call',
            name='internal_notes',
            field=models.TextField(blank=True, help_text='For staff only: never shown to candidates.', verbose_name='internal notes'),
        ),
        migrations.AddField(
            model_name='call',
            name='is_example',
            field=models.BooleanField(default=False, help_text='Made up for demonstration, not taken from a source: candidates are told so.', verbose_name='example data'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='name_language',
            field=models.CharField(blank=True, choices=[('nl', 'Dutch'), ('fr', 'French'), ('en', 'English')], help_text='The language of the name and acronym. Empty: the same in every language.', max_length=2, verbose_name='language of the name'),
        ),
        migrations.AddField(
            model_name='vacancy',
            name='internal_notes',
            field=models.TextField(blank=True, help_text='For staff only: never shown to candidates.', verbose_name='internal notes'),
        ),
        migrations.AddField(
            model_name='vacancy',
            name='is_example',
            field=models.BooleanField(default=False, help_text='Made up for demonstration, not taken from a source: candidates are told so.', verbose_name='example data'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='city',
            field=models.CharField(blank=True, help_text='Empty: not stated.', max_length=100, verbose_name='duty station'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='contract_type',
            field=models.CharField(blank=True, choices=[('fixed-term', 'Fixed-term contract'), ('permanent', 'Permanent contract'), ('secondment', 'Secondment'), ('reserve', 'Reserve service (part-time)')], help_text='Empty: the source does not state it.', max_length=20, verbose_name='contract type'),
        ),
        migrations.AlterField(
            model_name='vacancy',
            name='positions',
            field=models.PositiveIntegerField(blank=True, help_text='Empty: the source does not state how many.', null=True, verbose_name='positions'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
