"""Full-text search: PostgreSQL stems Dutch, French and English and uses the GIN index."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from tests.factories import OrganisationFactory, VacancyFactory
from vacancies.models import Vacancy
from vacancies.selectors import vacancy_list

pytestmark = pytest.mark.django_db


def found(q, **filters):
    return sorted(v.title for v in vacancy_list(filters={"q": q, **filters}).qs)


def test_search_finds_words_in_titles_descriptions_and_organisations():
    unicef = OrganisationFactory(name="United Nations Children's Fund", acronym="UNICEF")
    VacancyFactory(title="Child Protection Officer", organisation=unicef)
    VacancyFactory(title="Staff Officer", description="Crisis response exercises at headquarters.")
    VacancyFactory(title="Verbindingsofficier")

    assert found("UNICEF") == ["Child Protection Officer"]
    assert found("crisis") == ["Staff Officer"]
    assert found("officer") == ["Child Protection Officer", "Staff Officer"]
    assert found("nothing-like-this") == []


def test_search_combines_with_the_facets():
    VacancyFactory(title="Migration Officer", country="BE")
    VacancyFactory(title="Migration Analyst", country="SN")

    assert found("migration", country=["SN"]) == ["Migration Analyst"]


@pytest.mark.postgres
def test_search_matches_other_forms_of_a_word_in_each_language():
    VacancyFactory(title="Juristen voor het Migratiewetboek")
    VacancyFactory(title="Protection des réfugiés", description="Assistance aux réfugiés.")
    VacancyFactory(title="Exercise planning", description="Plans and conducts exercises.")

    assert found("jurist") == ["Juristen voor het Migratiewetboek"]
    assert found("réfugié") == ["Protection des réfugiés"]
    assert found("planned exercise") == ["Exercise planning"]


@pytest.mark.postgres
def test_search_understands_quotes_and_exclusions():
    VacancyFactory(title="Crisis management expert")
    VacancyFactory(title="Management of crisis exercises")

    assert found('"crisis management"') == ["Crisis management expert"]
    assert found("crisis -exercises") == ["Crisis management expert"]


@pytest.mark.postgres
def test_the_index_follows_edits_and_organisation_renames():
    organisation = OrganisationFactory(acronym="OLD")
    vacancy = VacancyFactory(title="Analyst", organisation=organisation)
    vacancy.title = "Statistician"
    vacancy.save()
    organisation.acronym = "NEWNAME"
    organisation.save()

    assert found("statistician") == ["Statistician"]
    assert found("analyst") == []
    assert found("NEWNAME") == ["Statistician"]


@pytest.mark.postgres
def test_search_uses_the_gin_index():
    template = VacancyFactory()
    fields = {
        f.attname: getattr(template, f.attname) for f in Vacancy._meta.concrete_fields if not f.primary_key
    }
    Vacancy.objects.bulk_create(
        Vacancy(**fields | {"slug": f"bulk-{i}", "title_nl": f"Administrative assistant {i}"})
        for i in range(2000)
    )
    VacancyFactory(title="Hydrogeologist")
    with connection.cursor() as cursor:
        # What autovacuum does in production: merge the freshly inserted rows into the index proper.
        cursor.execute("SELECT gin_clean_pending_list('vacancies_vacancy_search_gin')")
        cursor.execute("ANALYZE vacancies_vacancy")

    plan = vacancy_list(filters={"q": "hydrogeologist", "status": "all"}).qs.explain()

    assert "vacancies_vacancy_search_gin" in plan


def test_search_results_close_soonest_first_and_rolling_ones_last(client):
    now = timezone.now()
    VacancyFactory(title="Rolling migration post", closes_at=None)
    VacancyFactory(title="Late migration post", closes_at=now + dt.timedelta(days=90))
    VacancyFactory(title="Soon migration post", closes_at=now + dt.timedelta(days=2))

    page = client.get("/en/vacancies/", {"q": "migration"}).context["page"]

    assert [v.title for v in page.object_list] == [
        "Soon migration post",
        "Late migration post",
        "Rolling migration post",
    ]
