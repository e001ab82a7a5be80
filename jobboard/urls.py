from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from jobboard.metrics import metrics_view
from vacancies import views as vacancy_views
from vacancies.sitemaps import sitemaps
from vacancies.urls import api_patterns, programme_patterns

from .views import favicon, healthz, privacy, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Prometheus metrics: a bearer token (METRICS_TOKEN) or a staff session, never public.
    path("metrics", metrics_view, name="metrics"),
    path("robots.txt", robots_txt, name="robots"),
    # Browsers and tools ask for /favicon.ico whatever the page's <link rel="icon"> says.
    path("favicon.ico", favicon),
    # An index of one sitemap per section, so no file outgrows the protocol's 50,000 addresses.
    path("sitemap.xml", sitemap_views.index, {"sitemaps": sitemaps}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/v1/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", vacancy_views.home, name="home"),
    path("vacancies/", include("vacancies.urls")),
    # Programme pages list open calls, so their views live in vacancies (programmes <- vacancies).
    path("programmes/", include(programme_patterns)),
    path("alerts/", include("applications.urls")),
    path("privacy/", privacy, name="privacy"),
    path("eligibility/", vacancy_views.eligibility_profile_page, name="eligibility-profile"),
    path("eligibility/forget/", vacancy_views.forget_eligibility_profile, name="eligibility-forget"),
)

handler500 = "jobboard.views.server_error"
