"""The facets staff state once per vacancy or organisation: contract type, minimum education, selection and
working language, organisation type, and "closes within 7 days", with counts, on the list, the API and the
feeds; what a source does not state is counted as "Not stated"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from programmes.models import Education
from tests.factories import OrganisationFactory, VacancyFactory
from tests.test_eligibility_profile import api_candidate
from vacancies.models import Organisation, Vacancy

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


def options(response, facet):
    return {o["value"]: (o["count"], o["selected"]) for o in response.context["facets"][facet]}


def listed(response):
    return sorted(v.title_en or v.title_nl for v in response.context["page"].object_list)


@pytest.fixture
def catalogue():
    nato = OrganisationFactory(slug="nato-is", kind=Organisation.Kind.NATO)
    fedasil = OrganisationFactory(slug="fedasil", kind=Organisation.Kind.BELGIAN_FEDERAL)
    soon = timezone.now() + dt.timedelta(days=3)
    VacancyFactory(
        title="Staff officer",
        organisation=nato,
        required_education=Education.BACHELOR,
        working_languages=["fr", "en"],
        contract_type=Vacancy.ContractType.FIXED_TERM,
    )
    VacancyFactory(title="Social assistant", organisation=fedasil, working_languages=["nl"], contract_type="")
    VacancyFactory(
        title="Lawyer", organisation=fedasil, contract_type=Vacancy.ContractType.PERMANENT, closes_at=soon
    )


def test_each_facet_counts_the_list_and_what_the_sources_do_not_state(client, catalogue):
    page = client.get(LIST)

    assert options(page, "contract") == {
        "fixed-term": (1, False),
        "permanent": (1, False),
        "unstated": (1, False),
    }
    assert options(page, "education") == {"bachelor": (1, False), "unstated": (2, False)}
    assert options(page, "language") == {
        "nl": (1, False),
        "fr": (1, False),
        "en": (1, False),
        "unstated": (1, False),
    }
    assert options(page, "organisation_type") == {"nato": (1, False), "belgian-federal": (2, False)}
    assert options(page, "closing") == {"soon": (1, False)}
    assert "Not stated" in page.text and "Closes within 7 days" in page.text


def test_a_language_finds_the_posts_worked_in_it_and_the_other_facets_count_that_choice(client, catalogue):
    page = client.get(LIST, {"language": ["fr", "nl"]})

    assert listed(page) == ["Social assistant", "Staff officer"]
    # A facet counts under every filter but its own: the other languages still show what they would add.
    assert options(page, "language")["unstated"] == (1, False)
    assert options(page, "language")["fr"] == (1, True)
    assert options(page, "organisation_type") == {"nato": (1, False), "belgian-federal": (1, False)}


def test_not_stated_is_a_choice_of_its_own(client, catalogue):
    assert listed(client.get(LIST, {"contract": "unstated"})) == ["Social assistant"]
    assert listed(client.get(LIST, {"education": "unstated", "organisation_type": "belgian-federal"})) == [
        "Lawyer",
        "Social assistant",
    ]


def test_closing_within_7_days_narrows_the_list_and_can_be_removed(client, catalogue):
    page = client.get(LIST, {"closing": "soon", "organisation_type": "belgian-federal"})

    assert listed(page) == ["Lawyer"]
    removals = {r["label"]: r["url"] for r in page.context["filter_removals"]}
    assert removals["Closing: Closes within 7 days"] == "?organisation_type=belgian-federal"
    assert removals["Organisation type: Belgian federal service"] == "?closing=soon"


def test_an_unknown_facet_value_is_a_clear_400(client, catalogue):
    page = client.get(LIST, {"contract": "forever"})

    assert page.status_code == 400
    assert "Contract type" in page.text


def test_the_api_filters_by_the_facets_and_says_each_vacancy_s_values(client, catalogue):
    body = client.get("/api/v1/vacancies/", {"language": "en", "organisation_type": "nato"}).json()

    assert [v["slug"] for v in body["results"]] == [Vacancy.objects.get(title_nl="Staff officer").slug]
    found = body["results"][0]
    assert found["working_languages"] == ["fr", "en"] or found["working_languages"] == ["en", "fr"]
    assert found["required_education"] == "bachelor"
    assert found["organisation_type"] == "nato"
    assert found["contract_type"] == "fixed-term"
    assert client.get("/api/v1/vacancies/", {"closing": "later"}).status_code == 400


def test_the_feeds_follow_the_facets(client, catalogue):
    atom = client.get(reverse("vacancies:feed"), {"contract": "permanent"})
    assert "Lawyer" in atom.text and "Staff officer" not in atom.text

    feed = client.get(reverse("vacancies:jsonfeed"), {"organisation_type": "nato"}).json()
    assert [item["title"].split(" — ")[0] for item in feed["items"]] == ["Staff officer"]
    assert feed["feed_url"].endswith("?organisation_type=nato")


def test_the_eligible_list_api_takes_the_facets_as_filters(client, catalogue):
    response = client.post(
        "/api/v1/vacancies/eligible/",
        {**api_candidate(), "filters": {"organisation_type": ["belgian-federal"], "closing": "soon"}},
        content_type="application/json",
    )

    assert response.status_code == 200, response.json()
    assert [v["title"] for v in response.json()["results"]] == ["Lawyer"]


def test_staff_state_the_working_languages_in_the_admin(admin_client, catalogue):
    vacancy = Vacancy.objects.get(title_nl="Lawyer")
    page = admin_client.get(reverse("admin:vacancies_vacancy_change", args=[vacancy.pk]))

    assert 'name="working_languages" value="fr"' in page.text
    assert 'name="required_education"' in page.text and 'name="contract_type"' in page.text
    vacancy.working_languages = ["fr", "nl"]
    vacancy.save()
    vacancy.refresh_from_db()
    assert vacancy.working_languages == ["nl", "fr"]
