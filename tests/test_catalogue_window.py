"""A vacancy's stored window follows its own dates and its call's, however they are written.

The database keeps it (triggers of migration 0016, on SQLite and on PostgreSQL): these tests run on whichever
the suite uses, so both passes check their own triggers.
"""

import datetime as dt

import pytest
from django.utils import timezone, translation

from tests.factories import CallFactory, OrganisationFactory, VacancyFactory
from vacancies import services
from vacancies.models import Call, PublicationStatus, Vacancy, Window, end_of_day, start_of_day

pytestmark = pytest.mark.django_db
LIST = "/en/vacancies/"


def listed(client, **params):
    return [v.title for v in client.get(LIST, params).context["page"].object_list]


def test_a_call_that_opens_earlier_opens_its_vacancies(client):
    call = CallFactory(opens_at=timezone.now() + dt.timedelta(days=2))
    VacancyFactory(title="Follows the call", call=call, opens_at=None, closes_at=None)
    assert listed(client) == []

    call.opens_at = timezone.now() - dt.timedelta(hours=1)
    call.save()

    assert listed(client) == ["Follows the call"]


def test_a_call_closed_by_an_update_closes_its_vacancies(client):
    call = CallFactory()
    VacancyFactory(title="Follows the call", call=call, opens_at=None, closes_at=None)
    VacancyFactory(title="Own dates", call=call)

    # QuerySet.update() bypasses save(): the database itself must move the windows.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))

    assert listed(client) == ["Own dates"]
    assert listed(client, status="closed") == ["Follows the call"]


def test_closing_a_call_now_closes_all_its_vacancies(client):
    call = CallFactory()
    VacancyFactory(title="Follows the call", call=call, opens_at=None, closes_at=None)
    VacancyFactory(title="Closes later", call=call, closes_at=timezone.now() + dt.timedelta(days=60))

    services.call_close(call=call)

    assert listed(client) == []
    assert sorted(listed(client, status="closed")) == ["Closes later", "Follows the call"]


def test_a_vacancy_moved_to_another_call_takes_its_dates(client):
    open_call, closed_call = CallFactory(), CallFactory(closes_at=timezone.now() - dt.timedelta(days=1))
    vacancy = VacancyFactory(title="Moved", call=open_call, opens_at=None, closes_at=None)
    assert listed(client) == ["Moved"]

    vacancy.call = closed_call
    vacancy.save()

    assert listed(client) == []


def test_saving_a_vacancy_loaded_before_its_call_moved_keeps_the_calls_new_dates(client):
    call = CallFactory()
    vacancy = VacancyFactory(title="Follows the call", call=call, opens_at=None, closes_at=None)
    stale = Vacancy.objects.get(pk=vacancy.pk)
    call.closes_at = timezone.now() - dt.timedelta(minutes=1)
    call.save()

    stale.title_en = "Follows the call, edited"
    stale.save()  # writes every column, including the window it loaded before the call moved

    assert listed(client) == []


def test_bulk_created_vacancies_get_their_window(client):
    call = CallFactory()
    bulk = VacancyFactory.build(
        title="Bulk", call=call, opens_at=None, closes_at=None, programme=call.programme, organisation=None
    )
    bulk.organisation = OrganisationFactory()
    Vacancy.objects.bulk_create([bulk])  # no save(), no signal

    assert listed(client) == ["Bulk"]


def test_rolling_vacancies_come_after_every_dated_one(client):
    now = timezone.now()
    VacancyFactory(title="Rolling", closes_at=None)
    VacancyFactory(title="Closes late", closes_at=now + dt.timedelta(days=300))
    VacancyFactory(title="Closes soon", closes_at=now + dt.timedelta(days=1))

    assert listed(client) == ["Closes soon", "Closes late", "Rolling"]


def test_a_vacancy_without_an_opening_time_of_its_own_or_a_call_is_open(client):
    VacancyFactory(title="Always open", opens_at=None, closes_at=None)

    assert listed(client) == ["Always open"]
    assert Vacancy.objects.open().get().state == Vacancy.State.OPEN


def test_an_upcoming_vacancy_is_not_open_yet(client):
    vacancy = VacancyFactory(title="Upcoming", opens_at=timezone.now() + dt.timedelta(days=1))

    assert listed(client) == []
    assert Vacancy.objects.public().with_state().get(pk=vacancy.pk).state == Vacancy.State.UPCOMING
    assert client.get(vacancy.get_absolute_url()).status_code == 200


def test_a_cancelled_call_shows_its_vacancies_as_closed(client):
    call = CallFactory()
    VacancyFactory(title="Cancelled with its call", call=call)

    call.status = PublicationStatus.CANCELLED
    call.save()

    assert listed(client) == []
    assert listed(client, status="closed") == ["Cancelled with its call"]


def stored_window(vacancy):
    stored = Vacancy.objects.get(pk=vacancy.pk)
    return Window(
        stored.window_opens, stored.window_closes, stored.window_opens_has_time, stored.window_closes_has_time
    )


OWN = {
    "none": {"opens_at": None, "closes_at": None},
    "timed": {
        "opens_at": dt.datetime(2031, 3, 2, 9, tzinfo=dt.UTC),
        "closes_at": dt.datetime(2031, 4, 1, 10, tzinfo=dt.UTC),
    },
    "dates only": {
        "opens_at": start_of_day(dt.date(2031, 3, 3)),
        "opens_at_has_time": False,
        "closes_at": end_of_day(dt.date(2031, 4, 2)),
        "closes_at_has_time": False,
    },
    "closing only": {
        "opens_at": None,
        "closes_at": end_of_day(dt.date(2031, 4, 3)),
        "closes_at_has_time": False,
    },
}
CALLS = {
    "no call": None,
    "timed call": {
        "opens_at": dt.datetime(2031, 1, 5, 8, tzinfo=dt.UTC),
        "closes_at": dt.datetime(2031, 2, 1, 12, tzinfo=dt.UTC),
    },
    "date-only call": {
        "opens_at": start_of_day(dt.date(2031, 1, 6)),
        "opens_at_has_time": False,
        "closes_at": end_of_day(dt.date(2031, 2, 2)),
        "closes_at_has_time": False,
    },
    "rolling call": {"opens_at": dt.datetime(2031, 1, 7, 8, tzinfo=dt.UTC), "closes_at": None},
}


@pytest.mark.parametrize("call_dates", CALLS.values(), ids=CALLS)
@pytest.mark.parametrize("own_dates", OWN.values(), ids=OWN)
def test_the_stored_window_is_the_window_python_computes(own_dates, call_dates):
    """The rule is written twice, in the database's triggers and in `effective_window`: they must agree."""
    call = CallFactory(**call_dates) if call_dates is not None else None
    vacancy = VacancyFactory(call=call, **own_dates)

    assert stored_window(vacancy) == Vacancy.objects.select_related("call").get(pk=vacancy.pk).window


def test_a_call_given_a_time_shows_it_on_the_vacancies_that_follow_it(client):
    call = CallFactory(closes_at=end_of_day(dt.date(2031, 12, 31)), closes_at_has_time=False)
    vacancy = VacancyFactory(call=call, opens_at=None, closes_at=None)
    with translation.override("en"):
        url = vacancy.get_absolute_url()
    assert "(31 December 2031)" in client.get(url).content.decode()

    # Staff correct the call: applications close at noon that day, a time the source states.
    call.closes_at, call.closes_at_has_time = dt.datetime(2031, 12, 31, 11, tzinfo=dt.UTC), True
    call.save()

    assert stored_window(vacancy).closes_has_time is True
    assert "(31 December 2031, 12:00)" in client.get(url).content.decode()
