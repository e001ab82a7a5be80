"""JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/) of the catalogue: the Atom feed's selection (the
list page's filters), for readers and tools that prefer JSON."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from .feeds import FEED_SIZE, VacancyFeed, item_lines, with_query

VERSION = "https://jsonfeed.org/version/1.1"
CONTENT_TYPE = "application/feed+json"


def _item(request, atom, vacancy):
    url = request.build_absolute_uri(vacancy.get_absolute_url())
    item = {
        "id": url,  # as the Atom entry's id
        "url": url,
        "title": atom.item_title(vacancy),
        "content_text": "\n\n".join(item_lines(vacancy)),
        "summary": vacancy.summary,
        "date_modified": vacancy.updated_at.isoformat(),
        "tags": [vacancy.programme.name],
        # An extension (JSON Feed 1.1: keys starting with "_"): what a job tool sorts and filters on.
        "_jobboard": {
            "state": vacancy.state,
            "closes_at": vacancy.window_closes.isoformat() if vacancy.window_closes else None,
            "organisation": vacancy.organisation.short_name,
            "country": vacancy.country.code,
        },
    }
    if vacancy.published_at:
        item["date_published"] = vacancy.published_at.isoformat()
    return item


@require_safe
def vacancy_json_feed(request):
    atom = VacancyFeed()  # the same selection, title and description as the Atom feed
    filterset = atom.get_object(request)
    selection = filterset.selection
    feed = {
        "version": VERSION,
        "title": atom.title(filterset),
        "description": atom.subtitle(filterset),
        "home_page_url": request.build_absolute_uri(with_query(reverse("vacancies:list"), selection)),
        "feed_url": request.build_absolute_uri(with_query(reverse("vacancies:jsonfeed"), selection)),
        "language": get_language(),
        "authors": [{"name": settings.SITE_OPERATOR_NAME, "url": request.build_absolute_uri("/")}],
        "items": [_item(request, atom, vacancy) for vacancy in filterset.qs[:FEED_SIZE]],
    }
    return JsonResponse(
        feed, content_type=f"{CONTENT_TYPE}; charset=utf-8", json_dumps_params={"ensure_ascii": False}
    )
