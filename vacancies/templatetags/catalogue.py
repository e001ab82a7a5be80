"""Template helpers for the candidate pages."""

from functools import lru_cache

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils import timezone
from django.utils.encoding import iri_to_uri
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, ngettext, override
from django.utils.translation import gettext as _

from programmes.translation import shown_in

register = template.Library()


@lru_cache(maxsize=4096)
def _day_in(day, language):
    """“31 December 2025” in `language` (the active one: date_format reads it; a list shows the same few
    dozen days on every card, each formatted once)."""
    return date_format(day, "DATE_FORMAT")


def _day(day):
    return _day_in(day, get_language())


@lru_cache(maxsize=4096)
def _instant_in(at, language, zone):
    """“31 December 2025, 12:00” in `language` and the time zone `zone` (both active: a key, not a choice)."""
    return date_format(timezone.localtime(at), "DATETIME_FORMAT")


def _moment(at, day, has_time):
    """A date as staff gave it: with its time (Brussels) only when one was stated."""
    if has_time:
        return _instant_in(at, get_language(), timezone.get_current_timezone_name())
    return _day(day)


@register.simple_tag
def deadline(vacancy):
    """“31 December 2025”, or “31 December 2025, 12:00” when a closing time was stated; "" without one."""
    if vacancy.window_closes is None:
        return ""
    return _moment(vacancy.window_closes, vacancy.closes_on, vacancy.window_closes_has_time)


@register.simple_tag
def opening_phrase(vacancy):
    """“Opens on 14 March 2026” (with the time only when one was stated)."""
    if vacancy.window_opens is None:
        return ""
    when = _moment(vacancy.window_opens, vacancy.opens_on, vacancy.window_opens_has_time)
    return _("Opens on %(when)s") % {"when": when}


@register.simple_tag
def closing_phrase(vacancy):
    """“Closes in 5 days (12 December 2026)” in Europe/Brussels time, or “Closed on …”, “Cancelled on …”.

    A deadline given as a date is open all that day: it “closes today” until midnight.
    """
    if vacancy.cancellation_at is not None:
        cancelled = _day(timezone.localdate(vacancy.cancellation_at))
        return _("Cancelled on %(date)s") % {"date": cancelled}
    if vacancy.state == "closed":
        if vacancy.window_closes is None:
            return _("Closed")
        return _("Closed on %(date)s") % {"date": _day(vacancy.closes_on)}
    if vacancy.window_closes is None:
        return _("Closing date not stated")
    when = deadline(vacancy)
    days = (vacancy.closes_on - timezone.localdate()).days
    if days <= 0:
        return _("Closes today (%(when)s)") % {"when": when}
    if days == 1:
        return _("Closes tomorrow (%(when)s)") % {"when": when}
    return ngettext("Closes in %(days)d day (%(when)s)", "Closes in %(days)d days (%(when)s)", days) % {
        "days": days,
        "when": when,
    }


# Open Graph names a locale as language_TERRITORY: the site's languages as spoken in Belgium (English: UK).
OPEN_GRAPH_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


@register.simple_tag(takes_context=True)
def language_url(context, language, absolute=False):
    """The current page, query string included, in another language (`absolute`: with scheme and host).

    A path that resolves to no page (a 404) keeps its path under the other language's prefix, so the
    candidate reads the "not found" page in the language they chose.
    """
    request = context["request"]
    path = request.get_full_path()
    match = request.resolver_match
    if match is not None and match.url_name:
        # The view Django resolved for this request, reversed in the other language: translate_url() would
        # resolve the path once more for each language.
        with override(language):
            translated = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        if query := request.META.get("QUERY_STRING", ""):
            translated = f"{translated}?{iri_to_uri(query)}"
    else:
        translated = translate_url(path, language)
    if translated == path and match is None:
        current = f"/{get_language()}/"
        unprefixed = "/" + path.removeprefix(current) if path.startswith(current) else path
        translated = f"/{language}{unprefixed}"
    return request.build_absolute_uri(translated) if absolute else translated


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page without its query: a filtered or sorted list is a view of the one list (not a page of its own
    for search engines to index), and a detail page's parameters change nothing."""
    return settings.SITE_URL + context["request"].path


@register.simple_tag
def og_locale(language):
    return OPEN_GRAPH_LOCALES.get(language, language)


@register.simple_tag
def page_url(query, number):
    return f"?{query}&page={number}" if query else f"?page={number}"


@register.simple_tag
def lang_attr(obj, name):
    """` lang="nl"` on an element whose text is shown in another language than the page's, else nothing."""
    code = shown_in(obj, name)
    return format_html(' lang="{}"', code) if code else ""


@register.simple_tag
def lang_of(code):
    """` lang="nl"` for text written in `code` (an organisation's name, a programme's sponsor) when the page
    is in another language, else nothing."""
    return format_html(' lang="{}"', code) if code and code != _page_language() else ""


@register.simple_tag
def lang_text(obj, name):
    """`obj.name`, escaped, in a `<span lang>` when it is shown in another language than the page's: for a
    text inside a translated sentence, where no element of its own can carry the attribute."""
    value = getattr(obj, name)
    code = shown_in(obj, name)
    return format_html('<span lang="{}">{}</span>', code, value) if code else format_html("{}", value)


def _page_language():
    return (get_language() or "").split("-")[0]


@register.inclusion_tag("partials/translation_note.html")
def translation_note(obj, *names, source=""):
    """Says which language a text is shown in when it has no version in the page's language, and, for a text
    whose source is in another language (`source`), that the page's version is a translation."""
    codes = sorted({shown_in(obj, name) for name in names} - {""})
    page = _page_language()
    translated = bool(source and source != page and any(getattr(obj, f"{n}_{page}", "") for n in names))
    return {
        "languages": [get_language_info(code)["name_translated"] for code in codes],
        "source_language": get_language_info(source)["name_translated"] if translated else "",
    }
