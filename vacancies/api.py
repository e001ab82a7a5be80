"""Read-only JSON API (/api/v1/). It reads no cookies and changes nothing, so it needs no CSRF token."""

import json
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, JsonResponse, QueryDict
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from programmes.eligibility import rules_for, verdict_name
from programmes.forms import EligibilityForm, ProfileForm, body_name
from programmes.models import Programme

from . import openapi, selectors
from .caching import cached_page
from .models import Vacancy
from .pagination import paginate
from .selection import FILTERS


def _language(request):
    """The URL language for `url` fields: from Accept-Language only (no cookie), else the default."""
    header = request.headers.get("Accept-Language", "")
    for code, _quality in translation.trans_real.parse_accept_lang_header(header):
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def in_accept_language(view):
    """Texts and links in the language of Accept-Language (the API reads no cookie)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with translation.override(_language(request)):
            return view(request, *args, **kwargs)

    return wrapper


def vacancy_summary(vacancy, request):
    url = request.build_absolute_uri(reverse("vacancies:detail", kwargs={"slug": vacancy.slug}))
    return {
        "id": vacancy.pk,
        "slug": vacancy.slug,
        "title": vacancy.title,
        "programme": vacancy.programme.slug,
        "organisation": vacancy.organisation.slug,
        "country": vacancy.country.code,
        "city": vacancy.city,
        "opens_at": vacancy.window_opens,
        "closes_at": vacancy.window_closes,
        # The dates as the source gives them (Brussels): `closes_on` is the last day to apply; `closes_at`
        # is the instant applications close (the next midnight when no time was stated).
        "opens_on": vacancy.opens_on,
        "opens_at_has_time": vacancy.window_opens_has_time if vacancy.window_opens else None,
        "closes_on": vacancy.closes_on,
        "closes_at_has_time": vacancy.window_closes_has_time if vacancy.window_closes else None,
        "cancelled_at": vacancy.cancellation_at,
        "status": vacancy.state,
        "contract_type": vacancy.contract_type,
        "required_education": vacancy.required_education,
        "working_languages": vacancy.working_languages,
        "organisation_type": vacancy.organisation.kind,
        "is_example": vacancy.is_example,
        "url": url,
    }


def _error(status, errors):
    return JsonResponse({"errors": errors}, status=status)


def json_errors(view):
    """The API's errors in its one JSON shape: a missing object (404) and a wrong method (405, Allow kept)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _error(404, {"detail": [_("Not found.")]})
        if response.status_code == 405 and response.get("Content-Type", "").startswith("text/html"):
            allowed = response["Allow"]
            response = _error(405, {"detail": [_("Use %(methods)s.") % {"methods": allowed}]})
            response["Allow"] = allowed
        return response

    return wrapper


@json_errors
def not_found(request, rest=""):
    """Any other address under /api/v1/."""
    raise Http404


@json_errors
@require_GET
def openapi_document(request):
    return JsonResponse(openapi.document(), json_dumps_params={"ensure_ascii": False})


@json_errors
@require_GET
@in_accept_language
@cached_page
def vacancy_list(request):
    filterset = selectors.vacancy_list(filters=request.GET)
    if filterset.errors:
        return _error(400, {name: [str(m) for m in messages] for name, messages in filterset.errors.items()})
    result = paginate(filterset.qs, filterset.selection.page, settings.API_PAGE_SIZE)
    if result.error:
        return _error(result.status, {"page": [result.error]})
    page = result.page
    return JsonResponse(
        {
            "count": page.paginator.count,
            "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
            "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
            "results": [vacancy_summary(v, request) for v in page.object_list],
        }
    )


@json_errors
@require_GET
@in_accept_language
@cached_page
def vacancy_detail(request, slug):
    vacancy = selectors.vacancy_detail(slug=slug)
    data = vacancy_summary(vacancy, request)
    data.update(
        {
            "reference": vacancy.reference,
            "programme_name": vacancy.programme.name,
            "organisation_name": vacancy.organisation.name,
            "call": {"title": vacancy.call.title, "year": vacancy.call.year} if vacancy.call else None,
            "unit": vacancy.unit,
            "grade": vacancy.grade,
            "positions": vacancy.positions,  # null: not stated
            "reserved_for": vacancy.reserved_for,
            "summary": vacancy.summary,
            "description_html": vacancy.description_html,
            "essential_requirements_html": vacancy.essential_requirements_html,
            "desirable_requirements_html": vacancy.desirable_requirements_html,
            "apply_url": vacancy.apply_url,
            "apply_instructions_html": vacancy.apply_instructions_html,
            "published_at": vacancy.published_at,
        }
    )
    return JsonResponse(data)


def _json_object(request):
    """(the body as a dict, None) or (None, an error response)."""
    try:
        payload = json.loads(request.body)
    except RequestDataTooBig:
        return None, _error(400, {"body": [_("The body is too large.")]})
    except (ValueError, UnicodeDecodeError):
        return None, _error(400, {"body": [_("The body is not valid JSON.")]})
    except RecursionError:  # "[[[[...]]]]" nested deeper than the parser goes
        return None, _error(400, {"body": [_("The JSON is nested too deeply.")]})
    if not isinstance(payload, dict):
        return None, _error(400, {"body": [_("Send a JSON object.")]})
    return payload, None


# The bodies' fields, as the OpenAPI document's Candidate and EligibleQuery list them. Any other key is
# refused: a misspelt one (`language_en` for `languages.en`) would otherwise be silently left unread.
CANDIDATE_FIELDS = ("birth_date", "nationality", "education", "experience_years", "languages")
CHECK_FIELDS = ("programme", "vacancy", "call_year", *CANDIDATE_FIELDS)
ELIGIBLE_FIELDS = (*CANDIDATE_FIELDS, "very_good", "filters", "eligibility", "page")


def _unknown_fields(payload, known):
    message = _("Unknown field. The fields are: %(fields)s.") % {"fields": ", ".join(known)}
    return {key: [message] for key in payload if key not in known}


def _form_errors(form, errors):
    """The form's errors under the body's names, after `errors` found in the body itself: "Give a NATO level"
    says more than the "This field is required." that the value it refused then earns."""
    return {body_name(name): [str(m) for m in messages] for name, messages in form.errors.items()} | errors


@csrf_exempt  # stores nothing and reads no cookie, so there is no session to forge a request for
@json_errors
@never_cache
@require_POST
@in_accept_language
def eligibility(request):
    payload, error = _json_object(request)
    if error:
        return error
    unknown = _unknown_fields(payload, CHECK_FIELDS)  # with the other errors: `language_en` and a missing
    # `languages.en` are named in one answer
    errors = {}
    programme_slug, vacancy_slug = payload.get("programme"), payload.get("vacancy")
    if not isinstance(programme_slug, str) or not programme_slug:
        errors["programme"] = [_("Give a programme slug such as “jpo”.")]
    elif vacancy_slug is not None and not isinstance(vacancy_slug, str):
        errors["vacancy"] = [_("Give the vacancy as its slug.")]
    subject = None
    if not errors:
        try:
            subject = selectors.eligibility_subject(programme_slug=programme_slug, vacancy_slug=vacancy_slug)
        except Programme.DoesNotExist:
            errors["programme"] = [_("No programme “%(slug)s”.") % {"slug": programme_slug}]
        except Vacancy.DoesNotExist:
            errors["vacancy"] = [_("No vacancy “%(slug)s” in this programme.") % {"slug": vacancy_slug}]
    if errors:
        return _error(400, unknown | errors)
    programme, vacancy, call_year = subject
    rules = rules_for(vacancy or programme)
    form, errors = EligibilityForm.from_json(payload, rules=rules)
    if not form.is_valid():
        errors = _form_errors(form, errors)
    if errors := unknown | errors:
        return _error(400, errors)
    call_year = form.cleaned_data["call_year"] or call_year
    answer = selectors.eligibility_answer(
        programme=programme, vacancy=vacancy, rules=rules, candidate=form.candidate(), call_year=call_year
    )
    return JsonResponse(
        {
            "eligible": answer.verdict,
            "verdict": verdict_name(answer.verdict),
            "call_year": call_year,
            "questions": [body_name(name) for name in form.fields if name != "call_year"],
            "rules": [
                {"code": r.code, "passed": r.passed, "outcome": r.outcome, "message": r.message}
                for r in answer.results
            ],
            "not_applicable": [
                {"code": rule.code, "applies_to": rule.applies_to_name} for rule in answer.not_applicable
            ],
            "reserved_posts": [
                {"slug": v.slug, "title": v.title, "url": request.build_absolute_uri(v.get_absolute_url())}
                for v in answer.reserved_posts
            ],
        }
    )


LIST_FILTERS = FILTERS


def _filters(value):
    """The list's filters from a JSON object ({"programme": ["jpo"]}): (a QueryDict, errors)."""
    query, errors = QueryDict(mutable=True), {}
    if not isinstance(value, dict):
        return query, {
            "filters": [
                _("Give the filters as an object such as %(example)s.")
                % {"example": '{"programme": ["jpo"]}'}
            ]
        }
    for name, given in value.items():
        values = given if isinstance(given, list) else [given]
        if name not in LIST_FILTERS:
            errors[f"filters.{name}"] = [
                _("Unknown filter; use %(names)s.") % {"names": ", ".join(LIST_FILTERS)}
            ]
        elif not all(isinstance(v, str) for v in values):
            errors[f"filters.{name}"] = [_("Give a text, or a list of texts.")]
        else:
            query.setlist(name, values)
    return query, errors


@csrf_exempt  # reads no cookie: the candidate's answers come in the body and are neither stored nor logged
@json_errors
@never_cache
@require_POST
@in_accept_language
def eligible_vacancies(request):
    """The list with a verdict per vacancy for the candidate in the body, and the eligibility counts."""
    payload, error = _json_object(request)
    if error:
        return error
    form, errors = ProfileForm.from_json(payload, rules=selectors.profile_questions_rules())
    errors |= _unknown_fields(payload, ELIGIBLE_FIELDS)
    query, filter_errors = _filters(payload.get("filters", {}))
    errors |= filter_errors
    choice = payload.get("eligibility", "")
    if choice not in ("", *selectors.ELIGIBILITY_CHOICES):
        errors["eligibility"] = [
            _("Give one of %(choices)s, or leave it out for every vacancy.")
            % {"choices": ", ".join(selectors.ELIGIBILITY_CHOICES)}
        ]
    page_number = payload.get("page", 1)
    if isinstance(page_number, bool) or not isinstance(page_number, int):
        errors["page"] = [_("Give the page as a whole number from 1.")]
    if not form.is_valid():
        errors = _form_errors(form, errors)
    filterset = selectors.vacancy_list(filters=query)
    if not errors and filterset.errors:
        errors |= {
            f"filters.{name}": [str(m) for m in messages] for name, messages in filterset.errors.items()
        }
    if errors:
        return _error(400, errors)
    eligible = selectors.eligible_catalogue(filterset, form.profile(), choice)
    result = paginate(eligible.queryset, str(page_number), settings.API_PAGE_SIZE)
    if result.error:
        return _error(result.status, {"page": [result.error]})
    page = result.page
    results = []
    for vacancy in eligible.mark(list(page.object_list)):
        verdict = vacancy.eligibility
        summary = vacancy_summary(vacancy, request)
        summary["eligibility"] = {
            "eligible": verdict.verdict if verdict else None,
            "verdict": verdict.name if verdict else "unknown",
            "reason": verdict.reason if verdict else "",
        }
        results.append(summary)
    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "questions": [body_name(name) for name in form.fields],
            "facets": {
                "eligibility": [
                    {"value": option["value"], "label": option["label"], "count": option["count"]}
                    for option in eligible.options()
                ]
            },
            "results": results,
        }
    )
