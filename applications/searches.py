"""A followed search: the list's selection (vacancies.selection), stored as its normalised query string, so
that the same search followed twice is one alert.

An alert keeps what narrows the catalogue (search terms, programmes, organisations, countries and the facets
staff state: contract type, education, language, organisation type, closing soon), not how the list is shown
(status, sort, page): it reports vacancies as they open.
"""

from django.http import QueryDict
from django.urls import reverse

from vacancies.filters import VacancyFilter
from vacancies.selection import DEFAULT_STATUS, Selection

FOLLOWED = ("q", "programme", "organisation", "country", *VacancyFilter.STATED_FACETS)


def normalise(query) -> str | None:
    """The stored selection of a list query (a QueryDict). None when it narrows nothing or one of its values
    is not valid (a search that silently dropped a value would not be the one the candidate saw)."""
    filterset = VacancyFilter(query)
    filterset.is_valid()
    if any(filterset.form.errors.get(name) for name in FOLLOWED):
        return None
    selection = filterset.selection.filters_only().replace(status=DEFAULT_STATUS, sort="")
    if not (selection.searching or selection.narrowed):
        return None
    return selection.query_string()


def selection_of(stored: str) -> Selection:
    return Selection.parse(QueryDict(stored))


def columns(stored: str) -> dict:
    """The columns of an `Alert` derived from its selection, for matching a vacancy in SQL
    (sending.queue.alerts_matching): the terms, and each facet's values as ",a,b," (empty: any value)."""
    query = QueryDict(stored)

    def listed(name):
        return f",{','.join(sorted(set(query.getlist(name))))}," if query.getlist(name) else ""

    return {
        "terms": (query.get("q") or "")[:200],
        "programmes": listed("programme"),
        "organisations": listed("organisation"),
        "countries": listed("country"),
    }


def has_terms(stored: str) -> bool:
    return bool(QueryDict(stored).get("q"))


def list_url(stored: str) -> str:
    """The list page of the search (in the active language)."""
    return f"{reverse('vacancies:list')}?{stored}"


def describe(stored: str) -> list[str]:
    """The search in words, in the active language ("Search: klimaat; Country: Senegal"), as lines."""
    return [selection_of(stored).describe()]
