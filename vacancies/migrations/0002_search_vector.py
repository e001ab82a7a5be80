"""Full-text search on PostgreSQL: a trigger keeps `search_vector` current, a GIN index serves it.

Vacancies are written in Dutch, French or English and searched in any of them, so the document is
stemmed with all three configurations (title and organisation weigh most). Nothing happens on SQLite,
where the catalogue falls back to plain substring search.
"""

from django.db import migrations

CONFIGS = ("dutch", "french", "english")


def _document(weight_parts):
    vectors = []
    for config in CONFIGS:
        for weight, expression in weight_parts:
            vectors.append(f"setweight(to_tsvector('{config}', {expression}), '{weight}')")
    return " || ".join(vectors)


DOCUMENT = _document(
    [
        ("A", "coalesce(NEW.title, '') || ' ' || coalesce(org, '')"),
        ("B", "coalesce(NEW.summary, '') || ' ' || coalesce(NEW.reference, '') || ' ' || coalesce(NEW.city, '') "
              "|| ' ' || coalesce(NEW.unit, '')"),
        ("C", "coalesce(NEW.description, '') || ' ' || coalesce(NEW.essential_requirements, '') || ' ' "
              "|| coalesce(NEW.desirable_requirements, '')"),
    ]
)

CREATE = f"""
CREATE FUNCTION vacancies_vacancy_search_vector() RETURNS trigger AS $$
DECLARE org text;
BEGIN
    SELECT coalesce(o.acronym, '') || ' ' || coalesce(o.name, '') INTO org
      FROM vacancies_organisation o WHERE o.id = NEW.organisation_id;
    NEW.search_vector := {DOCUMENT};
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER vacancies_vacancy_search_vector_trigger
    BEFORE INSERT OR UPDATE OF title, summary, description, essential_requirements, desirable_requirements,
        reference, city, unit, organisation_id
    ON vacancies_vacancy FOR EACH ROW EXECUTE FUNCTION vacancies_vacancy_search_vector();

-- A renamed organisation re-indexes its vacancies.
CREATE FUNCTION vacancies_organisation_touch_vacancies() RETURNS trigger AS $$
BEGIN
    IF NEW.name IS DISTINCT FROM OLD.name OR NEW.acronym IS DISTINCT FROM OLD.acronym THEN
        UPDATE vacancies_vacancy SET title = title WHERE organisation_id = NEW.id;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER vacancies_organisation_touch_vacancies_trigger
    AFTER UPDATE ON vacancies_organisation FOR EACH ROW EXECUTE FUNCTION vacancies_organisation_touch_vacancies();

CREATE INDEX vacancies_vacancy_search_gin ON vacancies_vacancy USING gin (search_vector);
UPDATE vacancies_vacancy SET title = title;
"""

DROP = """
DROP INDEX IF EXISTS vacancies_vacancy_search_gin;
DROP TRIGGER IF EXISTS vacancies_organisation_touch_vacancies_trigger ON vacancies_organisation;
DROP FUNCTION IF EXISTS vacancies_organisation_touch_vacancies();
DROP TRIGGER IF EXISTS vacancies_vacancy_search_vector_trigger ON vacancies_vacancy;
DROP FUNCTION IF EXISTS vacancies_vacancy_search_vector();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("vacancies", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
