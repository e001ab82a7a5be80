"""Search that folds accents and knows places and organisations by all their names (PostgreSQL).

- Text search configurations `jobboard_dutch`, `jobboard_french`, `jobboard_english`: the built-in ones with
  unaccent before stemming, so "geneve" finds "Genève" and "sante" finds "santé".
- A table of country names in Dutch, French and English (from django-countries), which the search trigger
  adds to a vacancy's document: "Marokko", "Maroc" and "Morocco" all find a post in Rabat.
- The organisation's other names (OTAN, NAVO) beside its name and acronym.
SQLite needs none of this: vacancies.search folds case and accents with a function of its own.
"""

import importlib

from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

LANGUAGES = ("nl", "fr", "en")
CONFIGS = {"jobboard_dutch": "dutch", "jobboard_french": "french", "jobboard_english": "english"}


def _text(*names):
    return " || ' ' || ".join(f"coalesce(NEW.{name}_{code}, '')" for name in names for code in LANGUAGES)


WEIGHTED = [
    ("A", f"{_text('title')} || ' ' || coalesce(org, '')"),
    ("B", f"{_text('summary')} || ' ' || coalesce(NEW.reference, '') || ' ' || coalesce(NEW.city, '') "
          "|| ' ' || coalesce(NEW.unit, '') || ' ' || coalesce(place, '')"),
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
    + ["reference", "city", "unit", "organisation_id", "country"]
)  # fmt: skip
CONFIGURATIONS = "\n".join(
    f"""DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};
CREATE TEXT SEARCH CONFIGURATION {name} (COPY = pg_catalog.{base});
ALTER TEXT SEARCH CONFIGURATION {name}
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, {base}_stem;"""
    for name, base in CONFIGS.items()
)

FORWARD = f"""
{CONFIGURATIONS}

CREATE TABLE IF NOT EXISTS vacancies_search_country (code varchar(2) PRIMARY KEY, names text NOT NULL);

CREATE OR REPLACE FUNCTION vacancies_vacancy_search_vector() RETURNS trigger AS $$
DECLARE org text; place text;
BEGIN
    SELECT coalesce(o.acronym, '') || ' ' || coalesce(o.name, '') || ' ' || coalesce(o.other_names, '')
      INTO org FROM vacancies_organisation o WHERE o.id = NEW.organisation_id;
    SELECT c.code || ' ' || c.names INTO place FROM vacancies_search_country c WHERE c.code = NEW.country;
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
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.acronym IS DISTINCT FROM OLD.acronym
       OR NEW.other_names IS DISTINCT FROM OLD.other_names THEN
        UPDATE vacancies_vacancy SET title_nl = title_nl WHERE organisation_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from vacancies.search import country_names

    schema_editor.execute(FORWARD)
    with schema_editor.connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO vacancies_search_country (code, names) VALUES (%s, %s) "
            "ON CONFLICT (code) DO UPDATE SET names = EXCLUDED.names",
            sorted(country_names().items()),
        )
        cursor.execute("UPDATE vacancies_vacancy SET title_nl = title_nl")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    previous = importlib.import_module("vacancies.migrations.0006_search_all_languages")
    schema_editor.execute(previous.FORWARD)
    schema_editor.execute(
        "DROP TABLE IF EXISTS vacancies_search_country; "
        + " ".join(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {name};" for name in CONFIGS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("vacancies", "0010_pub_stated_times_and_cancellation"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="other_names",
            field=models.TextField(
                blank=True,
                help_text="Its names and acronyms in other languages (OTAN, NAVO), so that search finds them.",
                verbose_name="other names",
            ),
        ),
        UnaccentExtension(),
        migrations.RunPython(forward, backward),
    ]
