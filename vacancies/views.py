"""Candidate pages: home, vacancy list and detail, programme pages."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseGone
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programmes.eligibility import Candidate, rules_for, verdict_name
from programmes.forms import EligibilityForm
from programmes.models import Programme

from . import selectors
from .caching import cached_page
from .calendar import closing_calendar
from .jsonld import job_posting
from .models import Vacancy
from .pagination import paginate


def home(request):
    return render(
        request,
        "vacancies/home.html",
        {"programmes": selectors.programme_list(), "closing_soon": selectors.closing_soon()},
    )


@cached_page
def vacancy_list(request):
    filterset = selectors.vacancy_list(filters=request.GET)
    errors = [
        _("%(field)s: %(message)s") % {"field": filterset.form.fields[name].label, "message": message}
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    facets = selectors.vacancy_facets(filterset)
    # The status facet has counted the list already: the paginator need not count it again.
    count = next(o["count"] for o in facets["status"] if o["selected"]) if filterset.is_valid() else None
    result = paginate(filterset.qs, request.GET.get("page"), settings.VACANCIES_PAGE_SIZE, count=count)
    if result.error:
        errors.append(result.error)
    status = 400 if filterset.errors else result.status
    query = request.GET.copy()
    query.pop("page", None)
    show_all = request.GET.get("facets") == "all"
    terms = (filterset.form.cleaned_data.get("q") or "").strip() if filterset.is_valid() else ""
    suggestion = None
    if terms and not result.page.object_list and (suggested := selectors.search_suggestion(terms=terms)):
        suggestion = {"terms": suggested, "url": _list_url(query, q=suggested)}
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "filterset": filterset,
            "facets": facets if show_all else _shortlisted(facets),
            "facet_more": {} if show_all else _more_links(query, facets),
            "show_all_facets": show_all,
            "page": result.page,
            "errors": errors,
            "query": query.urlencode(),
            "chosen_status": filterset.form.cleaned_data.get("status") or "open",
            "filter_removals": _filter_removals(query, filterset, facets),
            "all_statuses_url": _list_url(query, status="all"),
            "suggestion": suggestion,
        },
        status=status,
    )


# A facet lists its most frequent values, and every chosen one; "Show all" lists the rest (?facets=all).
# Every value of 325 organisations and 249 countries made the page 150 KB and doubled its rendering time.
FACET_SHORTLIST = 10


def _shortlist(options):
    if len(options) <= FACET_SHORTLIST:
        return options
    frequent = sorted(options, key=lambda o: -o["count"])[:FACET_SHORTLIST]
    kept = {id(o) for o in frequent}
    return [o for o in options if id(o) in kept or o["selected"]]


def _shortlisted(facets):
    return {name: _shortlist(options) for name, options in facets.items()}


def _more_links(query, facets):
    """{facet: {"url", "label"}} for each facet the shortlist cuts, to the same list with every value."""
    labels = {
        "programme": lambda n: ngettext("Show all %(count)d programme", "Show all %(count)d programmes", n),
        "organisation": lambda n: ngettext(
            "Show all %(count)d organisation", "Show all %(count)d organisations", n
        ),
        "country": lambda n: ngettext("Show all %(count)d country", "Show all %(count)d countries", n),
    }
    url = _list_url(query, facets="all")
    return {
        name: {"url": url, "label": label(len(facets[name])) % {"count": len(facets[name])}}
        for name, label in labels.items()
        if len(facets[name]) > FACET_SHORTLIST
    }


def _list_url(query, **changes):
    """The list with `query` (a QueryDict), some values replaced: relative, or the bare list if empty."""
    query = query.copy()
    for name, value in changes.items():
        query[name] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else reverse("vacancies:list")


def _filter_removals(query, filterset, facets):
    """One link per filter value that narrows the list: the same list without that one value.

    Returns [{"label": "Country: Belgium", "url": "?programme=jpo"}, ...] in the order of the form.
    """
    chosen = filterset.form.cleaned_data
    removals = []

    def without(name, value=None):
        remaining = query.copy()
        if value is None:
            remaining.pop(name, None)
        else:
            remaining.setlist(name, [v for v in remaining.getlist(name) if v != value])
        return _list_url(remaining)

    def label(name, text):
        return _("%(filter)s: %(value)s") % {"filter": filterset.form.fields[name].label, "value": text}

    if terms := (chosen.get("q") or "").strip():
        removals.append({"label": label("q", terms), "url": without("q")})
    for name in ("programme", "organisation", "country"):
        for option in facets[name]:
            if option["selected"]:
                removals.append(
                    {"label": label(name, option["label"]), "url": without(name, option["value"])}
                )
    # "all" widens the list rather than narrowing it: nothing to remove.
    if (status := chosen.get("status")) in ("upcoming", "closed"):
        chosen_label = next(option["label"] for option in facets["status"] if option["value"] == status)
        removals.append({"label": label("status", chosen_label), "url": without("status")})
    return removals


@cached_page
def vacancy_detail(request, slug):
    vacancy = selectors.vacancy_detail(slug=slug)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "vacancy_url": request.build_absolute_uri(vacancy.get_absolute_url()),
            "similar": selectors.similar_vacancies(vacancy=vacancy),
            # A made-up example is no job: it gets no JobPosting for search engines to list.
            "json_ld": None if vacancy.is_example else job_posting(vacancy, request),
        },
    )


def vacancy_calendar(request, slug):
    """The closing date as an .ics entry; only for a public vacancy that has one (410: cancelled)."""
    vacancy = selectors.vacancy_detail(slug=slug)
    if vacancy.cancellation_at is not None:
        message = _("This vacancy was cancelled: it has no deadline any more.")
        return HttpResponseGone(message, content_type="text/plain; charset=utf-8")
    if vacancy.closing_at is None:
        raise Http404("This vacancy has no closing date")
    url = request.build_absolute_uri(vacancy.get_absolute_url())
    response = HttpResponse(closing_calendar(vacancy, url=url), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{vacancy.slug}.ics"'
    return response


def programme_list(request):
    return render(request, "programmes/programme_list.html", {"programmes": selectors.programme_list()})


def programme_detail(request, slug):
    programme = selectors.programme_detail(slug=slug)
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "vacancies": selectors.programme_open_vacancies(programme=programme),
            "upcoming": selectors.programme_upcoming_vacancies(programme=programme),
        },
    )


@never_cache  # the answers are personal: no shared or browser cache keeps them
@require_http_methods(["GET", "POST"])
def eligibility_check(request, slug):
    """The checker: POST only, so the date of birth never appears in a URL. Nothing is stored or logged.

    A programme (or vacancy) with no condition that can be checked online asks nothing: the page says so and
    lists what the source does say."""
    try:
        programme, vacancy, call_year = selectors.eligibility_subject(
            programme_slug=slug, vacancy_slug=request.GET.get("vacancy")
        )
    except (Programme.DoesNotExist, Vacancy.DoesNotExist):
        raise Http404("No such programme, or no such vacancy in it") from None
    rules = rules_for(vacancy or programme)
    form = EligibilityForm(
        request.POST or None, rules=rules, call_year=call_year, initial={"call_year": call_year}
    )
    answer = None
    status = 200
    if not form.asks_anything:
        answer = selectors.eligibility_answer(
            programme=programme, vacancy=vacancy, rules=rules, candidate=Candidate(), call_year=call_year
        )
    elif request.method == "POST":
        if form.is_valid():
            call_year = form.cleaned_data["call_year"] or call_year
            answer = selectors.eligibility_answer(
                programme=programme,
                vacancy=vacancy,
                rules=rules,
                candidate=form.candidate(),
                call_year=call_year,
            )
        else:
            status = 400
    return render(
        request,
        "programmes/eligibility.html",
        {
            "programme": programme,
            "vacancy": vacancy,
            "call_year": call_year,
            "form": form,
            "rules": rules,
            "answer": answer,
            "verdict": verdict_name(answer.verdict) if answer else "",
        },
        status=status,
    )
