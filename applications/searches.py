"""A followed search: the list's query, normalised so that the same search followed twice is one alert.

`normalise()` is the one place a list query becomes a stored selection. (The `search` branch builds an
immutable Selection from the validated list form; once merged, `normalise` folds into it.)
"""

from urllib.parse import parse_qsl, urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django_countries import countries

from programmes.models import Programme
from vacancies.filters import VacancyFilter
from vacancies.models import Organisation

# What a followed search keeps of the list's query: what narrows the catalogue, not how it is shown
# (status, sort, page): an alert reports vacancies as they open.
FOLLOWED = ("country", "organisation", "programme", "q")


def normalise(query) -> str | None:
    """The selection of a list query (a QueryDict): known parameters only, each value once and sorted, the
    search terms as typed (outer spaces dropped). None when it selects nothing or a value is not valid."""
    present = {name: [v for v in query.getlist(name) if v.strip()] for name in FOLLOWED}
    if not any(present.values()):
        return None
    data = QueryDict(mutable=True)
    for name, chosen in present.items():
        data.setlist(name, chosen)
    form = VacancyFilter(data).form
    if not form.is_valid() or any(form.errors.get(name) for name in FOLLOWED):
        return None
    pairs = sorted({(name, value.strip()) for name, values in present.items() for value in values})
    terms = [value for name, value in pairs if name == "q"]
    if len(terms) > 1:  # the list reads one search: the last as sent
        pairs = [p for p in pairs if p[0] != "q"] + [("q", present["q"][-1].strip())]
    return urlencode(pairs)


def values(selection: str) -> dict[str, list[str]]:
    """{parameter: [values]} of a stored selection."""
    found = {name: [] for name in FOLLOWED}
    for name, value in parse_qsl(selection):
        if name in found:
            found[name].append(value)
    return found


def terms(selection: str) -> str:
    return " ".join(values(selection)["q"])


def columns(selection: str) -> dict:
    """The columns of an `Alert` derived from its selection, for matching a vacancy in SQL
    (delivery.alerts_matching): the terms, and each facet's values as ",a,b," (empty: any value)."""
    chosen = values(selection)

    def listed(name):
        return f",{','.join(chosen[name])}," if chosen[name] else ""

    return {
        "terms": terms(selection)[:200],
        "programmes": listed("programme"),
        "organisations": listed("organisation"),
        "countries": listed("country"),
    }


def list_url(selection: str) -> str:
    """The list page of the search (in the active language)."""
    return f"{reverse('vacancies:list')}?{selection}"


def describe(selection: str) -> list[str]:
    """The search in words, one line per parameter ("Search: klimaat", "Country: Senegal"), in the active
    language. Values that no longer exist are shown as they were stored."""
    chosen = values(selection)
    lines = []
    if chosen["q"]:
        lines.append(_("Search: %(terms)s") % {"terms": " ".join(chosen["q"])})
    if chosen["programme"]:
        names = {
            p.slug: p.name for p in Programme.objects.filter(slug__in=chosen["programme"]).order_by("slug")
        }
        listed = ", ".join(str(names.get(slug, slug)) for slug in chosen["programme"])
        lines.append(_("Programme: %(names)s") % {"names": listed})
    if chosen["organisation"]:
        names = {o.slug: o.short_name for o in Organisation.objects.filter(slug__in=chosen["organisation"])}
        listed = ", ".join(names.get(slug, slug) for slug in chosen["organisation"])
        lines.append(_("Organisation: %(names)s") % {"names": listed})
    if chosen["country"]:
        listed = ", ".join(str(countries.name(code) or code) for code in chosen["country"])
        lines.append(_("Country: %(names)s") % {"names": listed})
    return lines
