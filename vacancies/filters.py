"""The catalogue's filters, shared by the list page, the Atom feed and the JSON API."""

import datetime as dt
import operator
from functools import cached_property, reduce

import django_filters
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_filters.fields import MultipleChoiceField

from programmes.models import Education, Programme
from programmes.translation import localized

from .models import WINDOW_END, Organisation, Vacancy, VacancyQuerySet, WorkingLanguage
from .selection import CLOSING_SOON, FILTERS, UNSTATED, Selection, default_sort

# The closing date for ordering, rolling vacancies (no closing date) as NULL: closed ones are listed latest
# first, and those last.
CLOSING_STATED = NullIf("window_closes", Value(WINDOW_END))

CLOSING_SOON_DAYS = dt.timedelta(days=7)


class CountryCodesField(MultipleChoiceField):
    """Checks a code by looking it up, not by walking the choices: each of those is a country name translated
    on the way, 250 of them per value (about 5 ms a value, on a list page with a country and in every e-mail
    that describes a search with one)."""

    def valid_value(self, value):
        return str(value) in countries


class CountryFilter(django_filters.MultipleChoiceFilter):
    field_class = CountryCodesField


class VacancyFilter(django_filters.FilterSet):
    """AND across facets, OR within one. Invalid values are reported in `errors` and left out."""

    q = django_filters.CharFilter(method="filter_search", max_length=200, label=_("Search"))
    # distinct=False (here and for country): a vacancy has one programme, organisation and country, so
    # these filters cannot repeat a row, and SELECT DISTINCT over all of a vacancy's columns costs a sort.
    programme = django_filters.ModelMultipleChoiceFilter(
        queryset=Programme.objects.all(),
        field_name="programme__slug",
        to_field_name="slug",
        distinct=False,
        label=_("Programme"),
    )
    organisation = django_filters.ModelMultipleChoiceFilter(
        queryset=Organisation.objects.all(),
        field_name="organisation__slug",
        to_field_name="slug",
        distinct=False,
        label=_("Organisation"),
    )
    country = CountryFilter(choices=countries, distinct=False, label=_("Country"))
    # Facets staff state once per vacancy or organisation; "unstated" picks the vacancies whose source does
    # not say (counted as "Not stated").
    contract = django_filters.MultipleChoiceFilter(
        choices=[*Vacancy.ContractType.choices, (UNSTATED, _("Not stated"))],
        field_name="contract_type",
        method="filter_stated",
        label=_("Contract type"),
    )
    education = django_filters.MultipleChoiceFilter(
        choices=[*Education.choices, (UNSTATED, _("Not stated"))],
        field_name="required_education",
        method="filter_stated",
        label=_("Minimum education"),
    )
    language = django_filters.MultipleChoiceFilter(
        choices=[*WorkingLanguage.choices, (UNSTATED, _("Not stated"))],
        method="filter_language",
        label=_("Selection and working language"),
    )
    organisation_type = django_filters.MultipleChoiceFilter(
        choices=Organisation.Kind.choices,
        field_name="organisation__kind",
        distinct=False,
        label=_("Organisation type"),
    )
    closing = django_filters.ChoiceFilter(
        choices=[(CLOSING_SOON, _("Closes within 7 days"))], method="filter_closing", label=_("Closing")
    )
    status = django_filters.ChoiceFilter(
        # Own context: French agrees these with the plural "offres d'emploi" (a card says "Closed").
        choices=[
            ("open", pgettext_lazy("vacancies filter", "Open")),
            ("upcoming", pgettext_lazy("vacancies filter", "Opening soon")),
            ("closed", pgettext_lazy("vacancies filter", "Closed")),
            ("all", pgettext_lazy("vacancies filter", "All")),
        ],
        method="filter_status",
        empty_label=None,
        label=_("Status"),
    )
    sort = django_filters.ChoiceFilter(
        choices=[
            ("relevance", _("Relevance")),
            ("closing", _("Closing date")),
            ("newest", _("Newest")),
            ("title", _("Title")),
        ],
        method="filter_sort",
        empty_label=None,
        label=_("Sort by"),
    )

    FACETS = ("programme", "organisation", "country", "status")
    # Counted in one query (selectors.vacancy_facets): their values are few and known.
    STATED_FACETS = ("contract", "education", "language", "organisation_type", "closing")

    class Meta:
        model = Vacancy
        fields = list(FILTERS)

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        # Defaults of the contract: open vacancies, soonest closing first; best matches first for a search.
        terms = (data.get("q") or "").strip()
        for name, default in (("status", "open"), ("sort", default_sort(terms))):
            if not data.get(name):
                data[name] = default
        super().__init__(data, *args, **kwargs)

    @cached_property
    def selection(self) -> Selection:
        """The valid part of the request, read once (vacancies.selection); invalid values are left out."""
        self.is_valid()
        return Selection.from_form(self.form, self.data)

    def filter_search(self, queryset, name, value):
        return queryset.search(self.selection.terms)

    @staticmethod
    def stated_q(facet, value):
        """The vacancies with `value` for one of STATED_FACETS."""
        if facet == "language":
            return Q(working_languages="") if value == UNSTATED else Q(working_languages__contains=value)
        if facet == "closing":
            now = timezone.now()
            return Q(window_closes__gt=now, window_closes__lte=now + CLOSING_SOON_DAYS)
        column = {"contract": "contract_type", "education": "required_education"}.get(facet)
        if column is None:
            return Q(organisation__kind=value)
        return Q(**{column: "" if value == UNSTATED else value})

    def filter_stated(self, queryset, name, values):
        if not values:
            return queryset
        facet = {"contract_type": "contract", "required_education": "education"}[name]
        return queryset.filter(reduce(operator.or_, (self.stated_q(facet, v) for v in values)))

    def filter_language(self, queryset, name, values):
        if not values:
            return queryset
        return queryset.filter(reduce(operator.or_, (self.stated_q("language", v) for v in values)))

    def filter_closing(self, queryset, name, value):
        return queryset.filter(self.stated_q("closing", value)) if value else queryset

    @staticmethod
    def status_q(value, now):
        """The vacancies of a status ("all": every one)."""
        rules = {"open": VacancyQuerySet.open_q, "upcoming": VacancyQuerySet.upcoming_q}
        rules["closed"] = VacancyQuerySet.closed_q
        return rules[value](now) if value in rules else Q()

    def filter_status(self, queryset, name, value):
        return queryset.filter(self.status_q(value, timezone.now()))

    def filter_sort(self, queryset, name, value):
        selection = self.selection
        if value == "relevance" and selection.searching:
            return queryset.order_by(F("rank").desc(), "window_closes", localized("title"), "pk")
        if value == "newest":
            return queryset.order_by(F("published_at").desc(nulls_last=True), "pk")
        if value == "title":
            return queryset.order_by(localized("title"), "pk")
        status = selection.status
        if status == "closed":
            return queryset.order_by(CLOSING_STATED.desc(nulls_last=True), "pk")
        if status == "upcoming":
            return queryset.order_by("window_opens", "window_closes", localized("title"), "pk")
        if status == "all":
            # Open first (soonest closing first), then upcoming (likewise), then closed (latest first).
            rank = Case(
                When(state=Vacancy.State.OPEN, then=Value(0)),
                When(state=Vacancy.State.UPCOMING, then=Value(1)),
                default=Value(2),
            )
            not_closed = Case(When(~Q(state=Vacancy.State.CLOSED), then=F("window_closes")))
            closed = Case(When(state=Vacancy.State.CLOSED, then=CLOSING_STATED))
            return queryset.order_by(
                rank, not_closed.asc(), closed.desc(nulls_last=True), localized("title"), "pk"
            )
        if selection.searching:
            # A search matches a few hundred or thousand vacancies: PostgreSQL should find them with the GIN
            # index and sort them. Ordered by the bare column, it walks the window index instead, testing
            # each open vacancy's search vector in the hope of 20 early matches (100-200 ms at 100,000).
            # The Coalesce changes no value (window_closes is never null) but hides that index order.
            return queryset.order_by(Coalesce("window_closes", Value(WINDOW_END)), localized("title"), "pk")
        return queryset.by_closing()

    def queryset_without(self, facet):
        """The queryset filtered by everything but `facet`, unordered: the base of that facet's counts."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name not in (facet, "sort"):  # facet "": every filter
                queryset = self.filters[name].filter(queryset, value)
        return queryset.order_by()
