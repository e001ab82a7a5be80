"""The window triggers are on the live database, and the system check says so when they are not."""

import pytest
from django.db import connection

from vacancies.checks import TRIGGERS, window_triggers_check

pytestmark = pytest.mark.django_db


def test_the_migrated_database_has_every_trigger_the_catalogue_relies_on():
    assert window_triggers_check(databases=["default"]) == []


def test_the_check_names_a_trigger_a_table_rebuild_dropped():
    dropped = sorted(TRIGGERS[connection.vendor])[0]
    table = "vacancies_call" if "call" in dropped else "vacancies_vacancy"
    on = f" ON {table}" if connection.vendor == "postgresql" else ""

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {dropped}{on}")  # rolled back with the test's transaction

    [error] = window_triggers_check(databases=["default"])
    assert error.id == "vacancies.E001"
    assert dropped in error.msg
