"""The read-only JSON API, as other tools consume it."""

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import OrganisationFactory, ProgrammeFactory, VacancyFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/vacancies/"
as_json = DjangoJSONEncoder().default


def test_the_list_has_the_contract_shape(client):
    vacancy = VacancyFactory(
        programme=ProgrammeFactory(slug="jpo"),
        organisation=OrganisationFactory(slug="unicef"),
        city="Kigali",
        country="RW",
    )

    body = client.get(API).json()

    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    assert body["results"] == [
        {
            "id": vacancy.pk,
            "slug": vacancy.slug,
            "title": vacancy.title,
            "programme": "jpo",
            "organisation": "unicef",
            "country": "RW",
            "city": "Kigali",
            "opens_at": as_json(vacancy.opens_at),
            "closes_at": as_json(vacancy.closes_at),
            "opens_on": as_json(timezone.localdate(vacancy.opens_at)),
            "opens_at_has_time": True,
            "closes_on": as_json(timezone.localdate(vacancy.closes_at)),
            "closes_at_has_time": True,
            "cancelled_at": None,
            "status": "open",
            "contract_type": vacancy.contract_type,
            "required_education": "",
            "working_languages": [],
            "organisation_type": vacancy.organisation.kind,
            "is_example": False,
            "url": f"http://testserver/nl/vacancies/{vacancy.slug}/",
        }
    ]


def test_filters_work_as_on_the_list_page(client):
    jpo = ProgrammeFactory(slug="jpo")
    VacancyFactory(title="A", programme=jpo, country="BE")
    VacancyFactory(title="B", programme=jpo, country="BJ")
    VacancyFactory(title="C", country="BE")
    VacancyFactory(title="D", programme=jpo, country="BE", closed=True)

    def titles(params):
        return sorted(r["title"] for r in client.get(API, params).json()["results"])

    assert titles({"programme": "jpo"}) == ["A", "B"]
    assert titles({"programme": "jpo", "country": ["BE", "BJ"]}) == ["A", "B"]
    assert titles({"programme": "jpo", "country": "BE", "status": "all"}) == ["A", "D"]
    assert titles({"status": "closed"}) == ["D"]


def test_next_and_previous_keep_the_filters(client, settings):
    settings.API_PAGE_SIZE = 2
    VacancyFactory.create_batch(5, country="BE")

    first = client.get(API, {"country": "BE"}).json()
    second = client.get(first["next"]).json()

    assert first["count"] == 5
    assert first["next"] == "http://testserver/api/v1/vacancies/?country=BE&page=2"
    assert second["previous"] == "http://testserver/api/v1/vacancies/?country=BE&page=1"
    assert {r["id"] for r in first["results"]}.isdisjoint(r["id"] for r in second["results"])


@pytest.mark.parametrize(
    ("params", "field", "status"),
    [
        ({"page": "abc"}, "page", 400),
        ({"page": "7"}, "page", 404),
        ({"programme": "unknown"}, "programme", 400),
        ({"country": "ZZ"}, "country", 400),
        ({"status": "soon"}, "status", 400),
    ],
)
def test_bad_values_give_json_errors(client, params, field, status):
    response = client.get(API, params)

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["errors"]


def test_urls_follow_accept_language_not_cookies(client):
    vacancy = VacancyFactory()
    client.cookies["django_language"] = "fr"

    body = client.get(API, headers={"accept-language": "en-GB,en;q=0.8"}).json()

    assert body["results"][0]["url"] == f"http://testserver/en/vacancies/{vacancy.slug}/"


def test_the_api_sets_no_cookies_and_rejects_writes(client):
    response = client.get(API)

    assert not response.cookies
    assert client.post(API, {}).status_code == 405


def test_detail_gives_the_full_vacancy_and_404s_for_unknown_slugs(client):
    vacancy = VacancyFactory(description="**Bold** <script>x</script>", reference="REF-1", positions=3)

    body = client.get(f"{API}{vacancy.slug}/").json()

    assert body["slug"] == vacancy.slug and body["reference"] == "REF-1" and body["positions"] == 3
    assert "<strong>Bold</strong>" in body["description_html"]
    assert "<script>" not in body["description_html"]
    assert client.get(f"{API}no-such-vacancy/").status_code == 404


def test_the_list_runs_a_constant_number_of_queries(client, settings):
    def count(page_size, vacancies):
        settings.API_PAGE_SIZE = page_size
        VacancyFactory.create_batch(vacancies)
        with CaptureQueriesContext(connection) as captured:
            client.get(API, {"country": "BE"})
        return len(captured)

    assert count(2, 3) == count(30, 40)
