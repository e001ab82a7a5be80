"""Eligibility rules, boundary by boundary. `check` is pure; `rules_for` reads a programme or vacancy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from programmes.eligibility import (
    Candidate,
    Rule,
    age_on_31_december,
    check,
    evaluate,
    overall,
    rules_for,
    validate_parameters,
)
from programmes.models import CountryGroup, EligibilityRule
from tests.factories import ProgrammeFactory, VacancyFactory

Kind = EligibilityRule.Kind
BELGIUM = Rule("nationality", Kind.NATIONALITY, {"group": "belgium"}, countries=frozenset({"BE"}))
PARTNERS = frozenset({"BJ", "BF", "BI", "CD", "GN", "ML", "MA", "MZ", "NE", "UG", "PS", "RW", "SN", "TZ"})
NATO = frozenset(
    [
        "AL",
        "BE",
        "BG",
        "CA",
        "HR",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IS",
        "IT",
        "LV",
        "LT",
        "LU",
        "ME",
        "NL",
        "MK",
        "NO",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "TR",
        "GB",
        "US",
    ]
)


@pytest.fixture(autouse=True)
def english():
    """Messages come in the active language; these tests read them in English."""
    with translation.override("en"):
        yield


def candidate(**overrides):
    values = {
        "birth_date": dt.date(1995, 6, 15),
        "nationality": "BE",
        "education": "master",
        "experience_years": Decimal("3"),
        "languages": {"en": 5, "fr": 3},
    }
    return Candidate(**values | overrides)


def passed(rule, call_year=2026, **overrides):
    [result] = check([rule], candidate(**overrides), call_year)
    return result.passed


MAX_32 = Rule("age", Kind.MAX_AGE, {"years": 32})


@pytest.mark.parametrize(
    ("birth_date", "call_year", "age"),
    [
        (dt.date(1994, 1, 1), 2026, 32),
        (dt.date(1994, 12, 31), 2026, 32),  # birthday on the day itself
        (dt.date(1993, 12, 31), 2026, 33),
        (dt.date(1992, 2, 29), 2024, 32),  # leap-day birthday in a leap year
        (dt.date(1992, 2, 29), 2025, 33),
    ],
)
def test_age_is_counted_on_31_december_of_the_call_year(birth_date, call_year, age):
    assert age_on_31_december(birth_date, call_year) == age


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (dt.date(1994, 1, 1), True),  # 32 on 31 December 2026
        (dt.date(1994, 12, 31), True),  # turns 32 on that very day
        (dt.date(1993, 12, 31), False),  # 33
        (dt.date(1993, 1, 1), False),
    ],
)
def test_thirty_two_or_younger_passes_and_thirty_three_fails(birth_date, expected):
    assert passed(MAX_32, birth_date=birth_date) is expected


def test_the_age_message_names_the_age_the_year_and_the_limit():
    [result] = check([MAX_32], candidate(birth_date=dt.date(1993, 5, 1)), 2026)

    assert result.message == "You are 33 on 31 December 2026; the limit is 32."


@pytest.mark.parametrize(
    ("years", "expected"),
    [(Decimal("1.99"), False), (Decimal("2.0"), True), (Decimal("2"), True), (Decimal("0"), False)],
)
def test_two_years_of_experience_are_two_not_one_point_nine_nine(years, expected):
    assert passed(Rule("experience", Kind.MIN_EXPERIENCE, {"years": 2}), experience_years=years) is expected


def test_no_experience_required_passes_a_beginner():
    assert (
        passed(Rule("experience", Kind.MIN_EXPERIENCE, {"years": 0}), experience_years=Decimal("0")) is True
    )


@pytest.mark.parametrize(
    ("held", "level", "expected"),
    [
        ("bachelor", "master", False),
        ("master", "master", True),
        ("doctorate", "master", True),
        ("secondary", "bachelor", False),
        ("bachelor", "bachelor", True),
    ],
)
def test_education_is_compared_by_level(held, level, expected):
    assert passed(Rule("education", Kind.MIN_EDUCATION, {"level": level}), education=held) is expected


NATO_LANGUAGES = Rule("languages", Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5, 2]})


@pytest.mark.parametrize(
    ("languages", "expected"),
    [
        ({"en": 5, "fr": 2}, True),
        ({"en": 2, "fr": 5}, True),  # either language may be the strong one
        ({"en": 6, "fr": 6}, True),
        ({"en": 4, "fr": 3}, False),  # IV/III is not V/II
        ({"en": 5, "fr": 1}, False),  # V/I is not V/II
        ({"en": 6}, False),  # no French at all
        ({}, False),
    ],
)
def test_nato_languages_need_v_in_one_and_ii_in_the_other(languages, expected):
    assert passed(NATO_LANGUAGES, languages=languages) is expected


def test_the_language_message_says_what_is_needed_and_held():
    [result] = check([NATO_LANGUAGES], candidate(languages={"en": 4, "fr": 3}), 2026)

    assert "V / II" in result.message
    assert "English IV, French III" in result.message


@pytest.mark.parametrize(
    ("rule", "nationality", "expected"),
    [
        (BELGIUM, "BE", True),
        (BELGIUM, "BJ", False),  # a partner-country national against a Belgian-only post
        (
            Rule("nationality", Kind.NATIONALITY, {"group": "jpo-partner-countries"}, countries=PARTNERS),
            "BJ",
            True,
        ),
        (
            Rule("nationality", Kind.NATIONALITY, {"group": "jpo-partner-countries"}, countries=PARTNERS),
            "BE",
            False,
        ),
        (Rule("nationality", Kind.NATIONALITY, {"group": "nato-members"}, countries=NATO), "CH", False),
        (Rule("nationality", Kind.NATIONALITY, {"group": "nato-members"}, countries=NATO), "BE", True),
    ],
)
def test_nationality_must_be_in_the_rules_country_group(rule, nationality, expected):
    assert passed(rule, nationality=nationality) is expected


def test_a_refused_nationality_is_named_in_the_message():
    [result] = check([BELGIUM], candidate(nationality="CH"), 2026)

    assert result.message == "This is not open to nationals of Switzerland."


def test_informational_rules_are_left_to_the_employer():
    [result] = check(
        [Rule("security-clearance", Kind.INFORMATIONAL, {}, "A security clearance.")], candidate(), 2026
    )

    assert result.passed is None
    assert result.explanation == "A security clearance."


def test_overall_fails_on_any_failure_and_is_open_with_only_employer_checks_left():
    rules = [BELGIUM, MAX_32, Rule("medical", Kind.INFORMATIONAL, {})]

    assert overall(check(rules[:2], candidate(), 2026)) is True
    assert overall(check(rules, candidate(), 2026)) is None
    assert overall(check(rules, candidate(nationality="FR"), 2026)) is False


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        (Kind.MAX_AGE, {"years": -1}, "whole number from 1"),
        (Kind.MAX_AGE, {"years": 0}, "whole number from 1"),
        (Kind.MAX_AGE, {"years": "32"}, "whole number from 1"),
        (Kind.MAX_AGE, {"age": 32}, "exactly these parameters: years"),
        (Kind.MIN_EXPERIENCE, {"years": -2}, "from 0 to 60"),
        (Kind.MIN_EDUCATION, {"level": "phd"}, "Unknown education level"),
        (Kind.NATIONALITY, {"group": "martians"}, "Unknown country group"),
        (Kind.LANGUAGES, {"languages": ["en", "de"], "levels": [5, 2]}, "Unknown language code(s): de"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [7, 2]}, "from 1 (I) to 6 (VI)"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5, 0]}, "from 1 (I) to 6 (VI)"),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5]}, "as many levels as languages"),
        (Kind.LANGUAGES, {"languages": ["en", "en"], "levels": [5, 2]}, "each language once"),
        (Kind.INFORMATIONAL, {"x": 1}, "exactly these parameters: none"),
        (Kind.MAX_AGE, ["years", 32], "JSON object"),
    ],
)
def test_bad_rule_parameters_are_refused_with_a_reason(kind, parameters, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_parameters(kind, parameters, known_groups={"belgium"})


@pytest.mark.parametrize(
    ("kind", "parameters"),
    [
        (Kind.MAX_AGE, {"years": 32}),
        (Kind.MIN_EXPERIENCE, {"years": 2}),
        (Kind.MIN_EXPERIENCE, {"years": 1.5}),
        (Kind.MIN_EDUCATION, {"level": "master"}),
        (Kind.NATIONALITY, {"group": "belgium"}),
        (Kind.LANGUAGES, {"languages": ["en", "fr"], "levels": [5, 2]}),
        (Kind.INFORMATIONAL, {}),
    ],
)
def test_good_rule_parameters_pass(kind, parameters):
    validate_parameters(kind, parameters, known_groups={"belgium"})


@pytest.fixture
def jpo(db):
    CountryGroup.objects.create(slug="belgium", name="Belgium", countries=["BE"])
    CountryGroup.objects.create(
        slug="jpo-partner-countries", name="Partner countries", countries=sorted(PARTNERS)
    )
    programme = ProgrammeFactory(slug="jpo")
    for code, kind, parameters in [
        ("nationality", Kind.NATIONALITY, {"group": "belgium"}),
        ("education", Kind.MIN_EDUCATION, {"level": "master"}),
        ("experience", Kind.MIN_EXPERIENCE, {"years": 2}),
        ("age", Kind.MAX_AGE, {"years": 32}),
    ]:
        EligibilityRule.objects.create(
            programme=programme, code=code, kind=kind, parameters=parameters, explanation=code
        )
    return programme


def results_by_code(results):
    return {r.code: r.passed for r in results}


def test_a_programme_is_evaluated_rule_by_rule(jpo):
    results = evaluate(jpo, candidate(education="bachelor"), 2026)

    assert results_by_code(results) == {
        "nationality": True,
        "education": False,
        "experience": True,
        "age": True,
    }


def test_a_partner_country_post_admits_partner_nationals_instead_of_belgians(jpo):
    post = VacancyFactory(programme=jpo, reserved_for="partner-country")

    assert results_by_code(evaluate(post, candidate(nationality="RW"), 2026))["nationality"] is True
    assert results_by_code(evaluate(post, candidate(nationality="BE"), 2026))["nationality"] is False
    assert results_by_code(evaluate(jpo, candidate(nationality="RW"), 2026))["nationality"] is False


def test_a_vacancys_own_requirements_replace_the_programmes(jpo):
    post = VacancyFactory(
        programme=jpo,
        required_education="bachelor",
        required_experience_years=Decimal("5"),
        required_languages={"languages": ["en", "fr"], "levels": [5, 2]},
    )

    results = evaluate(
        post, candidate(education="bachelor", experience_years=Decimal("3"), languages={"en": 6}), 2026
    )

    assert results_by_code(results) == {
        "nationality": True,
        "education": True,
        "experience": False,
        "age": True,
        "languages": False,
    }
    assert len(rules_for(post)) == 5
