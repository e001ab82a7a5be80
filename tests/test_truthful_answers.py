"""Truthful answers for candidates: a way to apply, deadlines as the sources give them, vacancies that open
soon, and cancellations that say so."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from tests.factories import CallFactory, ProgrammeFactory, VacancyFactory
from vacancies import services
from vacancies.models import Call, PublicationStatus, Vacancy, end_of_day, start_of_day

pytestmark = pytest.mark.django_db
DRAFT, CANCELLED = PublicationStatus.DRAFT, PublicationStatus.CANCELLED
LIST = "/en/vacancies/"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def today():
    return timezone.localdate()


def in_days(days):
    return today() + dt.timedelta(days=days)


def date_only(**kwargs):
    """A vacancy whose source gives dates only: opened a week ago, closing at the end of `closes_on`."""
    closes_on = kwargs.pop("closes_on", in_days(10))
    return VacancyFactory(
        opens_at=start_of_day(in_days(-7)),
        opens_at_has_time=False,
        closes_at=end_of_day(closes_on),
        closes_at_has_time=False,
        **kwargs,
    )


def page_of(vacancy):
    return f"/en/vacancies/{vacancy.slug}/"


def english_date(day):
    return date_format(day, "DATE_FORMAT")


def json_ld(html):
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))


@pytest.fixture(autouse=True)
def english():
    """Services answer in the active language: English here, as the pages under /en/."""
    with translation.override("en"):
        yield


@pytest.fixture
def publisher(client, staff_groups):
    user = User.objects.create_user("publisher", password="a-long-enough-password-42", is_staff=True)
    user.groups.add(Group.objects.get(name="Publishers"))
    client.force_login(user)
    return client


# --- 4. apply, or when you can --------------------------------------------------------------------


def test_publishing_an_open_vacancy_without_a_way_to_apply_is_refused():
    vacancy = VacancyFactory(
        status=DRAFT, apply_url="", apply_instructions_nl="Solliciteer bij de organisatie."
    )

    with pytest.raises(ValidationError, match="name where to apply"):
        services.vacancy_publish(vacancy=vacancy)

    assert Vacancy.objects.get(pk=vacancy.pk).status == DRAFT


def test_an_e_mail_address_in_the_instructions_of_any_language_is_a_way_to_apply():
    vacancy = VacancyFactory(
        status=DRAFT, apply_url="", apply_instructions_fr="Envoyez votre CV à recrutement@diplobel.fed.be."
    )

    services.vacancy_publish(vacancy=vacancy)

    assert Vacancy.objects.get(pk=vacancy.pk).status == PublicationStatus.PUBLISHED


def test_a_vacancy_that_will_open_needs_a_way_to_apply_too():
    vacancy = VacancyFactory(status=DRAFT, apply_url="", opens_at=timezone.now() + dt.timedelta(days=3))

    with pytest.raises(ValidationError):
        services.vacancy_publish(vacancy=vacancy)


def test_a_vacancy_without_dates_of_its_own_is_refused_with_its_call():
    call = CallFactory(status=DRAFT, published_at=None)
    VacancyFactory(call=call, status=DRAFT, opens_at=None, closes_at=None, apply_url="")

    with pytest.raises(ValidationError, match="name where to apply"):
        services.call_publish(call=call)

    assert Call.objects.get(pk=call.pk).status == DRAFT


def test_a_vacancy_already_closed_is_published_to_the_archive_without_a_way_to_apply():
    vacancy = VacancyFactory(status=DRAFT, apply_url="", closed=True)

    services.vacancy_publish(vacancy=vacancy)

    assert Vacancy.objects.get(pk=vacancy.pk).status == PublicationStatus.PUBLISHED


def test_staff_cannot_remove_the_only_way_to_apply_from_an_open_vacancy(publisher):
    vacancy = VacancyFactory(title="Water engineer")
    url = reverse("admin:vacancies_vacancy_change", args=[vacancy.pk])
    form = publisher.get(url, **ENGLISH).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name in form.fields}
    data |= {
        "apply_url": "",
        "opens_at_0": vacancy.opens_at.date().isoformat(),
        "opens_at_1": "",
        "closes_at_0": in_days(10).isoformat(),
        "closes_at_1": "",
    }
    for name in ("opens_at", "closes_at", "required_languages"):
        data.pop(name, None)
    data["required_languages"] = "{}"

    response = publisher.post(url, data, **ENGLISH)

    assert response.status_code == 200  # the form again, with the error
    assert "name where to apply" in response.text
    assert Vacancy.objects.get(pk=vacancy.pk).apply_url == "https://careers.example.org/apply"


def test_the_apply_button_and_the_deadline_come_before_the_description(client):
    vacancy = date_only(description="A long description of the job.")

    html = client.get(f"/en/vacancies/{vacancy.slug}/").text

    header = html.split('<article class="vacancy">')[1].split("</header>")[0]
    assert '<a class="button" href="https://careers.example.org/apply"' in header
    assert "Closes in 10 days" in header
    assert "Check whether you can apply" in header
    assert html.index("Apply on the organisation") < html.index('<h2 id="d-title">')


def test_an_upcoming_vacancy_says_when_applications_open(client):
    opens = in_days(4)
    vacancy = VacancyFactory(opens_at=start_of_day(opens), opens_at_has_time=False)

    html = client.get(page_of(vacancy)).text

    assert f"Opens on {english_date(opens)}." in html
    assert "00:00" not in html
    assert 'href="https://careers.example.org/apply"' not in html


# --- 5. deadlines as given ------------------------------------------------------------------------


def test_a_date_only_deadline_is_open_all_that_day_and_closed_from_the_next_midnight():
    vacancy = date_only(closes_on=in_days(2))
    last_second = end_of_day(in_days(2)) - dt.timedelta(seconds=1)

    assert Vacancy.objects.open(now=last_second).filter(pk=vacancy.pk).exists()
    assert not Vacancy.objects.open(now=end_of_day(in_days(2))).filter(pk=vacancy.pk).exists()
    assert Vacancy.objects.closed(now=end_of_day(in_days(2))).filter(pk=vacancy.pk).exists()


def test_a_date_only_deadline_is_shown_as_a_date_on_the_list_and_the_page(client):
    vacancy = date_only(closes_on=today(), title="Closes tonight")

    listed = client.get(LIST).text
    page = client.get(page_of(vacancy)).text

    for html in (listed, page):
        assert f"Closes today ({english_date(today())})" in html
        assert not re.search(r"\d\d:\d\d", html.split("<footer")[0].split("Closes today")[1][:80])


def test_a_stated_closing_time_is_shown(client):
    closes = timezone.make_aware(dt.datetime.combine(in_days(3), dt.time(17, 30)))
    vacancy = VacancyFactory(closes_at=closes)

    assert f"Closes in 3 days ({english_date(in_days(3))}, 17:30)" in client.get(page_of(vacancy)).text


def test_json_ld_and_the_api_give_a_date_only_deadline_as_that_day(client):
    vacancy = date_only(closes_on=dt.date(2031, 12, 31))

    data = json_ld(client.get(page_of(vacancy)).text)
    api = client.get(f"/api/v1/vacancies/{vacancy.slug}/").json()

    assert data["validThrough"] == "2031-12-31T23:59:59+01:00"
    assert api["closes_on"] == "2031-12-31" and api["closes_at_has_time"] is False
    assert api["closes_at"] == "2031-12-31T23:00:00Z"  # the instant applications close, as before


def test_the_calendar_entry_of_a_date_only_deadline_is_an_all_day_event(client):
    vacancy = date_only(closes_on=dt.date(2031, 12, 31))

    response = client.get(f"/en/vacancies/{vacancy.slug}/closing.ics")

    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert b"DTSTART;VALUE=DATE:20311231\r\n" in response.content
    assert event.decoded("dtstart") == dt.date(2031, 12, 31)
    assert event.decoded("dtend") == dt.date(2032, 1, 1)


def test_the_feed_gives_the_deadline_as_a_date(client):
    date_only(closes_on=dt.date(2031, 12, 31))

    root = ET.fromstring(client.get("/en/vacancies/feed/").content)

    summary = root.find("{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary").text
    assert summary.endswith("Deadline: 31 December 2031")


def test_staff_enter_a_date_and_a_time_only_when_the_source_states_one(publisher):
    call = CallFactory(status=DRAFT, published_at=None, title="JPO call")
    url = reverse("admin:vacancies_call_change", args=[call.pk])
    data = {
        "programme": call.programme.pk,
        "title_nl": "JPO call",
        "slug": call.slug,
        "year": call.year,
        "opens_at_0": "2031-11-01",
        "opens_at_1": "",
        "closes_at_0": "2031-12-31",
        "closes_at_1": "",
        "vacancies-TOTAL_FORMS": "0",
        "vacancies-INITIAL_FORMS": "0",
    }

    publisher.post(url, data)
    call.refresh_from_db()
    page = publisher.get(url, **ENGLISH).text
    publisher.post(url, data | {"closes_at_1": "12:00"})
    timed = Call.objects.get(pk=call.pk)

    assert (call.closes_at_has_time, call.closes_on) == (False, dt.date(2031, 12, 31))
    assert call.closes_at == end_of_day(dt.date(2031, 12, 31)) and call.opens_at == start_of_day(
        dt.date(2031, 11, 1)
    )
    assert 'name="closes_at_0" value="2031-12-31"' in page and 'name="closes_at_1"' in page
    assert not re.search(r'name="closes_at_1" value="[^"]', page)  # no time was stated
    assert timed.closes_at_has_time and timezone.localtime(timed.closes_at).time() == dt.time(12)


def test_the_demo_dates_are_dates_only():
    call_command("seed_demo", verbosity=0)

    for model in (Call, Vacancy):
        for obj in model.objects.exclude(opens_at=None):
            assert not obj.opens_at_has_time and timezone.localtime(obj.opens_at).time() == dt.time(0)
        for obj in model.objects.exclude(closes_at=None):
            assert not obj.closes_at_has_time and timezone.localtime(obj.closes_at).time() == dt.time(0)


# --- 8. upcoming ----------------------------------------------------------------------------------


@pytest.fixture
def every_state():
    now = timezone.now()
    VacancyFactory(title="Open, closes late", closes_at=now + dt.timedelta(days=30))
    VacancyFactory(title="Open, closes soon", closes_at=now + dt.timedelta(days=2))
    VacancyFactory(
        title="Upcoming", opens_at=now + dt.timedelta(days=3), closes_at=now + dt.timedelta(days=9)
    )
    VacancyFactory(title="Closed long ago", closes_at=now - dt.timedelta(days=90))
    VacancyFactory(title="Closed yesterday", closes_at=now - dt.timedelta(days=1))


def titles(response):
    return [v.title for v in response.context["page"].object_list]


def test_status_upcoming_lists_what_opens_soon_and_the_facet_counts_it(client, every_state):
    response = client.get(LIST, {"status": "upcoming"})

    assert titles(response) == ["Upcoming"]
    counts = {f["value"]: f["count"] for f in response.context["facets"]["status"]}
    assert counts == {"open": 2, "upcoming": 1, "closed": 2, "all": 5}
    assert f"Opens on {english_date(in_days(3))}" in response.text
    assert [
        r["title"] for r in client.get("/api/v1/vacancies/", {"status": "upcoming"}).json()["results"]
    ] == ["Upcoming"]


def test_status_all_lists_open_then_upcoming_then_the_latest_closed_first(client, every_state):
    assert titles(client.get(LIST, {"status": "all"})) == [
        "Open, closes soon",
        "Open, closes late",
        "Upcoming",
        "Closed yesterday",
        "Closed long ago",
    ]


def test_the_upcoming_list_runs_a_constant_number_of_queries(client, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_for(vacancies):
        VacancyFactory.create_batch(vacancies, opens_at=timezone.now() + dt.timedelta(days=2))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST, {"status": "upcoming"}).status_code == 200
        return len(captured)

    assert queries_for(2) == queries_for(30)


def test_a_programme_page_lists_the_vacancies_opening_soon(client):
    programme = ProgrammeFactory(slug="asylum-migration")
    VacancyFactory(
        programme=programme,
        title="Social assistant",
        opens_at=start_of_day(in_days(14)),
        opens_at_has_time=False,
    )

    html = client.get("/en/programmes/asylum-migration/").text

    assert "Opening soon" in html
    section = html.split("Opening soon")[1]
    assert "Social assistant" in section and f"Opens on {english_date(in_days(14))}" in section


# --- 9. cancelled means cancelled -----------------------------------------------------------------


def test_a_vacancy_of_a_cancelled_call_says_when_it_was_cancelled_and_leaves_every_open_list(client):
    call = CallFactory(closes_at=timezone.now() + dt.timedelta(days=30))
    vacancy = VacancyFactory(call=call, opens_at=None, closes_at=None, title="Cancelled post")

    services.call_cancel(call=call)

    call.refresh_from_db()
    page = client.get(page_of(vacancy))
    assert page.status_code == 200
    assert f"Cancelled on {english_date(timezone.localdate(call.cancelled_at))}" in page.text
    assert "careers.example.org/apply" not in page.text
    valid_through = dt.datetime.fromisoformat(json_ld(page.text)["validThrough"])
    assert valid_through == call.cancelled_at.replace(microsecond=0)
    assert client.get(f"/en/vacancies/{vacancy.slug}/closing.ics").status_code == 410
    assert vacancy.slug not in client.get("/sitemap-vacancies.xml").text
    listed = client.get(LIST)
    assert titles(listed) == []
    assert {f["value"]: f["count"] for f in listed.context["facets"]["status"]}["open"] == 0
    assert "Cancelled post" not in client.get("/en/").text
    api = client.get(f"/api/v1/vacancies/{vacancy.slug}/").json()
    assert api["status"] == "closed" and api["cancelled_at"] is not None


def test_a_cancelled_vacancy_keeps_its_page_saying_so_but_a_cancelled_draft_does_not(client):
    published, draft = VacancyFactory(), VacancyFactory(status=DRAFT, published_at=None)

    for vacancy in (published, draft):
        services.vacancy_cancel(vacancy=vacancy)

    page = client.get(f"/en/vacancies/{published.slug}/")
    assert page.status_code == 200 and "This vacancy is closed." in page.text
    assert f"Cancelled on {english_date(today())}" in page.text
    assert client.get(f"/en/vacancies/{published.slug}/closing.ics").status_code == 410
    assert client.get(page_of(draft)).status_code == 404
    assert published.slug not in client.get("/sitemap-vacancies.xml").text


def test_a_copy_of_a_cancelled_call_is_not_cancelled():
    call = CallFactory()
    services.call_cancel(call=call)

    copy = services.call_duplicate(call=Call.objects.get(pk=call.pk))

    assert copy.status == DRAFT and copy.cancelled_at is None


def test_a_closed_vacancy_is_not_offered_to_check_and_its_checker_says_it_is_closed(client):
    call_command("seed_demo", verbosity=0)
    closed = "/en/vacancies/jpo-ilo-geneve-vorig-jaar/"

    page = client.get(closed).text
    checker = client.get("/en/programmes/jpo/eligibility/?vacancy=jpo-ilo-geneve-vorig-jaar").text

    assert "Check whether you can apply" not in page
    assert "This vacancy is closed: you can no longer apply for it." in checker
