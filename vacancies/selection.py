"""The list's selection, read once: what a candidate asked the catalogue for, as an immutable value.

`VacancyFilter` (vacancies.filters) validates the request's parameters; its `selection` is this value, built
from the validated form. Everything that needs the selection afterwards reads it, and none re-reads the
request: the sort and the search (the filterset), the facet counts and their cache key (selectors), the
page cache's key (caching), the removal and "show all" links and the feed links (views, feeds), and the
saved-search alerts, which store `selection.filters_only().query_string()` and apply it again later with
`Selection.parse(stored).apply()`.

The *normalised query string* lists known parameters only, in a fixed order, each multi-valued one sorted and
without repeats, the search terms stripped, and defaults left out: two URLs that show the same list give the
same string. `normalise()` computes it from a raw query as well (the page cache needs it before any
validation, which would cost queries on every cached request); for a valid query both agree.
"""

import dataclasses
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# Parameters, in the order of the normalised query string. FILTERS decide which vacancies are listed (and
# what an alert follows); the others only how the list is shown.
FILTERS = ("q", "programme", "organisation", "country", "status", "sort")
MULTI_VALUED = ("programme", "organisation", "country")
VIEW_PARAMETERS = ("eligibility", "facets", "page")
KNOWN = (*FILTERS, *VIEW_PARAMETERS)
DEFAULT_STATUS = "open"
ELIGIBILITY_CHOICES = ("may", "not", "unknown")
# The query string's name of each field of a Selection.
FIELDS = {
    "q": "terms",
    "programme": "programmes",
    "organisation": "organisations",
    "country": "countries",
    "status": "status",
    "sort": "sort",
    "eligibility": "eligibility",
    "facets": "all_facets",
    "page": "page",
}


def default_sort(terms: str) -> str:
    """Best matches first for a search, soonest closing first otherwise."""
    return "relevance" if terms else "closing"


def normalise(values) -> list[tuple[str, str]]:
    """[(name, value)] of a selection in its normal form, from {name: [values]} (a QueryDict or a dict).

    Unknown names are dropped; empty values and defaults left out; multi-valued parameters sorted, once each.
    """
    get = values.getlist if hasattr(values, "getlist") else (lambda name: list(values.get(name) or ()))
    terms = " ".join((get("q") or [""])[-1].split())
    pairs = []
    for name in KNOWN:
        given = [str(v).strip() for v in get(name)]
        given = [v for v in given if v]
        if name == "q":
            given = [terms] if terms else []
        elif name in MULTI_VALUED:
            given = sorted(set(given))
        else:
            given = given[-1:]  # as QueryDict.get(): the last one counts
        if name == "page" and given and given[0].isascii() and given[0].isdigit() and len(given[0]) < 10:
            given = [str(int(given[0]))]
        defaults = {"status": [DEFAULT_STATUS], "sort": [default_sort(terms)], "page": ["1"]}
        if given == defaults.get(name) or (name == "facets" and given != ["all"]):
            given = []
        pairs += [(name, v) for v in given]
    return pairs


@dataclass(frozen=True)
class Selection:
    """A valid selection of the catalogue (invalid values were left out and reported by the form)."""

    terms: str = ""
    programmes: tuple[str, ...] = ()  # slugs, sorted
    organisations: tuple[str, ...] = ()  # slugs, sorted
    countries: tuple[str, ...] = ()  # ISO codes, sorted
    status: str = DEFAULT_STATUS  # open, upcoming, closed or all
    sort: str = ""  # relevance, closing, newest or title; "" for the default
    eligibility: str = ""  # may, not, unknown: read only with a candidate's profile
    all_facets: bool = False  # every value of each facet, not the shortlist
    page: str = ""  # as given: the paginator says whether it is a page number

    @classmethod
    def from_form(cls, form, data):
        """From a validated VacancyFilter form (its cleaned data) and the raw data for the view parameters."""
        cleaned = form.cleaned_data if form.is_bound else {}
        terms = " ".join((cleaned.get("q") or "").split())
        eligibility = (data.get("eligibility") or "").strip()
        return cls(
            terms=terms,
            programmes=tuple(sorted({p.slug for p in cleaned.get("programme") or ()})),
            organisations=tuple(sorted({o.slug for o in cleaned.get("organisation") or ()})),
            countries=tuple(sorted(set(cleaned.get("country") or ()))),
            status=cleaned.get("status") or DEFAULT_STATUS,
            sort="" if cleaned.get("sort") in (None, "", default_sort(terms)) else cleaned["sort"],
            eligibility=eligibility[:20],
            all_facets=data.get("facets") == "all",
            page=(data.get("page") or "").strip()[:20],
        )

    @classmethod
    def parse(cls, query):
        """The valid part of `query` (a QueryDict or {name: [values]}): invalid values are left out."""
        from .filters import VacancyFilter  # the filters import this module

        if not hasattr(query, "getlist"):
            query = QueryDict(urlencode(normalise(query)))
        return VacancyFilter(query).selection

    # --- what the selection asks ---------------------------------------------------------------------

    @property
    def ordering(self) -> str:
        """The sort in force: the one chosen, else the default for the terms."""
        return self.sort or default_sort(self.terms)

    @property
    def searching(self) -> bool:
        return bool(self.terms)

    @property
    def places_chosen(self) -> bool:
        """Whether a programme, organisation or country narrows the list (the facets count otherwise)."""
        return bool(self.programmes or self.organisations or self.countries)

    def values(self, name) -> tuple[str, ...]:
        """The chosen values of one parameter (a query string's name), as strings."""
        value = getattr(self, FIELDS[name])
        if name == "facets":
            return ("all",) if value else ()
        if isinstance(value, tuple):
            return value
        return (value,) if value else ()

    # --- the same selection in other forms -----------------------------------------------------------

    def query(self) -> list[tuple[str, str]]:
        """The normalised (name, value) pairs."""
        return normalise({name: self.values(name) for name in KNOWN})

    def query_string(self) -> str:
        """The normalised query string: a cache key's part, the links' query, an alert's stored selection."""
        return urlencode(self.query())

    def replace(self, **changes) -> "Selection":
        return dataclasses.replace(self, **changes)

    def filters_only(self) -> "Selection":
        """The selection without how it is shown (page, facets, eligibility): what a saved search keeps."""
        return self.replace(eligibility="", all_facets=False, page="")

    def without(self, name, value=None) -> "Selection":
        """The selection without parameter `name` (or only its `value`), back on the first page."""
        field = FIELDS[name]
        if name in MULTI_VALUED and value is not None:
            remaining = tuple(v for v in getattr(self, field) if v != value)
        else:
            remaining = getattr(Selection(), field)
        return self.replace(**{field: remaining, "page": ""})

    def url(self) -> str:
        """The list's address for this selection: relative ("?q=..."), or the bare list."""
        encoded = self.query_string()
        return f"?{encoded}" if encoded else reverse("vacancies:list")

    def apply(self, queryset=None):
        """`queryset` (else the public catalogue) filtered and sorted as this selection says."""
        from .filters import VacancyFilter
        from .selectors import public_vacancies

        queryset = public_vacancies() if queryset is None else queryset
        return VacancyFilter(QueryDict(self.filters_only().query_string()), queryset=queryset).qs

    def describe(self) -> str:
        """The selection in words, in the active language: "Search: nurse; Programme: JPO; Country: Benin"."""
        from django_countries import countries

        from programmes.models import Programme

        from .models import Organisation

        parts = []
        if self.terms:
            parts.append(_("Search: %(value)s") % {"value": self.terms})
        if self.programmes:
            names = Programme.objects.filter(slug__in=self.programmes).order_by("slug")
            parts.append(_("Programme: %(value)s") % {"value": ", ".join(p.name for p in names)})
        if self.organisations:
            names = Organisation.objects.filter(slug__in=self.organisations).order_by("name")
            parts.append(_("Organisation: %(value)s") % {"value": ", ".join(o.short_name for o in names)})
        if self.countries:
            named = ", ".join(sorted(str(countries.name(code)) for code in self.countries))
            parts.append(_("Country: %(value)s") % {"value": named})
        statuses = {
            "upcoming": pgettext("vacancies filter", "Opening soon"),
            "closed": pgettext("vacancies filter", "Closed"),
            "all": pgettext("vacancies filter", "All"),
        }
        if self.status in statuses:
            parts.append(_("Status: %(value)s") % {"value": statuses[self.status]})
        return "; ".join(parts) if parts else _("All open vacancies")
