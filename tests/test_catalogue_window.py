"""A vacancy's stored window follows its own dates and its call's, however they are written.

The database keeps it (triggers of migration 0007, on SQLite and on PostgreSQL): these tests run on whichever
the suite uses, so both passes check their own triggers.
"""

import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import CallFactory, OrganisationFactory, VacancyFactory
from vacancies import services
from vacancies.models import Call, PublicationStatus, Vacancy

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
