"""`/sitemap.xml`: every public page, in each language, with `hreflang` alternates between them."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max, Q
from django.urls import reverse

from programmes.models import Programme

from .models import PublicationStatus, Vacancy


class CandidateSitemap(Sitemap):
    i18n = True  # one <url> per page and language (settings.LANGUAGES)
    alternates = True  # each lists the page in the other languages
    x_default = True  # and `/nl/...` (LANGUAGE_CODE) for any other language


class PageSitemap(CandidateSitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "vacancies:list", "programmes:list"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        """The catalogue's last change: every one of these pages lists vacancies or programmes."""
        return Vacancy.objects.public().aggregate(at=Max("updated_at"))["at"]


class ProgrammeSitemap(CandidateSitemap):
    changefreq = "weekly"

    def items(self):
        # A programme page shows its texts and its vacancies: it changes with the last of them.
        return Programme.objects.annotate(
            vacancies_changed=Max(
                "vacancies__updated_at", filter=Q(vacancies__status=PublicationStatus.PUBLISHED)
            )
        ).order_by("order", "slug")

    def lastmod(self, programme):
        return programme.vacancies_changed


class VacancySitemap(CandidateSitemap):
    """Every public vacancy, closed ones included: they stay online and say that they are closed. Cancelled
    ones are left out: their pages stay for links already out there, but there is nothing to find. So are
    the made-up examples of the demo data: no search engine should index a job that does not exist."""

    def items(self):
        return (
            Vacancy.objects.public()
            .exclude(call__status=PublicationStatus.CANCELLED)
            .exclude(is_example=True)
            .order_by("pk")
            .only("slug", "updated_at")
        )

    def lastmod(self, vacancy):
        return vacancy.updated_at


sitemaps = {"pages": PageSitemap, "programmes": ProgrammeSitemap, "vacancies": VacancySitemap}
