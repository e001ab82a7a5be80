"""The search trigger reads every language's text (the columns of 0005), stemmed in Dutch, French and English."""

import importlib

from django.db import migrations

LANGUAGES = ("nl", "fr", "en")
CONFIGS = ("dutch", "french", "english")


def _text(*names):
    return " || ' ' || ".join(f"coalesce(NEW.{name}_{code}, '')" for name in names for code in LANGUAGES)


WEIGHTED = [
    ("A", f"{_text('title')} || ' ' || coalesce(org, '')"),
    ("B", f"{_text('summary')} || ' ' || coalesce(NEW.reference, '') || ' ' || coalesce(NEW.city, '') "
          "|| ' ' || coalesce(NEW.unit, '')"),
    ("C", _text("description", "essential_requirements", "desirable_requirements")),
]  # fmt: skip
DOCUMENT = " || ".join(
    f"setweight(to_tsvector('{config}', {expression}), '{weight}')"
    for config in CONFIGS
    for weight, expression in WEIGHTED
)
WATCHED = ", ".join(
    [f"{name}_{code}" for name in ("title", "summary", "description", "essential_requirements",
                                   "desirable_requirements") for code in LANGUAGES]
    + ["reference", "city", "unit", "organisation_id"]
)  # fmt: skip

FORWARD = f"""
CREATE OR REPLACE FUNCTION vacancies_vacancy_search_vector() RETURNS trigger AS $$
DECLARE org text;
BEGIN
    SELECT coalesce(o.acronym, '') || ' ' || coalesce(o.name, '') INTO org
      FROM vacancies_organisation o WHERE o.id = NEW.organisation_id;
    NEW.search_vector := {DOCUMENT};
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS vacancies_vacancy_search_vector_trigger ON vacancies_vacancy;
CREATE TRIGGER vacancies_vacancy_search_vector_trigger
    BEFORE INSERT OR UPDATE OF {WATCHED}
    ON vacancies_vacancy FOR EACH ROW EXECUTE FUNCTION vacancies_vacancy_search_vector();

CREATE OR REPLACE FUNCTION vacancies_organisation_touch_vacancies() RETURNS trigger AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.acronym IS DISTINCT FROM OLD.acronym THEN
        UPDATE vacancies_vacancy SET title_nl = title_nl WHERE organisation_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

UPDATE vacancies_vacancy SET title_nl = title_nl;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD)


def backward(apps, schema_editor):
    # Back to the single-language trigger of 0002 (0005 is undone after this, restoring its columns).
    if schema_editor.connection.vendor == "postgresql":
        initial = importlib.import_module("vacancies.migrations.0002_search_vector")
        schema_editor.execute(initial.DROP)


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0005_texts_per_language")]

    operations = [migrations.RunPython(forward, backward)]
