"""The vacancy list and detail pages as a candidate uses them."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.factories import CallFactory, OrganisationFactory, ProgrammeFactory, VacancyFactory
from vacancies import caching
from vacancies.models import PublicationStatus

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


def titles(response):
    return [v.title for v in response.context["page"].object_list]


def test_the_default_list_shows_open_vacancies_and_leaves_closed_ones_out(client):
    VacancyFactory(title="Open post")
    VacancyFactory(title="Closed post", closed=True)
    VacancyFactory(title="Draft post", status=PublicationStatus.DRAFT)

    response = client.get(LIST)

    assert response.status_code == 200
    assert titles(response) == ["Open post"]
    assert "Closed post" not in response.text


def test_status_closed_and_all_show_the_archive(client):
    VacancyFactory(title="Open post")
    VacancyFactory(title="Closed post", closed=True)

    assert titles(client.get(LIST, {"status": "closed"})) == ["Closed post"]
    assert sorted(titles(client.get(LIST, {"status": "all"}))) == ["Closed post", "Open post"]


def test_a_vacancy_without_dates_takes_its_calls_dates(client):
    past_call = CallFactory(closes_at=timezone.now() - dt.timedelta(hours=1))
    VacancyFactory(title="Inherits closing", call=past_call, opens_at=None, closes_at=None)
    VacancyFactory(title="Own dates", call=past_call)

    assert titles(client.get(LIST)) == ["Own dates"]
    assert titles(client.get(LIST, {"status": "closed"})) == ["Inherits closing"]


def test_vacancies_of_a_draft_call_are_not_public(client):
    draft = CallFactory(status=PublicationStatus.DRAFT)
    VacancyFactory(title="Hidden", call=draft)

    assert titles(client.get(LIST, {"status": "all"})) == []
    assert client.get(f"/en/vacancies/{draft.vacancies.get().slug}/").status_code == 404


def test_filters_combine_or_within_a_facet_and_across_facets(client):
    jpo, nato = ProgrammeFactory(slug="jpo"), ProgrammeFactory(slug="nato-staff")
    other = ProgrammeFactory(slug="defence-reserve")
    VacancyFactory(title="JPO Benin", programme=jpo, country="BJ")
    VacancyFactory(title="JPO Brussels", programme=jpo, country="BE")
    VacancyFactory(title="NATO Brussels", programme=nato, country="BE")
    VacancyFactory(title="Defence Brussels", programme=other, country="BE")

    either = client.get(LIST, {"programme": ["jpo", "nato-staff"], "sort": "title"})
    both = client.get(LIST, {"programme": ["jpo", "nato-staff"], "country": "BE", "sort": "title"})

    assert titles(either) == ["JPO Benin", "JPO Brussels", "NATO Brussels"]
    assert titles(both) == ["JPO Brussels", "NATO Brussels"]


def test_facet_counts_apply_every_other_filter(client):
    jpo, nato = ProgrammeFactory(slug="jpo"), ProgrammeFactory(slug="nato-staff")
    VacancyFactory(programme=jpo, country="BJ")
    VacancyFactory(programme=jpo, country="BE")
    VacancyFactory(programme=nato, country="BE")
    VacancyFactory(programme=nato, country="BE", closed=True)

    facets = client.get(LIST, {"programme": "jpo"}).context["facets"]

    programme_counts = {f["value"]: f["count"] for f in facets["programme"]}
    country_counts = {f["value"]: f["count"] for f in facets["country"]}
    status_counts = {f["value"]: f["count"] for f in facets["status"]}
    # The programme facet ignores its own selection, so a candidate sees what adding NATO would give.
    assert programme_counts == {"jpo": 2, "nato-staff": 1}
    assert country_counts == {"BJ": 1, "BE": 1}
    assert status_counts == {"open": 2, "upcoming": 0, "closed": 0, "all": 2}
    assert [f["value"] for f in facets["programme"] if f["selected"]] == ["jpo"]


def test_a_search_with_no_facet_chosen_counts_each_facet_most_frequent_first(client):
    jpo, nato = ProgrammeFactory(slug="jpo"), ProgrammeFactory(slug="nato-staff")
    undp = OrganisationFactory(slug="undp", name="UNDP", acronym="")
    abc = OrganisationFactory(slug="abc", name="ABC", acronym="")
    VacancyFactory(programme=jpo, organisation=undp, country="BJ")
    VacancyFactory(programme=jpo, organisation=undp, country="BE")
    VacancyFactory(programme=nato, organisation=abc, country="BE")
    VacancyFactory(programme=nato, organisation=abc, country="BE", closed=True)

    for query in ({"q": "officer"}, {}):  # the counts of a search are grouped in one query
        facets = client.get(LIST, query).context["facets"]

        assert {f["value"]: f["count"] for f in facets["programme"]} == {"jpo": 2, "nato-staff": 1}
        assert [(f["value"], f["count"]) for f in facets["organisation"]] == [("undp", 2), ("abc", 1)]
        assert [(f["value"], f["count"]) for f in facets["country"]] == [("BE", 2), ("BJ", 1)]
        assert {f["value"]: f["count"] for f in facets["status"]} == {
            "open": 3,
            "upcoming": 0,
            "closed": 1,
            "all": 4,
        }


def test_the_filter_form_keeps_the_chosen_values(client):
    ProgrammeFactory(slug="jpo")
    VacancyFactory(country="BE")

    html = client.get(LIST, {"programme": "jpo", "country": "BE", "q": "officer"}).text

    assert re.search(r'name="programme" value="jpo"[^>]*checked', html)
    assert re.search(r'name="country" value="BE"[^>]*checked', html)
    assert 'name="q" value="officer"' in html


def test_pagination_links_keep_the_filters(client, settings):
    settings.VACANCIES_PAGE_SIZE = 2
    ProgrammeFactory(slug="jpo")
    VacancyFactory.create_batch(5, programme__slug="jpo", country="BE")

    response = client.get(LIST, {"programme": "jpo", "country": "BE"})

    assert response.context["page"].paginator.num_pages == 3
    assert 'href="?programme=jpo&amp;country=BE&amp;page=2"' in response.text
    second = client.get(LIST, {"programme": "jpo", "country": "BE", "page": 2})
    assert len(titles(second)) == 2


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"page": "abc"}, 400, "is not a page number"),
        ({"page": "0"}, 404, "There is no page 0"),
        ({"page": "99"}, 404, "There is no page 99"),
        ({"programme": "no-such-scheme"}, 400, "no-such-scheme"),
        ({"organisation": "nobody"}, 400, "nobody"),
        ({"country": "ZZ"}, 400, "ZZ"),
        ({"status": "maybe"}, 400, "maybe"),
        ({"sort": "salary"}, 400, "salary"),
        ({"q": "x" * 201}, 400, "at most 200 characters"),
    ],
)
def test_bad_values_give_a_clear_message_and_a_4xx(client, params, status, message):
    VacancyFactory(title="Still listed")

    response = client.get(LIST, params)

    assert response.status_code == status
    assert 'role="alert"' in response.text
    assert message in response.text
    assert "Still listed" in response.text  # the rest of the page still works


def test_a_bad_value_leaves_the_other_filters_applied(client):
    VacancyFactory(title="Belgium", country="BE")
    VacancyFactory(title="Benin", country="BJ")

    response = client.get(LIST, {"country": "BE", "programme": "unknown"})

    assert response.status_code == 400
    assert titles(response) == ["Belgium"]


def test_closing_dates_count_days_in_brussels_time(client, settings):
    brussels = ZoneInfo("Europe/Brussels")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    # 00:30 in Brussels is still the day before in UTC: it must read "tomorrow", not "today".
    closes = dt.datetime.combine(tomorrow, dt.time(0, 30), tzinfo=brussels)
    VacancyFactory(title="Early close", closes_at=closes)
    VacancyFactory(
        title="Later close",
        closes_at=dt.datetime.combine(
            timezone.localdate() + dt.timedelta(days=5), dt.time(12, 0), tzinfo=brussels
        ),
    )

    html = client.get(LIST).text

    assert "Closes tomorrow" in html
    assert "00:30" in html
    assert "Closes in 5 days" in html


def test_a_long_facet_lists_its_ten_most_frequent_values_and_the_chosen_ones(client):
    for n in range(10):
        VacancyFactory.create_batch(2, organisation=OrganisationFactory(slug=f"frequent-{n}"))
    VacancyFactory(organisation=OrganisationFactory(slug="rare-a", acronym="RARE-A"))
    VacancyFactory(organisation=OrganisationFactory(slug="rare-b", acronym="RARE-B"))

    shortlist = client.get(LIST)
    chosen = client.get(LIST, {"organisation": "rare-a"})

    assert "RARE-A" not in shortlist.text and "RARE-B" not in shortlist.text
    assert 'href="?facets=all"' in shortlist.text and "Show all 12 organisations" in shortlist.text
    assert 'value="rare-a" id="f-organisation-rare-a" checked' in chosen.text
    assert "RARE-B" not in chosen.text


def test_show_all_lists_every_value_and_keeps_doing_so_when_filtering(client):
    for n in range(12):
        VacancyFactory(organisation=OrganisationFactory(slug=f"org-{n}", acronym=f"ORG-{n}"))

    everything = client.get(LIST, {"facets": "all", "country": "BE"})

    assert all(f"ORG-{n}" in everything.text for n in range(12))
    assert "Show all" not in everything.text
    assert '<input type="hidden" name="facets" value="all">' in everything.text


def test_the_list_runs_a_constant_number_of_queries(client, settings, django_assert_num_queries):
    # Uncached: every vacancy created is a catalogue write, so each measured request computes afresh.
    def queries_for(page_size, vacancies):
        settings.VACANCIES_PAGE_SIZE = page_size
        VacancyFactory.create_batch(vacancies, programme__slug="jpo")
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"programme": "jpo", "country": "BE"}).status_code == 200
        return len(captured)

    small = queries_for(page_size=2, vacancies=3)
    large = queries_for(page_size=25, vacancies=40)
    assert small == large
    caching.bump()
    with django_assert_num_queries(small):
        client.get(LIST, {"programme": "jpo", "country": "BE"})
    with django_assert_num_queries(0):  # the same page again, from the cache
        client.get(LIST, {"programme": "jpo", "country": "BE"})


def test_root_redirects_by_accept_language(client):
    assert client.get("/").headers["Location"] == "/nl/"
    assert client.get("/", headers={"accept-language": "fr-BE,fr;q=0.9"}).headers["Location"] == "/fr/"


def test_home_and_programme_pages_render(client):
    programme = ProgrammeFactory(slug="jpo", name="Junior Professional Officer")
    VacancyFactory(programme=programme, title="JPO Child Protection")

    home = client.get("/nl/")
    programmes = client.get("/nl/programmes/")
    detail = client.get("/nl/programmes/jpo/")

    assert "JPO Child Protection" in home.text
    assert "Junior Professional Officer" in programmes.text
    assert detail.status_code == 200 and "JPO Child Protection" in detail.text
    assert client.get("/nl/programmes/nope/").status_code == 404


def test_the_detail_page_carries_job_posting_json_ld(client):
    organisation = OrganisationFactory(
        name="United Nations Population Fund", acronym="UNFPA", website="https://www.unfpa.org"
    )
    vacancy = VacancyFactory(
        title="JPO Population Data",
        organisation=organisation,
        city="Cotonou",
        country="BJ",
        reference="JPO-2026-01",
    )

    response = client.get(f"/en/vacancies/{vacancy.slug}/")

    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    data = json.loads(match.group(1))
    assert data["@type"] == "JobPosting"
    assert data["title"] == "JPO Population Data"
    assert data["hiringOrganization"]["name"] == "United Nations Population Fund"
    assert data["jobLocation"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Cotonou",
        "addressCountry": "BJ",
    }
    assert dt.datetime.fromisoformat(data["validThrough"]) == vacancy.closes_at.replace(microsecond=0)
    assert data["datePosted"] == timezone.localtime(vacancy.published_at).date().isoformat()
    assert data["employmentType"] == ["TEMPORARY"]  # a fixed term; no source says full-time
    assert "Work with partners" in data["description"]
    assert 'href="https://careers.example.org/apply"' in response.text


def test_a_made_up_example_vacancy_has_no_job_posting_and_stays_out_of_the_sitemap(client):
    example = VacancyFactory(title="Example post", is_example=True)
    real = VacancyFactory(title="Real post")

    page = client.get(f"/en/vacancies/{example.slug}/").text
    sitemap = client.get("/sitemap-vacancies.xml").content.decode()

    assert "application/ld+json" not in page
    assert '<meta name="robots" content="noindex">' in page
    assert "application/ld+json" in client.get(f"/en/vacancies/{real.slug}/").text
    assert f"/vacancies/{real.slug}/" in sitemap and f"/vacancies/{example.slug}/" not in sitemap


def test_json_ld_cannot_break_out_of_its_script_element(client):
    vacancy = VacancyFactory(title="</script><script>alert(1)</script>")

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    assert "<script>alert(1)" not in html


def test_a_closed_vacancy_stays_reachable_and_says_it_is_closed(client):
    vacancy = VacancyFactory(closed=True)

    response = client.get(f"/en/vacancies/{vacancy.slug}/")

    assert response.status_code == 200
    assert "This vacancy is closed." in response.text
    assert "careers.example.org/apply" not in response.text  # no link to an application that cannot be made


def test_the_detail_page_suggests_similar_open_vacancies(client):
    programme = ProgrammeFactory(slug="jpo")
    vacancy = VacancyFactory(programme=programme)
    VacancyFactory(programme=programme, title="Similar open")
    VacancyFactory(programme=programme, title="Similar closed", closed=True)
    VacancyFactory(title="Other programme")

    similar = [v.title for v in client.get(f"/en/vacancies/{vacancy.slug}/").context["similar"]]

    assert similar == ["Similar open"]


def test_markdown_descriptions_are_sanitised(client):
    vacancy = VacancyFactory(
        description='Hello <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    )

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
