"""A system check that the database triggers the catalogue relies on are there.

The stored window (`window_opens` / `window_closes` and their `_has_time`, migrations 0007 and 0016) is kept
by triggers, not by save(), and on SQLite a table rebuild (most AlterField/RemoveField, or adding a NOT NULL
column) silently drops them: the catalogue would then show stale open/closed states without any error.
`manage.py check --database default` (and `migrate`) reports it; `.ci/run` and the tests run it against both
vendors.
"""

from django.core.checks import Error, Tags, register
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

# The migration that creates the window triggers: before it has run (`migrate` checks first), none are due.
CREATED_BY = ("vacancies", "0007_vacancy_window")

TRIGGERS = {
    "postgresql": {
        "vacancies_vacancy_window_trigger",
        "vacancies_call_move_windows_trigger",
        "vacancies_vacancy_search_vector_trigger",
    },
    "sqlite": {
        "vacancies_vacancy_window_insert",
        "vacancies_vacancy_window_update",
        "vacancies_call_move_windows",
    },
}


def triggers_present(connection) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            return set()
        return {row[0] for row in cursor.fetchall()}


@register(Tags.database)
def window_triggers_check(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        connection = connections[alias]
        recorder = MigrationRecorder(connection)
        if not recorder.has_table() or CREATED_BY not in recorder.applied_migrations():
            continue
        expected = TRIGGERS.get(connection.vendor, set())
        missing = expected - triggers_present(connection) if expected else set()
        if missing:
            errors.append(
                Error(
                    f"Database triggers missing: {', '.join(sorted(missing))}.",
                    hint="A migration rebuilt a catalogue table without recreating them: see "
                    "vacancies/migrations/0016_window_has_time.py (SQLITE, POSTGRESQL) and recreate them.",
                    id="vacancies.E001",
                )
            )
    return errors
