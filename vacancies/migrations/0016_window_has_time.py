"""The stored window carries whether each date has a time, so the rule "a vacancy takes its call's dates when
it has none of its own" is written once in SQL per vendor (here) and once in Python
(`vacancies.models.effective_window`), no longer again in queries.

These triggers replace those of 0007 (same names: `vacancies.checks` looks for them), and state the rule once
per vendor: a call's change of dates touches its vacancies' `call_id`, which runs the vacancy's trigger.

On SQLite, a later migration that rebuilds vacancies_vacancy or vacancies_call (most AlterField/RemoveField
there) drops these triggers with the old table: such a migration must create them again (SQLITE below), and
`manage.py check --database default` says so when it did not.
"""

import importlib

from django.db import migrations, models

PG_START, PG_END = "'0001-01-01 00:00:00+00'", "'9999-12-31 00:00:00+00'"

POSTGRESQL = f"""
DROP TRIGGER IF EXISTS vacancies_call_move_windows_trigger ON vacancies_call;
DROP TRIGGER IF EXISTS vacancies_vacancy_window_trigger ON vacancies_vacancy;

CREATE OR REPLACE FUNCTION vacancies_vacancy_window() RETURNS trigger AS $$
DECLARE
    call_opens timestamptz; call_closes timestamptz; call_opens_time boolean; call_closes_time boolean;
BEGIN
    IF NEW.call_id IS NOT NULL THEN
        SELECT c.opens_at, c.closes_at, c.opens_at_has_time, c.closes_at_has_time
          INTO call_opens, call_closes, call_opens_time, call_closes_time
          FROM vacancies_call c WHERE c.id = NEW.call_id;
    END IF;
    -- The rule: each of the vacancy's own dates, else its call's (stand-ins where neither has one).
    IF NEW.opens_at IS NOT NULL THEN
        NEW.window_opens := NEW.opens_at;
        NEW.window_opens_has_time := NEW.opens_at_has_time;
    ELSE
        NEW.window_opens := coalesce(call_opens, {PG_START});
        NEW.window_opens_has_time := coalesce(call_opens IS NOT NULL AND call_opens_time, false);
    END IF;
    IF NEW.closes_at IS NOT NULL THEN
        NEW.window_closes := NEW.closes_at;
        NEW.window_closes_has_time := NEW.closes_at_has_time;
    ELSE
        NEW.window_closes := coalesce(call_closes, {PG_END});
        NEW.window_closes_has_time := coalesce(call_closes IS NOT NULL AND call_closes_time, false);
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

-- window_* are listed too: a full save() of an instance loaded before a change writes its stale values.
CREATE TRIGGER vacancies_vacancy_window_trigger
    BEFORE INSERT OR UPDATE OF opens_at, closes_at, opens_at_has_time, closes_at_has_time, call_id,
        window_opens, window_closes, window_opens_has_time, window_closes_has_time
    ON vacancies_vacancy FOR EACH ROW EXECUTE FUNCTION vacancies_vacancy_window();

CREATE OR REPLACE FUNCTION vacancies_call_move_windows() RETURNS trigger AS $$
BEGIN
    IF (NEW.opens_at, NEW.closes_at, NEW.opens_at_has_time, NEW.closes_at_has_time)
        IS DISTINCT FROM (OLD.opens_at, OLD.closes_at, OLD.opens_at_has_time, OLD.closes_at_has_time) THEN
        UPDATE vacancies_vacancy SET call_id = call_id WHERE call_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER vacancies_call_move_windows_trigger
    AFTER UPDATE OF opens_at, closes_at, opens_at_has_time, closes_at_has_time ON vacancies_call
    FOR EACH ROW EXECUTE FUNCTION vacancies_call_move_windows();

UPDATE vacancies_vacancy SET call_id = call_id;
"""

# SQLite cannot assign NEW in a trigger: AFTER triggers update the row instead. Django stores datetimes there
# as UTC text ("2026-11-23 09:00:00"), so the stand-ins are text in that format and compare as such.
SQLITE_SET_WINDOW = """
    UPDATE vacancies_vacancy SET
        window_opens = coalesce(
            NEW.opens_at, (SELECT opens_at FROM vacancies_call WHERE id = NEW.call_id), '0001-01-01 00:00:00'
        ),
        window_opens_has_time = CASE WHEN NEW.opens_at IS NOT NULL THEN NEW.opens_at_has_time ELSE coalesce(
            (SELECT opens_at_has_time FROM vacancies_call WHERE id = NEW.call_id AND opens_at IS NOT NULL), 0
        ) END,
        window_closes = coalesce(
            NEW.closes_at, (SELECT closes_at FROM vacancies_call WHERE id = NEW.call_id), '9999-12-31 00:00:00'
        ),
        window_closes_has_time = CASE WHEN NEW.closes_at IS NOT NULL THEN NEW.closes_at_has_time ELSE coalesce(
            (SELECT closes_at_has_time FROM vacancies_call WHERE id = NEW.call_id AND closes_at IS NOT NULL), 0
        ) END
    WHERE id = NEW.id;
"""

SQLITE = [
    "DROP TRIGGER IF EXISTS vacancies_call_move_windows",
    "DROP TRIGGER IF EXISTS vacancies_vacancy_window_update",
    "DROP TRIGGER IF EXISTS vacancies_vacancy_window_insert",
    f"""CREATE TRIGGER vacancies_vacancy_window_insert AFTER INSERT ON vacancies_vacancy
    BEGIN {SQLITE_SET_WINDOW} END""",
    # Not recursive: SQLite does not fire a trigger from its own UPDATE (recursive_triggers is off).
    f"""CREATE TRIGGER vacancies_vacancy_window_update
    AFTER UPDATE OF opens_at, closes_at, opens_at_has_time, closes_at_has_time, call_id,
        window_opens, window_closes, window_opens_has_time, window_closes_has_time ON vacancies_vacancy
    BEGIN {SQLITE_SET_WINDOW} END""",
    # Touching call_id runs the vacancy's trigger above (another trigger: allowed), so the rule stays there.
    """CREATE TRIGGER vacancies_call_move_windows
    AFTER UPDATE OF opens_at, closes_at, opens_at_has_time, closes_at_has_time ON vacancies_call
    BEGIN
        UPDATE vacancies_vacancy SET call_id = call_id WHERE call_id = NEW.id;
    END""",
    "UPDATE vacancies_vacancy SET call_id = call_id",
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
    """Back to the triggers of 0007."""
    previous = importlib.import_module("vacancies.migrations.0007_vacancy_window")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(previous.POSTGRESQL_DROP)
        schema_editor.execute(previous.POSTGRESQL)
    elif vendor == "sqlite":
        for statement in [*previous.SQLITE_DROP, *previous.SQLITE]:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0015_search_programme_names"),
    ]

    operations = [
        # Nullable without a default: SQLite adds such a column in place, without rebuilding the table.
        migrations.AddField(
            model_name="vacancy",
            name="window_opens_has_time",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="vacancy",
            name="window_closes_has_time",
            field=models.BooleanField(editable=False, null=True),
        ),
        migrations.RunPython(forward, backward),
    ]
