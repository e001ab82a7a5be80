"""Error pages a candidate may meet: "not found" and "server error", in the language of the address."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.db import OperationalError
from django.urls import path

from jobboard.urls import handler500  # noqa: F401 - the site's, for the URLconf below
from jobboard.urls import urlpatterns as site_urlpatterns
from tests.test_translations import compiled  # noqa: F401 - the fixture: the catalogues, compiled afresh

pytestmark = pytest.mark.usefixtures("compiled")


def broken_view(request):
    raise RuntimeError("a bug")


def database_down_view(request):
    raise OperationalError("connection timeout expired")


# The site's URLs plus pages that fail, for the tests marked @pytest.mark.urls(__name__).
urlpatterns = [
    path("api/v1/vacancies/", database_down_view),  # before the site's: the list, with its database down
    *site_urlpatterns,
    *i18n_patterns(path("broken/", broken_view), path("database-down/", database_down_view)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("fr", "<h1>Page introuvable</h1>", "Parcourir les offres d’emploi ouvertes"),
        ("nl", "<h1>Pagina niet gevonden</h1>", "Bekijk de openstaande vacatures"),
    ],
)
def test_a_missing_page_answers_404_in_the_language_of_the_address(client, language, heading, link):
    response = client.get(f"/{language}/vacancies/no-such-vacancy/")

    assert response.status_code == 404
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text
    assert link in response.text
    assert f'action="/{language}/vacancies/"' in response.text  # a search box to find it again


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("fr", "<h1>Une erreur s’est produite de notre côté</h1>"),
        ("nl", "<h1>Er ging bij ons iets mis</h1>"),
        ("en", "<h1>Something went wrong on our side</h1>"),
    ],
)
def test_a_failing_page_answers_500_in_the_language_of_the_address_without_the_database(
    client, language, heading
):
    # No django_db mark: the error page may not touch the database (which may be what failed).
    client.raise_request_exception = False

    response = client.get(f"/{language}/broken/")

    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text
    assert f'href="/{language}/"' in response.text
    assert "a bug" not in response.text


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("fr", "<h1>Momentanément indisponible</h1>"), ("nl", "<h1>Tijdelijk niet beschikbaar</h1>")],
)
def test_a_database_that_does_not_answer_gives_a_503_that_says_to_try_again(client, language, heading):
    client.raise_request_exception = False

    response = client.get(f"/{language}/database-down/")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert heading in response.text
    assert "connection timeout" not in response.text


@pytest.mark.django_db  # the OpenAPI check of every API answer reads the programmes
@pytest.mark.urls(__name__)
def test_the_api_says_it_in_json(client):
    client.raise_request_exception = False

    response = client.get("/api/v1/vacancies/")  # and as the OpenAPI document says (conftest checks)

    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert response.json() == {
        "errors": {"detail": ["The service is unavailable for a moment. Please try again in a minute."]}
    }
