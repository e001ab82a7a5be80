from django.urls import path, re_path

from . import api, feeds, jsonfeed, views

app_name = "vacancies"

urlpatterns = [
    path("", views.vacancy_list, name="list"),
    path("feed/", feeds.VacancyFeed(), name="feed"),
    path("feed.json", jsonfeed.vacancy_json_feed, name="jsonfeed"),
    path("<slug:slug>/", views.vacancy_detail, name="detail"),
    path("<slug:slug>/closing.ics", views.vacancy_calendar, name="calendar"),
]

api_patterns = (
    [
        path("vacancies/", api.vacancy_list, name="vacancy-list"),
        path("vacancies/eligible/", api.eligible_vacancies, name="vacancy-eligible"),
        path("vacancies/<slug:slug>/", api.vacancy_detail, name="vacancy-detail"),
        path("eligibility/", api.eligibility, name="eligibility"),
        path("openapi.json", api.openapi_document, name="openapi"),
        re_path(r"^(?P<rest>.*)$", api.not_found),
    ],
    "api",
)

programme_patterns = (
    [
        path("", views.programme_list, name="list"),
        path("<slug:slug>/", views.programme_detail, name="detail"),
        path("<slug:slug>/eligibility/", views.eligibility_check, name="eligibility"),
    ],
    "programmes",
)
