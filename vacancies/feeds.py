"""Atom feed of the catalogue, with the same filters as the list page."""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import selectors

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

    def link(self, filterset):
        query = self.request.GET.urlencode()
        return reverse("vacancies:list") + (f"?{query}" if query else "")

    def feed_url(self, filterset):
        # The feed's own address (rel="self") keeps the filters, so a reader subscribes to this selection.
        return self.request.get_full_path()

    def items(self, filterset):
        # Invalid values are dropped by the filterset; a feed reader cannot show an error page anyway.
        return filterset.qs[:FEED_SIZE]

    def item_title(self, vacancy):
        return f"{vacancy.title} — {vacancy.organisation.short_name}, {vacancy.city}"

    def item_description(self, vacancy):
        # A summary is plain text (pages escape it); Atom carries it as type="html", which readers render.
        return escape(vacancy.summary)

    def item_pubdate(self, vacancy):
        return vacancy.published_at

    def item_updateddate(self, vacancy):
        return vacancy.updated_at
