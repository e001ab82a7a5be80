"""Pages, feeds and API answers travel compressed; responses that carry a secret do not (BREACH)."""

import gzip

import pytest

from tests.factories import VacancyFactory

pytestmark = pytest.mark.django_db
GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


@pytest.mark.parametrize(
    "url", ["/en/", "/en/vacancies/", "/en/vacancies/feed/", "/en/vacancies/feed.json", "/api/v1/vacancies/"]
)
def test_public_pages_feeds_and_api_answers_are_compressed(client, url):
    VacancyFactory.create_batch(3)

    response = client.get(url, **GZIP)

    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    plain = client.get(url)
    assert gzip.decompress(response.content) == plain.content
    assert len(response.content) < len(plain.content)


@pytest.mark.parametrize("url", ["/en/alerts/", "/admin/login/"])
def test_pages_with_a_csrf_token_are_not_compressed(client, url):
    response = client.get(url, **GZIP)

    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert not response.has_header("Content-Encoding")


def test_pages_for_signed_in_staff_are_not_compressed(admin_client):
    VacancyFactory.create_batch(3)

    response = admin_client.get("/en/vacancies/", **GZIP)

    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
