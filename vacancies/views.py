"""Candidate pages: home, vacancy list and detail, programme pages."""

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseGone
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programmes import profile as eligibility_profile
from programmes.eligibility import Candidate, rules_for, verdict_name
from programmes.forms import EligibilityForm, ProfileForm
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
    selection = filterset.selection
    errors = [
        _("%(field)s: %(message)s") % {"field": filterset.form.fields[name].label, "message": message}
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    # With the candidate's profile (a cookie; cached_page never caches such a request) each card carries a
    # verdict and the list can be narrowed to one ("?eligibility=may"); without one the choice is ignored.
    profile = eligibility_profile.read(request)
    eligible = None
    choice = selection.eligibility
    if profile:
        if choice and choice not in selectors.ELIGIBILITY_CHOICES:
            errors.append(
                _("%(field)s: %(message)s") % {"field": _("Eligibility"), "message": _("Unknown choice.")}
            )
        eligible = selectors.eligible_catalogue(filterset, profile, choice)
        facets, queryset = eligible.facets, eligible.queryset
    else:
        # Links from this page do not carry a choice it ignores.
        selection = selection.replace(eligibility="")
        facets, queryset = selectors.vacancy_facets(filterset), filterset.qs
    # The status facet has counted the list already: the paginator need not count it again.
    count = next(o["count"] for o in facets["status"] if o["selected"]) if filterset.is_valid() else None
    if eligible and count is not None:
        count = eligible.count(count)
    result = paginate(queryset, selection.page, settings.VACANCIES_PAGE_SIZE, count=count)
    if result.error:
        errors.append(result.error)
    if eligible and result.page:
        eligible.mark(result.page.object_list)
    status = 400 if filterset.errors or (profile and choice and not eligible.choice) else result.status
    listed = selection.replace(page="")
    suggestion = None
    if (
        selection.searching
        and not result.page.object_list
        and (suggested := selectors.search_suggestion(terms=selection.terms))
    ):
        suggestion = {"terms": suggested, "url": listed.replace(terms=suggested).url()}
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "filterset": filterset,
            "selection": selection,
            "facets": facets if selection.all_facets else _shortlisted(facets),
            "facet_more": {} if selection.all_facets else _more_links(listed, facets),
            "show_all_facets": selection.all_facets,
            "page": result.page,
            "errors": errors,
            "query": listed.query_string(),
            "feed_query": listed.filters_only().query_string(),
            "chosen_status": selection.status,
            "filter_removals": _filter_removals(listed, filterset, facets, eligible),
            "all_statuses_url": listed.replace(status="all").url(),
            "suggestion": suggestion,
            "profile": profile,
            "eligibility_options": _eligibility_options(eligible) if eligible else [],
        },
        status=status,
    )


def _eligibility_options(eligible):
    """The facet "may apply / not for me / cannot tell", and "all vacancies" (the default) first."""
    options = eligible.options()
    everything = {
        "value": "",
        "label": _("All vacancies"),
        "count": sum(o["count"] for o in options),
        "selected": not eligible.choice,
    }
    return [everything, *options]


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


def _more_links(selection, facets):
    """{facet: {"url", "label"}} for each facet the shortlist cuts, to the same list with every value."""
    labels = {
        "programme": lambda n: ngettext("Show all %(count)d programme", "Show all %(count)d programmes", n),
        "organisation": lambda n: ngettext(
            "Show all %(count)d organisation", "Show all %(count)d organisations", n
        ),
        "country": lambda n: ngettext("Show all %(count)d country", "Show all %(count)d countries", n),
    }
    url = selection.replace(all_facets=True).url()
    return {
        name: {"url": url, "label": label(len(facets[name])) % {"count": len(facets[name])}}
        for name, label in labels.items()
        if len(facets[name]) > FACET_SHORTLIST
    }


def _filter_removals(selection, filterset, facets, eligible=None):
    """One link per filter value that narrows the list: the same list without that one value.

    Returns [{"label": "Country: Belgium", "url": "?programme=jpo"}, ...] in the order of the form.
    """
    removals = []

    def label(name, text):
        return _("%(filter)s: %(value)s") % {"filter": filterset.form.fields[name].label, "value": text}

    if selection.terms:
        removals.append({"label": label("q", selection.terms), "url": selection.without("q").url()})
    for name in ("programme", "organisation", "country", *filterset.STATED_FACETS):
        chosen = selection.values(name)
        for option in facets[name]:
            if option["value"] in chosen:
                removals.append(
                    {
                        "label": label(name, option["label"]),
                        "url": selection.without(name, option["value"]).url(),
                    }
                )
    # "all" widens the list rather than narrowing it: nothing to remove.
    if selection.status in ("upcoming", "closed"):
        chosen_label = next(o["label"] for o in facets["status"] if o["value"] == selection.status)
        removals.append({"label": label("status", chosen_label), "url": selection.without("status").url()})
    if eligible and eligible.choice:
        chosen_label = next(o["label"] for o in eligible.options() if o["value"] == eligible.choice)
        text = _("%(filter)s: %(value)s") % {"filter": _("Eligibility"), "value": chosen_label}
        removals.append({"label": text, "url": selection.without("eligibility").url()})
    return removals


@cached_page
def vacancy_detail(request, slug):
    vacancy = selectors.vacancy_detail(slug=slug)
    profile = eligibility_profile.read(request)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "profile": profile,
            "eligibility": selectors.vacancy_verdict(vacancy=vacancy, profile=profile) if profile else None,
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
    if vacancy.window_closes is None:
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


@never_cache  # the page shows the candidate's own answers back: no shared or browser cache keeps it
@require_http_methods(["GET", "POST"])
def eligibility_profile_page(request):
    """ "Check my eligibility for all vacancies": the union of the catalogue's questions, each asked once.

    The answers go back to the browser as a cookie (programmes.profile) and nowhere else: not the database,
    not a log, not a URL (the form is POSTed), not the cache."""
    current = eligibility_profile.read(request)
    rules = selectors.profile_questions_rules()
    initial = current.form_initial() if current else {}
    form = ProfileForm(request.POST or None, rules=rules, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            response = redirect("vacancies:list")
            response.status_code = 303
            eligibility_profile.keep(response, form.profile())
            return response
        status = 400
    else:
        status = 200
    return render(
        request, "vacancies/eligibility_profile.html", {"form": form, "profile": current}, status=status
    )


@require_http_methods(["POST"])
def forget_eligibility_profile(request):
    """ "Forget my answers": the cookie is deleted at once; there is nothing on the server to delete."""
    response = redirect("eligibility-profile")
    response.status_code = 303
    eligibility_profile.forget(response)
    return response
