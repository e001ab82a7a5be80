"""Search finds what candidates type, on PostgreSQL and on SQLite alike: any case, with or without accents,
places and organisations by their names in Dutch, French and English, best matches first, and a suggestion
for a misspelling."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, VacancyFactory
from vacancies import selectors
from vacancies.selectors import vacancy_list

pytestmark = pytest.mark.django_db


def found(q, **filters):
    return [v.title for v in vacancy_list(filters={"q": q, **filters}).qs]


def test_accents_and_case_do_not_matter():
    VacancyFactory(title="Adviseur in Genève", city="Genève", country="CH")
    VacancyFactory(title="Chargé de programme santé", summary="Santé publique.")

    assert found("geneve") == ["Adviseur in Genève"]
    assert found("GENÈVE") == ["Adviseur in Genève"]
    assert found("sante") == ["Chargé de programme santé"]


@pytest.mark.parametrize("name", ["Morocco", "Maroc", "Marokko", "MA"])
def test_a_country_is_found_by_its_name_in_each_language_and_by_its_code(name):
    VacancyFactory(title="Gender Specialist", city="Rabat", country="MA")
    VacancyFactory(title="Programme Officer", city="Dakar", country="SN")

    assert found(name) == ["Gender Specialist"]


@pytest.mark.parametrize("name", ["NATO", "OTAN", "NAVO", "Noord-Atlantische Verdragsorganisatie"])
def test_an_organisation_is_found_by_its_acronym_name_and_translations(name):
    nato = OrganisationFactory(
        name="NATO International Staff",
        acronym="NATO",
        other_names="OTAN, NAVO, Noord-Atlantische Verdragsorganisatie",
    )
    VacancyFactory(title="Staff Officer", organisation=nato)
    VacancyFactory(title="Programme Officer")

    assert found(name) == ["Staff Officer"]


def test_a_title_match_comes_before_a_summary_match_and_that_before_a_body_match():
    VacancyFactory(title="Terugkeerbegeleiders", description="Werk met veiligheidsbegeleiders.")
    VacancyFactory(title="Maatschappelijk assistenten", summary="Samen met veiligheidsbegeleiders.")
    VacancyFactory(title="Veiligheidsbegeleiders")

    assert found("veiligheidsbegeleiders") == [
        "Veiligheidsbegeleiders",
        "Maatschappelijk assistenten",
        "Terugkeerbegeleiders",
    ]


def test_the_words_as_a_phrase_come_before_the_same_words_scattered():
    VacancyFactory(title="Management of a crisis cell", summary="Exercises and management reviews.")
    VacancyFactory(title="Crisis management adviser")

    assert found("crisis management") == ["Crisis management adviser", "Management of a crisis cell"]


def test_the_default_order_is_relevance_for_a_search_and_closing_date_without_one(client):
    def selected_sort(params):
        page = client.get("/en/vacancies/", params).content.decode()
        return re.findall(r'<option value="(\w+)"[^>]*selected', page.split('name="sort"')[1])[0]

    assert selected_sort({}) == "closing"
    assert selected_sort({"q": "officer"}) == "relevance"


def test_a_misspelled_word_that_finds_nothing_suggests_the_nearest_word_of_the_catalogue(client):
    VacancyFactory(title="Veiligheidsbegeleiders")

    page = client.get("/en/vacancies/", {"q": "veiligheidsbegleiders"}).content.decode()

    assert "Did you mean" in page
    assert "?q=Veiligheidsbegeleiders" in page


def test_the_vocabulary_is_read_once_though_a_vacancy_closes_in_a_moment(django_assert_num_queries):
    # At 100,000 vacancies one opens or closes every few seconds; reading the vocabulary takes half a second.
    VacancyFactory(title="Veiligheidsbegeleiders", closes_at=timezone.now() + dt.timedelta(milliseconds=900))

    assert selectors.search_suggestion(terms="veiligheidsbegleiders") == "Veiligheidsbegeleiders"
    with django_assert_num_queries(0):
        assert selectors.search_suggestion(terms="veiligheidsbegleiders") == "Veiligheidsbegeleiders"


def test_a_search_that_finds_something_suggests_nothing(client):
    VacancyFactory(title="Veiligheidsbegeleiders")

    assert (
        "Did you mean" not in client.get("/en/vacancies/", {"q": "veiligheidsbegeleiders"}).content.decode()
    )


@pytest.mark.parametrize("q", ["!!!", "\U0004ba92", "— …"])
def test_a_search_of_symbols_alone_finds_nothing_and_fails_nothing(client, q):
    VacancyFactory(title="Staff Officer")

    assert found(q) == []
    assert client.get("/api/v1/vacancies/", {"q": q}).status_code == 200


@pytest.mark.parametrize("words", ["ONU", "Verenigde Naties", "Nations unies", "United Nations"])
def test_the_un_in_any_language_finds_every_post_of_a_un_organisation_in_the_demo_catalogue(words):
    from django.core.management import call_command

    from vacancies.models import Vacancy

    call_command("seed_demo", verbosity=0)
    un_posts = set(
        Vacancy.objects.public().filter(organisation__kind="un-agency").values_list("title_nl", flat=True)
    )

    assert un_posts and set(found(words, status="all")) == un_posts


def test_nato_s_international_staff_is_found_by_its_french_name_in_the_demo_catalogue():
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)

    assert found("Secrétariat international", status="all") == ["Staff Officer"]


@pytest.mark.parametrize(
    ("words", "programme"), [("gestion civile", "civil-crisis-expert"), ("réserviste", "defence-reserve")]
)
def test_a_vacancy_is_found_by_its_programmes_name_in_another_language(words, programme):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0)
    from vacancies.models import Vacancy

    expected = set(
        Vacancy.objects.public().filter(programme__slug=programme).values_list("title_nl", flat=True)
    )

    assert expected and set(found(words, status="all")) == expected


def test_a_vacancy_is_found_by_its_apply_instructions():
    VacancyFactory(title="Jurist", apply_instructions="Selor organiseert de testen.")
    VacancyFactory(title="Assistent")

    assert found("Selor") == ["Jurist"]
