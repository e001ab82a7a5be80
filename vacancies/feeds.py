"""Atom feed of the catalogue, with the same filters as the list page."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import selectors
from .templatetags.catalogue import closing_phrase, deadline, opening_phrase

FEED_SIZE = 50


class VacancyFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        self.request = request
        return selectors.vacancy_list(filters=request.GET)

    def title(self, filterset):
        return _("Vacancies — jobboard")

    def subtitle(self, filterset):
        return _("Public-sector and international vacancies for candidates in Belgium")

    # RFC 4287 wants an author for the feed (or for every entry): who publishes it.
    def author_name(self):
        return settings.SITE_OPERATOR_NAME

    def author_link(self):
        return self.request.build_absolute_uri("/")

    def link(self, filterset):
        return with_query(reverse("vacancies:list"), filterset.selection)

    def feed_url(self, filterset):
        # The feed's own address (rel="self") keeps the filters, so a reader subscribes to this selection.
        return with_query(reverse("vacancies:feed"), filterset.selection)

    def items(self, filterset):
        # Invalid values are dropped by the filterset; a feed reader cannot show an error page anyway.
        return filterset.qs[:FEED_SIZE]

    def item_title(self, vacancy):
        where = ", ".join(filter(None, [vacancy.organisation.short_name, vacancy.city]))
        return f"{vacancy.title} — {where}"

    def item_description(self, vacancy):
        # Plain text, escaped: pages escape it, and Atom carries it as type="html", which readers render.
        return "<br><br>".join(escape(line) for line in item_lines(vacancy))

    def item_pubdate(self, vacancy):
        return vacancy.published_at

    def item_updateddate(self, vacancy):
        return vacancy.updated_at


def with_query(path, selection):
    """`path` with the selection's filters (not how the list is shown) as its query."""
    query = selection.filters_only().query_string()
    return f"{path}?{query}" if query else path


def item_lines(vacancy) -> list[str]:
    """A feed entry as plain text lines, for the Atom and the JSON feed alike: the summary (marked when it is
    example data) and the dates (not "closes in 5 days": a feed reader keeps an entry for weeks)."""
    summary = vacancy.summary
    if vacancy.is_example:
        summary = _("Example data, not a real vacancy: %(summary)s") % {"summary": summary}
    lines = [summary]
    if vacancy.state == "upcoming":
        lines.append(f"{opening_phrase(vacancy)}.")
    if vacancy.cancellation_at is None and vacancy.window_closes is not None:
        lines.append(_("Deadline: %(when)s") % {"when": deadline(vacancy)})
    else:
        lines.append(closing_phrase(vacancy))  # cancelled on a date, or rolling
    return lines
