"""The list with a profile (issue 18), made cheaper: one verdict per set of rules, a short condition for the
chosen verdict, and questions only the open vacancies need."""

import pytest
from django.http import QueryDict

from programmes import profile as eligibility_profile
from tests.test_eligibility_profile import keep_profile, seeded  # noqa: F401 - the fixture
from vacancies import selectors

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("overrides", [{}, {"nationality": "BJ"}, {"education": "bachelor"}])
def test_each_verdict_lists_exactly_the_vacancies_with_that_verdict(client, seeded, overrides):  # noqa: F811
    keep_profile(client, **overrides)
    profile = eligibility_profile.decode(client.cookies[eligibility_profile.COOKIE_NAME].value)
    filterset = selectors.vacancy_list(filters=QueryDict("status=all"))
    everything = list(filterset.qs)
    whole = selectors.eligible_catalogue(filterset, profile)
    whole.mark(everything)

    for choice in ("may", "not", "unknown"):
        narrowed = selectors.eligible_catalogue(
            selectors.vacancy_list(filters=QueryDict("status=all")), profile, choice
        )
        expected = {
            v.slug for v in everything if (v.eligibility.choice if v.eligibility else "unknown") == choice
        }
        assert {v.slug for v in narrowed.queryset} == expected, choice
        assert narrowed.counts[choice] == len(expected)


def test_groups_with_the_same_rules_share_one_verdict_computation(client, seeded, monkeypatch):  # noqa: F811
    keep_profile(client)
    profile = eligibility_profile.decode(client.cookies[eligibility_profile.COOKIE_NAME].value)
    groups = selectors.catalogue_groups()
    computed = []
    real = selectors._profile_verdict
    monkeypatch.setattr(selectors, "_profile_verdict", lambda g, p: computed.append(g) or real(g, p))

    selectors.eligible_catalogue(selectors.vacancy_list(filters=QueryDict()), profile)

    assert len(computed) == len({g.verdict_key for g in groups}) <= len(groups)


def test_the_profile_asks_only_what_open_vacancies_need(seeded):  # noqa: F811
    from vacancies.models import Vacancy

    asked = {q for rule in selectors.profile_questions_rules() for q in rule.questions()}
    Vacancy.objects.update(closes_at="2001-01-01T00:00:00Z")  # every demo vacancy closed: the archive
    from vacancies import caching

    caching.bump()
    asked_now = {q for rule in selectors.profile_questions_rules() for q in rule.questions()}

    assert "language_en" in asked
    assert selectors.catalogue_groups()  # the archive still has its rules...
    assert asked_now == set()  # ...but no open vacancy needs an answer


def test_the_migration_groups_the_rows_already_there_as_save_does(db):
    from importlib import import_module

    from django.apps import apps

    from tests.factories import VacancyFactory
    from vacancies.models import Vacancy

    vacancy = VacancyFactory(
        required_experience_years=2,
        required_languages={"languages": ["en"], "levels": [3]},
        reserved_countries=["BJ", "BE"],
    )
    saved = Vacancy.objects.get(pk=vacancy.pk).eligibility_group
    Vacancy.objects.update(eligibility_group="")

    import_module("vacancies.migrations.0014_eligibility_group").group_existing(apps, None)

    assert Vacancy.objects.get(pk=vacancy.pk).eligibility_group == saved != ""
