"""The list's selection, read once (vacancies.selection): one normal form for one list, whatever the URL."""

import pytest
from django.http import QueryDict
from django.utils import translation

from tests.factories import OrganisationFactory, ProgrammeFactory, VacancyFactory
from tests.test_catalogue_cache import cache_entries
from vacancies.selection import Selection, normalise

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


@pytest.fixture
def catalogue():
    jpo = ProgrammeFactory(slug="jpo", name="Junior Professional Officers")
    unicef = OrganisationFactory(slug="unicef", name="United Nations Children's Fund", acronym="UNICEF")
    VacancyFactory(title="Water engineer", programme=jpo, organisation=unicef, country="BJ")
    VacancyFactory(title="Data analyst", programme=jpo, organisation=unicef, country="BE")
    VacancyFactory(title="Nurse", country="MA")
    return jpo, unicef


def test_the_same_list_asked_in_another_order_has_one_normal_form():
    one = QueryDict("country=BJ&programme=jpo&country=BE&q=++water++engineer&status=open&page=1&utm_x=1")
    other = QueryDict("q=water%20engineer&country=BE&country=BJ&country=BJ&programme=jpo&sort=relevance")

    assert normalise(one) == normalise(other)
    assert normalise(one) == [
        ("q", "water engineer"),
        ("programme", "jpo"),
        ("country", "BE"),
        ("country", "BJ"),
    ]


def test_a_selection_is_read_from_the_valid_values_only(catalogue):
    selection = Selection.parse(QueryDict("programme=jpo&programme=nope&country=ZZ&country=BE&q= analyst "))

    assert selection.terms == "analyst"
    assert selection.programmes == ()  # one unknown programme makes the whole field invalid, as on the page
    assert selection.countries == ()
    assert selection.query_string() == "q=analyst"


def test_a_saved_selection_lists_the_same_vacancies_when_applied_again(catalogue):
    selection = Selection.parse(QueryDict("programme=jpo&country=BJ&country=BE&sort=title&page=2&facets=all"))
    stored = selection.filters_only().query_string()

    assert stored == "programme=jpo&country=BE&country=BJ&sort=title"
    again = Selection.parse(QueryDict(stored))
    assert again == selection.filters_only()
    assert [v.title for v in again.apply()] == ["Data analyst", "Water engineer"]


def test_a_selection_says_in_words_what_it_lists(catalogue):
    selection = Selection.parse(QueryDict("q=engineer&programme=jpo&country=BJ&status=closed"))

    with translation.override("en"):
        assert selection.describe() == (
            "Search: engineer; Programme: Junior Professional Officers; Country: Benin; Status: Closed"
        )
    with translation.override("en"):
        assert Selection().describe() == "All open vacancies"


def test_removing_one_filter_keeps_the_others_and_goes_back_to_the_first_page(catalogue):
    selection = Selection.parse(QueryDict("q=engineer&country=BJ&country=BE&status=closed&page=3"))

    assert selection.without("country", "BE").url() == "?q=engineer&country=BJ&status=closed"
    assert selection.without("q").url() == "?country=BE&country=BJ&status=closed"
    with translation.override("en"):
        assert selection.without("status").without("q").without("country").url() == "/en/vacancies/"


def test_the_same_list_in_another_order_is_served_from_one_cache_entry(client, catalogue):
    first = client.get(LIST, {"programme": "jpo", "country": ["BJ", "BE"], "q": "engineer"})
    entries = cache_entries()

    again = client.get(f"{LIST}?q=+engineer&country=BE&country=BJ&programme=jpo&status=open&country=BE")

    assert cache_entries() == entries
    assert again.content == first.content


def test_the_list_links_carry_the_normal_form_of_its_selection(client, catalogue):
    page = client.get(f"{LIST}?country=BJ&utm_source=x&q=+water&country=BE&programme=jpo&programme=jpo")

    assert page.context["query"] == "q=water&programme=jpo&country=BE&country=BJ"
    assert 'href="/en/vacancies/feed/?q=water&amp;programme=jpo&amp;country=BE&amp;country=BJ"' in page.text
    assert page.context["selection"].terms == "water"
