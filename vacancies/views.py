"""Candidate pages: home, vacancy list and detail, programme pages."""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from programmes.eligibility import evaluate, overall
from programmes.forms import EligibilityForm

from . import selectors
from .jsonld import job_posting
from .pagination import paginate


def home(request):
    return render(
        request,
        "vacancies/home.html",
        {"programmes": selectors.programme_list(), "closing_soon": selectors.closing_soon()},
    )


def vacancy_list(request):
    filterset = selectors.vacancy_list(filters=request.GET)
    errors = [
        _("%(field)s: %(message)s") % {"field": filterset.form.fields[name].label, "message": message}
        for name, messages in filterset.errors.items()
        for message in messages
    ]
    result = paginate(filterset.qs, request.GET.get("page"), settings.VACANCIES_PAGE_SIZE)
    if result.error:
        errors.append(result.error)
    status = 400 if filterset.errors else result.status
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "vacancies/vacancy_list.html",
        {
            "filterset": filterset,
            "facets": selectors.vacancy_facets(filterset),
            "page": result.page,
            "errors": errors,
            "query": query.urlencode(),
            "active_filters": filterset.form.cleaned_data if not filterset.errors else {},
        },
        status=status,
    )


def vacancy_detail(request, slug):
    vacancy = selectors.vacancy_detail(slug=slug)
    return render(
        request,
        "vacancies/vacancy_detail.html",
        {
            "vacancy": vacancy,
            "similar": selectors.similar_vacancies(vacancy=vacancy),
            "json_ld": job_posting(vacancy, request),
        },
    )


def programme_list(request):
    return render(request, "programmes/programme_list.html", {"programmes": selectors.programme_list()})


def programme_detail(request, slug):
    programme = selectors.programme_detail(slug=slug)
    return render(
        request,
        "programmes/programme_detail.html",
        {"programme": programme, "vacancies": selectors.programme_open_vacancies(programme=programme)},
    )


@never_cache  # the answers are personal: no shared or browser cache keeps them
@require_http_methods(["GET", "POST"])
def eligibility_check(request, slug):
    """The checker: POST only, so the date of birth never appears in a URL. Nothing is stored or logged."""
    programme, vacancy, call_year = selectors.eligibility_subject(
        programme_slug=slug, vacancy_slug=request.GET.get("vacancy")
    )
    form = EligibilityForm(request.POST or None, initial={"call_year": call_year})
    results = eligible = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            call_year = form.cleaned_data["call_year"] or call_year
            results = evaluate(vacancy or programme, form.candidate(), call_year)
            eligible = overall(results)
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
            "results": results,
            "eligible": eligible,
        },
        status=status,
    )
