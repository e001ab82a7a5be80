"""`manage.py generate_bench_data`: the benchmarks' catalogue and audience, safe to make again."""

import io

import pytest
from django.core.management import call_command

from applications.models import Subscriber
from programmes.models import Programme
from programmes.translation import columns
from vacancies.models import Organisation, Vacancy

pytestmark = pytest.mark.django_db

VACANCY_FIELDS = ("slug", *columns("title"), "programme__slug", "organisation__slug", "call__slug", "country",
                  "city", *columns("summary"), *columns("description"), "opens_at", "closes_at", "status",
                  "published_at")  # fmt: skip


def generate(vacancies, subscribers):
    out = io.StringIO()
    call_command("generate_bench_data", vacancies=vacancies, subscribers=subscribers, stdout=out, stderr=out)
    return out.getvalue()


def bench_vacancies():
    return Vacancy.objects.filter(slug__startswith="bench-")


def snapshot():
    """Every generated row, without the bookkeeping timestamps."""
    return (
        sorted(bench_vacancies().values_list(*VACANCY_FIELDS)),
        sorted(Subscriber.objects.values_list("pk", "email", "language", "status", "confirmed_at")),
        sorted(Subscriber.programmes.through.objects.values_list("subscriber_id", "programme__slug")),
        sorted(Organisation.objects.values_list("slug", "name", "kind")),
    )


def test_running_it_again_changes_nothing():
    generate(20, 6)
    first = snapshot()

    output = generate(20, 6)

    assert snapshot() == first
    assert "(0 new, 0 removed)" in output


def test_four_vacancies_in_five_are_a_closed_archive_and_the_rest_are_open():
    generate(20, 0)

    assert bench_vacancies().count() == 20
    assert Vacancy.objects.closed().filter(slug__startswith="bench-").count() == 16
    assert Vacancy.objects.open().filter(slug__startswith="bench-").count() == 4


def test_subscribers_are_confirmed_and_follow_jpo():
    generate(0, 6)

    assert set(Subscriber.objects.values_list("email", flat=True)) == {
        f"bench-{i}@example.invalid" for i in range(6)
    }
    assert set(Subscriber.objects.values_list("status", flat=True)) == {Subscriber.Status.CONFIRMED}
    assert Subscriber.objects.filter(programmes__slug="jpo").count() == 6


def test_a_smaller_run_removes_the_rows_beyond_it():
    generate(20, 6)

    generate(10, 2)

    assert sorted(bench_vacancies().values_list("slug", flat=True)) == sorted(f"bench-{i}" for i in range(10))
    assert Subscriber.objects.count() == 2


def test_the_catalogue_spans_the_programmes_languages_and_generated_organisations():
    generate(60, 0)

    assert set(bench_vacancies().values_list("programme__slug", flat=True)) == set(
        Programme.objects.values_list("slug", flat=True)
    )
    assert Organisation.objects.filter(slug__startswith="bench-org-").count() == 300
    headings = {"nl": "## Wat doe je?", "fr": "## Vos missions", "en": "## What you will do"}
    for language, heading in headings.items():
        # Each text sits in the column of its language.
        descriptions = " ".join(bench_vacancies().values_list(f"description_{language}", flat=True))
        assert heading in descriptions
