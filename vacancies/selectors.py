"""Reads of the catalogue: one selector per page, shared by the pages, the feed and the API."""

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass

from django.core.validators import slug_re
from django.db.models import BooleanField, Case, Count, ExpressionWrapper, Prefetch, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

from programmes import eligibility
from programmes.models import CountryGroup, Programme
from programmes.translation import columns, shown_in

from . import caching, search
from .filters import VacancyFilter
from .models import (
    GROUP_FIELDS,
    MARKDOWN_FIELDS,
    Call,
    Organisation,
    PublicationStatus,
    Vacancy,
    VacancyQuerySet,
    eligibility_group_digest,
    eligibility_group_key,
)
from .selection import CLOSING_SOON, ELIGIBILITY_CHOICES, UNSTATED

# Columns no card, feed entry or API summary shows: a list leaves them in the database (the texts are TOASTed
# kilobytes a row; the search vector more). A detail page needs its own texts, not its programme's.
PROGRAMME_TEXTS = (
    *(
        f"programme__{column}"
        for name in ("summary", "description", "how_to_apply", "privacy_note")
        for column in columns(name)
    ),
    "programme__internal_notes",
)
DETAIL_UNSHOWN = ("search_vector", "internal_notes", *PROGRAMME_TEXTS)
CARD_UNSHOWN = (
    *DETAIL_UNSHOWN,
    *(column for name in MARKDOWN_FIELDS for column in columns(name)),
    "rendered",
    "organisation__other_names",
)


def public_vacancies():
    return Vacancy.objects.public().with_state().select_related("programme", "organisation")


def public_cards():
    """The public catalogue with the columns a card (or feed entry, or API summary) shows."""
    return public_vacancies().defer(*CARD_UNSHOWN)


def vacancy_list(*, filters) -> VacancyFilter:
    """A bound filterset over the public catalogue; `.qs` is the filtered, sorted queryset."""
    return VacancyFilter(filters, queryset=public_cards())


def _selection(filterset: VacancyFilter) -> str:
    """The filters that decide the counts, normalised: the same selection in any order gives one key."""
    counted = filterset.selection.filters_only().replace(sort="")
    return f"{filterset.is_valid():d}:{counted.query_string()}"


def vacancy_facets(filterset: VacancyFilter) -> dict:
    """Counts per facet value, each under every filter but its own.

    Cached per selection and language until the catalogue changes (vacancies.caching); a miss costs five
    queries, four for a search with no programme, organisation or country chosen.
    """
    return caching.cached("facets", _selection(filterset), lambda: _count_facets(filterset))


def _count_facets(filterset: VacancyFilter) -> dict:
    selection = filterset.selection
    chosen_programmes = set(selection.programmes)
    chosen_organisations = set(selection.organisations)
    chosen_countries = set(selection.countries)

    # A search's matches are found once by the GIN index and grouped in one pass; without a search, three
    # index-only scans of the window index cost less than grouping 20,000 open vacancies by three columns.
    at_once = selection.searching and not selection.places_chosen
    counts = _counts_at_once if at_once else _counts_one_by_one
    by_programme, organisation_rows, country_rows = counts(filterset)
    programmes = [
        {
            "value": p.slug,
            "label": p.name,
            "count": by_programme.get(p.pk, 0),
            "selected": p.slug in chosen_programmes,
            "lang": shown_in(p, "name"),
        }
        for p in Programme.objects.only("slug", *columns("name"))
    ]

    # An organisation's name is its own, in one language: marked when the page is in another.
    page_language = (get_language() or "").split("-")[0]

    def lang(code):
        return code if code != page_language else ""

    organisations = [
        {
            "value": slug,
            "label": acronym or name,
            "title": name,
            "count": n,
            "selected": slug in chosen_organisations,
            "lang": lang(name_language),
        }
        for slug, name, acronym, name_language, n in organisation_rows
    ]
    listed = {o["value"] for o in organisations}
    organisations += (
        [
            {
                "value": o.slug,
                "label": o.short_name,
                "title": o.name,
                "count": 0,
                "selected": True,
                "lang": lang(o.name_language),
            }
            for o in Organisation.objects.filter(slug__in=chosen_organisations - listed).order_by("name")
        ]
        if chosen_organisations - listed
        else []
    )

    found = {code: n for code, n in country_rows if code}  # not stated: no country to choose
    for code in chosen_countries:
        found.setdefault(code, 0)
    names = dict(countries)  # one pass: countries.name() costs 6 ms for the 249 of a large catalogue
    country_list = [
        {"value": code, "label": names.get(code, code), "count": n, "selected": code in chosen_countries}
        for code, n in found.items()
    ]
    country_list.sort(key=lambda c: (-c["count"], c["label"]))

    now = timezone.now()
    totals = filterset.queryset_without("status").aggregate(
        open=Count("pk", filter=VacancyQuerySet.open_q(now)),
        upcoming=Count("pk", filter=VacancyQuerySet.upcoming_q(now)),
        closed=Count("pk", filter=VacancyQuerySet.closed_q(now)),
        all=Count("pk"),
    )
    statuses = [
        {"value": value, "label": label, "count": totals[value], "selected": value == selection.status}
        for value, label in filterset.filters["status"].extra["choices"]
    ]
    facets = {
        "programme": programmes,
        "organisation": organisations,
        "country": country_list,
        **_stated_facets(filterset, _stated_counts(filterset, now)),
        "status": statuses,
    }
    # Plain strings: lazy translations would be translated again in whatever language reads the cache.
    for options in facets.values():
        for option in options:
            option["label"] = str(option["label"])
    return facets


def _stated_options(filterset, facet):
    return filterset.filters[facet].extra["choices"]


def _stated_counts(filterset: VacancyFilter, now) -> Counter:
    """{(facet, value): count} of the facets staff state once (contract type, education, languages,
    organisation type, closing within 7 days), each under every filter but its own: the facets not chosen
    share one GROUP BY of the whole selection over their five columns (a few dozen rows; 23 filtered counts
    cost three times as much), and a chosen one counts its own base likewise."""
    selection = filterset.selection
    chosen = [facet for facet in VacancyFilter.STATED_FACETS if selection.values(facet)]
    bases = {"": [f for f in VacancyFilter.STATED_FACETS if f not in chosen], **{f: [f] for f in chosen}}
    soon = Case(
        When(VacancyFilter.stated_q("closing", CLOSING_SOON), then=Value(CLOSING_SOON)),
        default=Value(""),
    )
    columns = ("contract_type", "required_education", "working_languages", "organisation__kind", "soon")
    counts = Counter()
    for base, facets in bases.items():
        if not facets:
            continue
        rows = filterset.queryset_without(base).annotate(soon=soon).values_list(*columns)
        for contract, education, languages, kind, closing, n in rows.annotate(n=Count("pk")):
            values = {
                "contract": [contract or UNSTATED],
                "education": [education or UNSTATED],
                "language": languages or [UNSTATED],
                "organisation_type": [kind],
                "closing": [closing] if closing else [],
            }
            for facet in facets:
                for value in values[facet]:
                    counts[facet, value] += n
    return counts


def _stated_facets(filterset, counts) -> dict:
    """Each stated facet's values with a count, and the chosen ones even at 0."""
    selection = filterset.selection
    facets = {}
    for facet in VacancyFilter.STATED_FACETS:
        chosen = selection.values(facet)
        facets[facet] = [
            {"value": value, "label": label, "count": counts[facet, value], "selected": value in chosen}
            for value, label in _stated_options(filterset, facet)
            if counts[facet, value] or value in chosen
        ]
    return facets


def _counts_one_by_one(filterset):
    """Counts per programme id, (organisation slug, name, acronym, name language) and country: three queries,
    each facet under every filter but its own."""
    by_programme = dict(
        filterset.queryset_without("programme").values_list("programme_id").annotate(n=Count("pk"))
    )
    organisation_rows = (
        filterset.queryset_without("organisation")
        .values_list(
            "organisation__slug", "organisation__name", "organisation__acronym", "organisation__name_language"
        )
        .annotate(n=Count("pk"))
        .order_by("-n", "organisation__name")
    )
    country_rows = (
        filterset.queryset_without("country").values_list("country").annotate(n=Count("pk")).order_by("-n")
    )
    return by_programme, list(organisation_rows), list(country_rows)


def _counts_at_once(filterset):
    """The same counts when no programme, organisation or country is chosen: then the three facets count the
    same vacancies, so one query groups them by all three (one search of the matches instead of three), and
    a second names the organisations found."""
    by_programme, by_organisation, by_country = Counter(), Counter(), Counter()
    rows = (
        filterset.queryset_without("programme")
        .values_list("programme_id", "organisation_id", "country")
        .annotate(n=Count("pk"))
    )
    for programme_id, organisation_id, country, n in rows:
        by_programme[programme_id] += n
        by_organisation[organisation_id] += n
        by_country[country] += n
    names = Organisation.objects.filter(pk__in=by_organisation).order_by("name")
    organisation_rows = [
        (slug, name, acronym, name_language, by_organisation[pk])
        for pk, slug, name, acronym, name_language in names.values_list(
            "pk", "slug", "name", "acronym", "name_language"
        )
    ]
    organisation_rows.sort(key=lambda row: -row[4])  # stable: by name within a count, as ORDER BY -n, name
    return by_programme, organisation_rows, by_country.most_common()


def vacancy_detail(*, slug) -> Vacancy:
    """A public vacancy, or one cancelled after it was published (its page says so; links to it are out
    there). Raises Http404 for anything else."""
    vacancy = public_vacancies().select_related("call").defer(*DETAIL_UNSHOWN).filter(slug=slug).first()
    if vacancy is None:
        vacancy = (
            Vacancy.objects.cancelled_after_publication()
            .with_state()
            .select_related("programme", "organisation", "call")
            .defer(*DETAIL_UNSHOWN)
            .filter(slug=slug)
            .first()
        )
    if vacancy is None:
        raise Http404("No such vacancy")
    return vacancy


def similar_vacancies(*, vacancy: Vacancy, limit=3):
    """Other open vacancies of the same programme: the same organisation's first, then soonest closing.

    Cached per programme and organisation until the catalogue changes (a crawler's random detail pages
    share a few thousand such pairs); on a miss two queries, each in the order of the window index, so each
    stops after a few rows (one query ordered by "same organisation first" would read every open vacancy)."""

    def candidates():
        others = (
            Vacancy.objects.open()
            .filter(programme_id=vacancy.programme_id)
            .select_related("organisation", "programme")
            .defer(*CARD_UNSHOWN)
            .by_closing()
        )
        # One more than shown: the vacancy itself may be among them.
        same = list(others.filter(organisation_id=vacancy.organisation_id)[: limit + 1])
        if len(same) <= limit:
            same += others.exclude(organisation_id=vacancy.organisation_id)[:limit]
        return same

    pair = f"{vacancy.programme_id}:{vacancy.organisation_id}"
    return [v for v in caching.cached("similar", pair, candidates) if v.pk != vacancy.pk][:limit]


def programme_list():
    """Programmes with their number of open vacancies (two queries)."""
    open_counts = dict(Vacancy.objects.open().order_by().values_list("programme_id").annotate(n=Count("pk")))
    programmes = list(Programme.objects.all())
    for programme in programmes:
        programme.open_vacancy_count = open_counts.get(programme.pk, 0)
    return programmes


def programme_detail(*, slug) -> Programme:
    queryset = Programme.objects.select_related("contract_terms").prefetch_related(
        "selection_steps",
        "eligibility_rules",
        Prefetch("calls", queryset=Call.objects.open().order_by("closes_at"), to_attr="open_calls"),
    )
    try:
        return queryset.get(slug=slug)
    except Programme.DoesNotExist:
        raise Http404("No such programme") from None


def programme_open_vacancies(*, programme: Programme):
    return list(
        Vacancy.objects.open()
        .filter(programme=programme)
        .select_related("organisation", "programme")
        .by_closing()
    )


def programme_upcoming_vacancies(*, programme: Programme):
    """The programme's vacancies that will open, soonest opening first."""
    return list(
        Vacancy.objects.upcoming()
        .filter(programme=programme)
        .select_related("organisation", "programme")
        .order_by("window_opens", "window_closes", "pk")
    )


def closing_soon(*, limit=5):
    return list(Vacancy.objects.open().select_related("organisation", "programme").by_closing()[:limit])


def eligibility_subject(*, programme_slug, vacancy_slug=None):
    """What a candidate checks themself against: a programme, or one of its public vacancies.

    Returns (programme, vacancy or None, default call year). Raises Programme.DoesNotExist for an unknown
    programme, Vacancy.DoesNotExist for an unknown vacancy or one of another programme: the page answers
    404, the API names the field.
    """
    # A string that cannot be a slug names nothing (and some, with NUL bytes, cannot even be queried).
    programme = None
    if slug_re.fullmatch(programme_slug):
        programme = (
            Programme.objects.prefetch_related("eligibility_rules").filter(slug=programme_slug).first()
        )
    if programme is None:
        raise Programme.DoesNotExist(programme_slug)
    vacancy = None
    if vacancy_slug:
        if slug_re.fullmatch(vacancy_slug):
            vacancy = (
                public_vacancies()
                .select_related("call")
                .filter(slug=vacancy_slug, programme=programme)
                .first()
            )
        if vacancy is None:
            raise Vacancy.DoesNotExist(vacancy_slug)
        # rules_for() reads the programme through the vacancy: reuse the one with prefetched rules.
        vacancy.programme = programme
    if vacancy and vacancy.call:
        year = vacancy.call.year
    else:
        open_call = Call.objects.open().filter(programme=programme).order_by("-year").first()
        year = open_call.year if open_call else timezone.localdate().year
    return programme, vacancy, year


@dataclass(frozen=True)
class EligibilityAnswer:
    """What the checker page and the API answer, for the same candidate the same."""

    results: list  # eligibility.Result, one per rule that applies to the candidate
    verdict: bool | None
    not_applicable: list  # eligibility.Rule: conditions that apply to other nationals only
    reserved_posts: (
        list  # open vacancies reserved for the candidate's nationality (when it depends on the post)
    )

    @property
    def depends_on_the_post(self):
        return _depends_on_the_post(self.results)


def _depends_on_the_post(results):
    return any(r.outcome == eligibility.Outcome.DEPENDS for r in results)


def eligibility_answer(*, programme, vacancy, rules, candidate, call_year) -> EligibilityAnswer:
    results = eligibility.check(rules, candidate, call_year)
    return EligibilityAnswer(
        results=results,
        verdict=eligibility.verdict(results),
        not_applicable=eligibility.applicable(rules, candidate.nationality)[1]
        if candidate.nationality
        else [],
        reserved_posts=open_posts_reserved_for(programme=programme, nationality=candidate.nationality)
        if _depends_on_the_post(results) and vacancy is None
        else [],
    )


def open_posts_reserved_for(*, programme, nationality):
    """The programme's open vacancies reserved for the nationals of `nationality` (by name or by group)."""
    groups = {g.slug: {str(c) for c in g.countries} for g in CountryGroup.objects.all()}
    reservations = [
        value
        for value, slug in eligibility.RESERVED_FOR_GROUPS.items()
        if nationality in groups.get(slug, ())
    ]
    return list(
        Vacancy.objects.open()
        .filter(programme=programme)
        .filter(
            Q(reserved_for__in=reservations, reserved_countries="")
            | Q(reserved_countries__contains=nationality)
        )
        .select_related("organisation")
        .by_closing()
    )


VOCABULARY_MAX_AGE = 3600  # seconds


def search_suggestion(*, terms) -> str:
    """The search, each unknown word replaced by the catalogue's nearest word, or "" (vacancies.search).

    The catalogue's vocabulary is cached until the catalogue changes (an hour at most): it is read only for
    a search that found nothing, and reading it takes half a second at 100,000 vacancies, so it is not
    read again each time a vacancy opens or closes, which changes no title."""
    words = caching.cached(
        "vocabulary",
        "",
        lambda: search.vocabulary(
            Vacancy.objects.public(), Organisation.objects.all(), Programme.objects.all()
        ),
        timeless_for=VOCABULARY_MAX_AGE,
    )
    return search.suggestion(terms, words)


# --- the catalogue against a candidate's profile (programmes.profile) ----------------------------------
#
# A vacancy's rules depend only on its programme, its call's year and its own reservation and requirements:
# vacancies alike in those form a *group*, and a verdict is computed once per group. The groups of the public
# catalogue and their rules are cached (they hold nothing about a candidate); the verdicts, computed per
# request from the profile, never are.

CHOICE_OF = {True: "may", False: "not", None: "unknown"}
_group_key = eligibility_group_key


def vacancy_group_key(vacancy):
    return _group_key([getattr(vacancy, name) for name in GROUP_FIELDS])


@dataclass(frozen=True)
class CatalogueGroup:
    key: tuple
    rules: list  # eligibility.Rule
    call_year: int
    # Groups with the same rules and call year get the same verdict: it is computed once for them.
    verdict_key: str = ""

    @property
    def digest(self):
        return eligibility_group_digest(self.key)

    def q(self):
        """The vacancies of this group (Vacancy.eligibility_group, kept by save())."""
        return Q(eligibility_group=self.digest)


def _default_call_years():
    """{programme id: the year of its latest open call}: the year a vacancy with no call is checked for."""
    years = {}
    for programme_id, year in Call.objects.open().order_by("year").values_list("programme_id", "year"):
        years[programme_id] = year
    return years


def catalogue_groups() -> list[CatalogueGroup]:
    """Every group of the public catalogue with its resolved rules; cached until the catalogue changes."""
    return caching.cached("eligibility-groups", "", _catalogue_groups)


def _catalogue_groups():
    rows = {_group_key(row) for row in public_vacancies().order_by().values_list(*GROUP_FIELDS).distinct()}
    programmes = {p.pk: p for p in Programme.objects.prefetch_related("eligibility_rules")}
    country_groups = {g.pk: g for g in CountryGroup.objects.all()}
    call_years = dict(Call.objects.values_list("pk", "year"))
    default_years = _default_call_years()
    this_year = timezone.localdate().year
    groups = []
    for key in sorted(rows, key=str):
        programme_id, call_id, reserved_for, reserved_countries, education, experience, languages = key
        post = Vacancy(
            programme=programmes[programme_id],
            reserved_for=reserved_for,
            reserved_countries=reserved_countries,
            required_education=education,
            required_experience_years=experience,
            required_languages=json.loads(languages),
        )
        stored = list(programmes[programme_id].eligibility_rules.all())
        rules = eligibility.resolve_rules(stored, country_groups, post)
        year = call_years.get(call_id) or default_years.get(programme_id) or this_year
        same_verdict = hashlib.blake2b(repr((rules, year)).encode(), digest_size=8).hexdigest()
        groups.append(CatalogueGroup(key, rules, year, same_verdict))
    return groups


def profile_questions_rules() -> list:
    """The rules of every group of the open catalogue, flattened: what the profile form asks about (a
    question only closed vacancies need is not asked)."""
    open_keys = set(caching.cached("eligibility-open-groups", "", _open_group_keys))
    return [rule for group in catalogue_groups() if group.key in open_keys for rule in group.rules]


def _open_group_keys():
    rows = Vacancy.objects.open().order_by().values_list(*GROUP_FIELDS).distinct()
    return [_group_key(row) for row in rows]


@dataclass(frozen=True)
class ProfileVerdict:
    """A vacancy's verdict for a profile: True, False or None, and why (the first failed condition)."""

    verdict: bool | None
    reason: str
    results: list  # eligibility.Result
    missing: bool = False  # undecided because the profile leaves a question open, not because of the rules

    @property
    def name(self):
        return eligibility.verdict_name(self.verdict)

    @property
    def choice(self):
        return CHOICE_OF[self.verdict]


def _profile_verdict(group: CatalogueGroup, profile) -> ProfileVerdict:
    rules = group.rules
    needed = eligibility.required_questions(rules, profile.nationality)
    if any(rule.applies_to is not None for rule in rules) or any(
        rule.kind == eligibility.Kind.NATIONALITY for rule in rules
    ):
        needed.setdefault("nationality", None)
    if missing := [name for name in needed if name not in profile.answers()]:
        from programmes.forms import question_labels  # the forms' labels, loaded only when a question is open

        labels = question_labels()
        questions = ", ".join(str(labels[name]) for name in missing)
        return ProfileVerdict(
            None, _("Your answers do not say: %(questions)s.") % {"questions": questions}, [], missing=True
        )
    candidate = profile.candidate(eligibility.languages_scale(rules))
    results = eligibility.check(rules, candidate, group.call_year)
    verdict = eligibility.verdict(results)
    if verdict is False:
        reason = next(r.message for r in results if r.outcome == eligibility.Outcome.NOT_MET)
    elif verdict is None:
        # What is left open, as the checker words it: the post's own conditions, or a nationality the source
        # is silent on.
        reason = next(
            (r.message for r in results if r.outcome == eligibility.Outcome.DEPENDS),
            _("Nothing that applies to you can be checked online."),
        )
    else:
        reason = ""
    return ProfileVerdict(verdict, reason, results)


@dataclass
class EligibleCatalogue:
    """The list as a profile sees it: verdict per group, counts per verdict, the list filtered by `choice`."""

    verdicts: dict  # group key: ProfileVerdict
    counts: dict  # "may"/"not"/"unknown": number of vacancies in the filtered list
    choice: str  # "" (every vacancy) or one of ELIGIBILITY_CHOICES
    queryset: object  # the filtered list, narrowed to `choice`
    facets: dict  # the other facets, as without a profile (not narrowed by the verdict)

    def count(self, filterset_count):
        """The number of vacancies listed: the chosen verdict's count, else the whole selection's."""
        return self.counts[self.choice] if self.choice else filterset_count

    def verdict_of(self, vacancy) -> ProfileVerdict | None:
        verdict = self.verdicts.get(vacancy_group_key(vacancy))
        if verdict and getattr(vacancy, "state", None) == Vacancy.State.CLOSED:
            # Conditions met or not, no one may apply any more (counted and filtered as "not" too).
            return ProfileVerdict(False, str(CLOSED_REASON), verdict.results)
        return verdict

    def mark(self, vacancies):
        for vacancy in vacancies:
            vacancy.eligibility = self.verdict_of(vacancy)
        return vacancies

    def options(self):
        labels = {"may": _("May apply"), "not": _("Not for me"), "unknown": _("Cannot tell")}
        return [
            {
                "value": value,
                "label": str(labels[value]),
                "count": self.counts[value],
                "selected": value == self.choice,
            }
            for value in ELIGIBILITY_CHOICES
        ]


CLOSED_REASON = gettext_lazy("This vacancy is closed: you can no longer apply for it.")


def _closed_now() -> Q:
    return VacancyQuerySet.shown_closed_q(timezone.now())


def group_counts(filterset: VacancyFilter) -> list:
    """[(group key, closed, number of vacancies)] of the filtered list: nothing about a candidate, so cached
    per selection and language until the catalogue changes or a vacancy opens or closes, like the facets (one
    query on a miss)."""
    if not filterset.is_valid():
        return []

    def count():
        rows = (
            filterset.qs.order_by()
            .annotate(is_closed=ExpressionWrapper(_closed_now(), output_field=BooleanField()))
            .values_list(*GROUP_FIELDS, "is_closed")
            .annotate(n=Count("pk"))
        )
        return [(_group_key(values), is_closed, n) for *values, is_closed, n in rows]

    return caching.cached("eligibility-counts", _selection(filterset), count)


def eligible_catalogue(filterset: VacancyFilter, profile, choice="") -> EligibleCatalogue:
    """The filtered list with a verdict for `profile` per vacancy; a constant number of queries whatever the
    catalogue or page: the groups, the counts per group and the other facets come from the cache (computed on
    a miss), the verdicts are computed per group, and the page is one query."""
    groups = catalogue_groups()
    computed = {}  # verdict_key: ProfileVerdict
    verdicts = {}
    for group in groups:
        if group.verdict_key not in computed:
            computed[group.verdict_key] = _profile_verdict(group, profile)
        verdicts[group.key] = computed[group.verdict_key]
    counts = dict.fromkeys(ELIGIBILITY_CHOICES, 0)
    for key, is_closed, n in group_counts(filterset):
        found = verdicts.get(key)
        counts["not" if is_closed else found.choice if found else "unknown"] += n
    queryset = filterset.qs
    if choice in ELIGIBILITY_CHOICES:
        chosen = [group for group in groups if verdicts[group.key].choice == choice]
        others = [group for group in groups if verdicts[group.key].choice != choice]
        # A closed vacancy is not one the candidate may apply for, whatever its conditions.
        closed = _closed_now()
        queryset = queryset.filter(
            (_groups_q(chosen, others) | closed) if choice == "not" else (_groups_q(chosen, others) & ~closed)
        )
    else:
        choice = ""
    # The other facets count the selection whatever the verdict: the cached counts, which hold nothing about
    # the candidate (counting them under the verdict too would cost four queries per request, never cached).
    return EligibleCatalogue(verdicts, counts, choice, queryset, vacancy_facets(filterset))


def _groups_q(chosen, others):
    """The vacancies of the `chosen` groups: "in these groups", or "in none of the others" when shorter."""
    if len(others) < len(chosen):
        return ~Q(eligibility_group__in=sorted(g.digest for g in others)) if others else Q()
    return Q(eligibility_group__in=sorted(g.digest for g in chosen))


def vacancy_verdict(*, vacancy, profile) -> ProfileVerdict | None:
    """The verdict on one public vacancy for `profile`, as the list gives it (None: not in the catalogue)."""
    key = vacancy_group_key(vacancy)
    group = next((g for g in catalogue_groups() if g.key == key), None)
    return _profile_verdict(group, profile) if group else None


# --- what needs staff's attention: the dashboard, and the admin filters its links open -------------------

SOON_DAYS = 7


def open_vacancies(queryset=None, now=None):
    """Published vacancies that take applications now (their call, if any, published and not cancelled)."""
    queryset = Vacancy.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    return queryset.filter(VacancyQuerySet.open_q(now), status=PublicationStatus.PUBLISHED)


def without_apply_link(queryset):
    """No apply link: candidates depend on the instructions (which must name an address to publish)."""
    return queryset.filter(apply_url="")


def calls_opening_soon(queryset=None, now=None, days=SOON_DAYS):
    """Calls, drafts included, that open within `days`: a draft among them still needs a Publisher."""
    queryset = Call.objects.all() if queryset is None else queryset
    now = now or timezone.now()
    return queryset.exclude(status=PublicationStatus.CANCELLED).filter(
        opens_at__gt=now, opens_at__lte=now + dt.timedelta(days=days)
    )
