"""The words of a saved search's compiled query (`Alert.terms_lexemes`), so that matching a new vacancy reads
only the searches that share a word with it: on PostgreSQL a GIN index over them, and the existing searches
filled in (as `applications.sending.queue.terms_query_fill` does). Nothing happens on SQLite, which matches the
few searches of the embedded setup one by one."""

from django.db import migrations, models

INDEXES = (
    "CREATE INDEX applications_alert_lexemes ON applications_alert "
    "USING gin (string_to_array(terms_lexemes, ' ')) WHERE terms_lexemes <> ''",
    # The searches matched without the words' index: compiled without words (a negation, a prefix) or not yet.
    "CREATE INDEX applications_alert_unsifted ON applications_alert (id) "
    "WHERE terms <> '' AND terms_lexemes = ''",
)
FILL = r"""
UPDATE applications_alert SET terms_lexemes = CASE
    WHEN terms_query ~ '!|:\*' THEN ''
    ELSE coalesce((
        SELECT string_agg(DISTINCT replace(m[1], '''''', ''''), ' ')
        FROM regexp_matches(terms_query, '''((?:[^'']|'''')*)''', 'g') AS m
    ), '')
END
WHERE terms_query <> ''
"""
DROP = ("DROP INDEX IF EXISTS applications_alert_lexemes", "DROP INDEX IF EXISTS applications_alert_unsifted")


def _on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0005_alert_terms_query"),
    ]

    operations = [
        migrations.AddField(
            model_name="alert",
            name="terms_lexemes",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(_on_postgresql(*INDEXES, FILL), _on_postgresql(*DROP)),
    ]
