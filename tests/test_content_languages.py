"""Staff-written text per language: each page reads its own language, else the original, and says so."""

import json

import pytest
from django.core.exceptions import ValidationError

from tests.factories import ProgrammeFactory, VacancyFactory
from vacancies.selectors import vacancy_list

pytestmark = pytest.mark.django_db


def test_a_vacancy_is_read_in_the_pages_language_when_it_has_one(client):
    vacancy = VacancyFactory(
        title_nl="Jurist", title_fr="Juriste", title_en="Lawyer", description_nl="Dutch text"
    )

    assert "<h1>Juriste</h1>" in client.get(f"/fr/vacancies/{vacancy.slug}/").text
    assert "<h1>Jurist</h1>" in client.get(f"/nl/vacancies/{vacancy.slug}/").text
    assert "<h1>Lawyer</h1>" in client.get(f"/en/vacancies/{vacancy.slug}/").text


def test_untranslated_text_falls_back_to_the_original_and_says_so(client):
    vacancy = VacancyFactory(title_nl="Veiligheidsbegeleider", description_nl="Je begeleidt bewoners.")

    french = client.get(f"/fr/vacancies/{vacancy.slug}/").text
    dutch = client.get(f"/nl/vacancies/{vacancy.slug}/").text

    assert '<h1 lang="nl">Veiligheidsbegeleider</h1>' in french
    assert "Je begeleidt bewoners." in french
    assert 'class="translation-note"' in french
    assert 'class="translation-note"' not in dutch and 'lang="nl">Veiligheidsbegeleider' not in dutch


def test_a_programme_falls_back_the_same_way(client):
    programme = ProgrammeFactory(
        slug="nato-staff",
        name_nl="",
        summary_nl="",
        name_en="NATO International Staff",
        summary_en="Staff posts.",
    )

    french = client.get("/fr/programmes/nato-staff/").text

    assert '<h1 lang="en">NATO International Staff</h1>' in french
    assert 'class="translation-note"' in french
    assert programme.name == "NATO International Staff"


def test_search_finds_text_in_any_language():
    VacancyFactory(title_nl="Jurist", title_fr="Juriste spécialisé", title_en="Lawyer")
    VacancyFactory(title_nl="Analist")

    assert [v.title_nl for v in vacancy_list(filters={"q": "spécialisé"}).qs] == ["Jurist"]
    assert [v.title_nl for v in vacancy_list(filters={"q": "lawyer"}).qs] == ["Jurist"]


def test_sorting_by_title_uses_the_pages_language(client):
    VacancyFactory(title_nl="Zorgcoördinator", title_en="Care coordinator")
    VacancyFactory(title_nl="Analist", title_en="Statistician")

    def titles(language):
        page = client.get(f"/{language}/vacancies/", {"sort": "title"})
        return [v.title for v in page.context["page"].object_list]

    assert titles("en") == ["Care coordinator", "Statistician"]
    assert titles("nl") == ["Analist", "Zorgcoördinator"]


def test_the_api_answers_in_the_accept_language_language(client):
    vacancy = VacancyFactory(title_nl="Jurist", title_fr="Juriste")

    french = client.get("/api/v1/vacancies/", headers={"accept-language": "fr"}).json()
    english = client.get(f"/api/v1/vacancies/{vacancy.slug}/", headers={"accept-language": "en"}).json()

    assert french["results"][0]["title"] == "Juriste"
    assert english["title"] == "Jurist"  # no English version: the original
    assert json.dumps(english)  # serialisable as is


def test_a_text_needs_at_least_one_language():
    vacancy = VacancyFactory.build(title_nl="", summary_nl="")

    with pytest.raises(ValidationError) as error:
        vacancy.clean()

    assert set(error.value.message_dict) == {"title_nl", "summary_nl"}
