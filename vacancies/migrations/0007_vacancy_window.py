"""A stored, indexed window per vacancy: its own dates, else its call's, never empty.

"Open" used to be computed from Coalesce(vacancy, call) dates, which no index can serve, so every public
query scanned the whole catalogue. `window_opens` / `window_closes` hold the effective dates (0001-01-01 when
there is no opening time, 9999-12-31 when there is no closing time, so rolling vacancies sort last), and a
partial index on published vacancies serves the open range.

Triggers keep them current on both vendors, like `search_vector` in 0002: on a vacancy's insert or change of
dates or call, and on a call's change of dates (for all its vacancies). Triggers rather than Model.save(),
because bulk_create() and QuerySet.update() (call_close, call_publish) bypass save().

On SQLite, a later migration that rebuilds vacancies_vacancy or vacancies_call (most AlterField/RemoveField
there) drops these triggers with the old table: such a migration must create them again (SQLITE below).
"""

from django.db import migrations, models

PG_START, PG_END = "'0001-01-01 00:00:00+00'", "'9999-12-31 00:00:00+00'"

POSTGRESQL = f"""
CREATE FUNCTION vacancies_vacancy_window() RETURNS trigger AS $$
DECLARE call_opens timestamptz; call_closes timestamptz;
BEGIN
    IF NEW.call_id IS NOT NULL THEN
        SELECT c.opens_at, c.closes_at INTO call_opens, call_closes
          FROM vacancies_call c WHERE c.id = NEW.call_id;
    END IF;
    NEW.window_opens := coalesce(NEW.opens_at, call_opens, {PG_START});
    NEW.window_closes := coalesce(NEW.closes_at, call_closes, {PG_END});
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

-- window_* are listed too: a full save() of an instance loaded before a change writes its stale values.
CREATE TRIGGER vacancies_vacancy_window_trigger
    BEFORE INSERT OR UPDATE OF opens_at, closes_at, call_id, window_opens, window_closes
    ON vacancies_vacancy FOR EACH ROW EXECUTE FUNCTION vacancies_vacancy_window();

CREATE FUNCTION vacancies_call_move_windows() RETURNS trigger AS $$
BEGIN
    IF NEW.opens_at IS DISTINCT FROM OLD.opens_at OR NEW.closes_at IS DISTINCT FROM OLD.closes_at THEN
        UPDATE vacancies_vacancy SET call_id = call_id WHERE call_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER vacancies_call_move_windows_trigger
    AFTER UPDATE OF opens_at, closes_at ON vacancies_call
    FOR EACH ROW EXECUTE FUNCTION vacancies_call_move_windows();

UPDATE vacancies_vacancy SET call_id = call_id;
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS vacancies_call_move_windows_trigger ON vacancies_call;
DROP FUNCTION IF EXISTS vacancies_call_move_windows();
DROP TRIGGER IF EXISTS vacancies_vacancy_window_trigger ON vacancies_vacancy;
DROP FUNCTION IF EXISTS vacancies_vacancy_window();
"""

# SQLite cannot assign NEW in a trigger: AFTER triggers update the row instead. Django stores datetimes there
# as UTC text ("2026-11-23 09:00:00"), so the sentinels are text in that format and compare as such.
SQLITE_SET_WINDOW = """
    UPDATE vacancies_vacancy SET
        window_opens = coalesce(
            NEW.opens_at, (SELECT opens_at FROM vacancies_call WHERE id = NEW.call_id), '0001-01-01 00:00:00'
        ),
        window_closes = coalesce(
            NEW.closes_at, (SELECT closes_at FROM vacancies_call WHERE id = NEW.call_id), '9999-12-31 00:00:00'
        )
    WHERE id = NEW.id;
"""

SQLITE = [
    f"""CREATE TRIGGER vacancies_vacancy_window_insert AFTER INSERT ON vacancies_vacancy
    BEGIN {SQLITE_SET_WINDOW} END""",
    # Not recursive: SQLite does not fire a trigger from its own UPDATE (recursive_triggers is off).
    f"""CREATE TRIGGER vacancies_vacancy_window_update
    AFTER UPDATE OF opens_at, closes_at, call_id, window_opens, window_closes ON vacancies_vacancy
    BEGIN {SQLITE_SET_WINDOW} END""",
    """CREATE TRIGGER vacancies_call_move_windows AFTER UPDATE OF opens_at, closes_at ON vacancies_call
    BEGIN
        UPDATE vacancies_vacancy SET
            window_opens = coalesce(opens_at, NEW.opens_at, '0001-01-01 00:00:00'),
            window_closes = coalesce(closes_at, NEW.closes_at, '9999-12-31 00:00:00')
        WHERE call_id = NEW.id;
    END""",
    "UPDATE vacancies_vacancy SET call_id = call_id",
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS vacancies_call_move_windows",
    "DROP TRIGGER IF EXISTS vacancies_vacancy_window_update",
    "DROP TRIGGER IF EXISTS vacancies_vacancy_window_insert",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    else:
        raise NotImplementedError(f"vacancy window triggers for {vendor}")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    elif schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("vacancies", "0006_search_all_languages"),
    ]

    operations = [
        migrations.AddField(
            model_name="vacancy",
            name="window_closes",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="vacancy",
            name="window_opens",
            field=models.DateTimeField(editable=False, null=True),
        ),
        # Triggers and backfill before the index: filling an indexed column would rewrite the index too.
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["window_closes", "window_opens", "call", "programme", "organisation", "country", "id"],
                name="vacancy_public_window",
            ),
        ),
        migrations.AddIndex(
            model_name="vacancy",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["window_opens"],
                name="vacancy_public_opens",
            ),
        ),
    ]
