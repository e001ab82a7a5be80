from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from vacancies import views as vacancy_views
from vacancies.urls import api_patterns, programme_patterns

from .views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", include(api_patterns)),
    path("admin/", admin.site.urls),
]

urlpatterns += i18n_patterns(
    path("", vacancy_views.home, name="home"),
    path("vacancies/", include("vacancies.urls")),
    # Programme pages list open calls, so their views live in vacancies (programmes <- vacancies).
    path("programmes/", include(programme_patterns)),
    path("alerts/", include("applications.urls")),
)
