"""Search also finds a vacancy by its programme's names in Dutch, French and English ("gestion civile des
crises", "réserviste") and by its apply instructions ("Selor") (PostgreSQL; SQLite searches the same columns
in vacancies.search). A renamed programme re-indexes its vacancies, as a renamed organisation does.
"""

import importlib

from django.db import migrations

LANGUAGES = ("nl", "fr", "en")
previous = importlib.import_module("vacancies.migrations.0011_search_folded")


def _text(*names):
    return " || ' ' || ".join(f"coalesce(NEW.{name}_{code}, '')" for name in names for code in LANGUAGES)


WEIGHTED = [
    ("A", f"{_text('title')} || ' ' || coalesce(org, '')"),
    ("B", f"{_text('summary')} || ' ' || coalesce(NEW.reference, '') || ' ' || coalesce(NEW.city, '') "
          "|| ' ' || coalesce(NEW.unit, '') || ' ' || coalesce(place, '') || ' ' || coalesce(prog, '')"),
    ("C", _text("description", "essential_requirements", "desirable_requirements", "apply_instructions")),
]  # fmt: skip
DOCUMENT = " || ".join(
    f"setweight(to_tsvector('{config}', {expression}), '{weight}')"
    for config in previous.CONFIGS
    for weight, expression in WEIGHTED
)
WATCHED = ", ".join(
    [f"{name}_{code}" for name in ("title", "summary", "description", "essential_requirements",
                                   "desirable_requirements", "apply_instructions") for code in LANGUAGES]
    + ["reference", "city", "unit", "organisation_id", "country", "programme_id"]
)  # fmt: skip
PROGRAMME_NAMES = " || ' ' || ".join(f"coalesce(p.name_{code}, '')" for code in LANGUAGES)

FORWARD = f"""
CREATE OR REPLACE FUNCTION vacancies_vacancy_search_vector() RETURNS trigger AS $$
DECLARE org text; place text; prog text;
BEGIN
    SELECT coalesce(o.acronym, '') || ' ' || coalesce(o.name, '') || ' ' || coalesce(o.other_names, '')
      INTO org FROM vacancies_organisation o WHERE o.id = NEW.organisation_id;
    SELECT c.code || ' ' || c.names INTO place FROM vacancies_search_country c WHERE c.code = NEW.country;
    SELECT {PROGRAMME_NAMES} INTO prog FROM programmes_programme p WHERE p.id = NEW.programme_id;
    NEW.search_vector := {DOCUMENT};
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS vacancies_vacancy_search_vector_trigger ON vacancies_vacancy;
CREATE TRIGGER vacancies_vacancy_search_vector_trigger
    BEFORE INSERT OR UPDATE OF {WATCHED}
    ON vacancies_vacancy FOR EACH ROW EXECUTE FUNCTION vacancies_vacancy_search_vector();

CREATE OR REPLACE FUNCTION vacancies_programme_touch_vacancies() RETURNS trigger AS $$
BEGIN
    IF NEW.name_nl IS DISTINCT FROM OLD.name_nl OR NEW.name_fr IS DISTINCT FROM OLD.name_fr
       OR NEW.name_en IS DISTINCT FROM OLD.name_en THEN
        UPDATE vacancies_vacancy SET title_nl = title_nl WHERE programme_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS vacancies_programme_touch_vacancies_trigger ON programmes_programme;
CREATE TRIGGER vacancies_programme_touch_vacancies_trigger
    AFTER UPDATE ON programmes_programme FOR EACH ROW EXECUTE FUNCTION vacancies_programme_touch_vacancies();
"""
BACKWARD = """
DROP TRIGGER IF EXISTS vacancies_programme_touch_vacancies_trigger ON programmes_programme;
DROP FUNCTION IF EXISTS vacancies_programme_touch_vacancies();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FORWARD)
    schema_editor.execute("UPDATE vacancies_vacancy SET title_nl = title_nl")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(BACKWARD)
    schema_editor.execute(previous.FORWARD)  # 0011's function and trigger
    schema_editor.execute("UPDATE vacancies_vacancy SET title_nl = title_nl")


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0014_eligibility_group"),
        ("programmes", "0004_content_sources_and_controller"),
    ]

    operations = [migrations.RunPython(forward, backward)]
