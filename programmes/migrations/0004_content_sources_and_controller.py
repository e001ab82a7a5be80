"""Programmes: the language of the source, staff-only notes, the data controller the source names, and
training apart from selection steps."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('programmes', '0003_lead_scoped_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='programme',
            name='controller',
            field=models.CharField(blank=True, help_text="As the source names it, in the source's language. Empty: the source names none.", max_length=300, verbose_name='data controller'),
        ),
        migrations.AddField(
            model_name='programme',
            name='controller_email',
            field=models.EmailField(blank=True, help_text='The address the source gives for withdrawing consent. Empty: not stated.', max_length=254, verbose_name="data controller's e-mail"),
        ),
        migrations.AddField(
            model_name='programme',
            name='data_protection_officer',
            field=models.CharField(blank=True, help_text='As the source gives it. Empty: not stated.', max_length=300, verbose_name="data-protection officer's contact"),
        ),
        migrations.AddField(
            model_name='programme',
            name='internal_notes',
            field=models.TextField(blank=True, help_text='For staff only: never shown to candidates.', verbose_name='internal notes'),
        ),
        migrations.AddField(
            model_name='programme',
            name='privacy_note_en',
            field=models.TextField(blank=True, help_text='Shown to candidates under the controller, for example where the source is silent.', verbose_name='what the source says about personal data'),
        ),
        migrations.AddField(
            model_name='programme',
            name='privacy_note_fr',
            field=models.TextField(blank=True, help_text='Shown to candidates under the controller, for example where the source is silent.', verbose_name='what the source says about personal data'),
        ),
        migrations.AddField(
            model_name='programme',
            name='privacy_note_nl',
            field=models.TextField(blank=True, help_text='Shown to candidates under the controller, for example where the source is silent.', verbose_name='what the source says about personal data'),
        ),
        migrations.AddField(
            model_name='programme',
            name='source_language',
            field=models.CharField(choices=[('nl', 'Dutch'), ('fr', 'French'), ('en', 'English')], default='nl', help_text='The language the source document is written in; texts in other languages are translations.', max_length=2, verbose_name='language of the source'),
        ),
        migrations.AddField(
            model_name='selectionstep',
            name='kind',
            field=models.CharField(choices=[('selection', 'Selection'), ('training', 'Training')], default='selection', help_text='Training comes after selection and is shown apart from the selection steps.', max_length=10, verbose_name='kind'),
        ),
    ]
