"""Eligibility: does a candidate meet a programme's (or a vacancy's) conditions?

`evaluate()` answers one result per rule: passed True, False, or None when only the employer can check it
(a security clearance, a medical file, a Selor selection). The checking itself (`check`) is pure: it takes
resolved rules and a candidate and touches no database, so every boundary is tested without one.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import permutations

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from .models import CountryGroup, Education, EligibilityRule

Kind = EligibilityRule.Kind
LANGUAGES = {"en": gettext_lazy("English"), "fr": gettext_lazy("French")}
NATO_LEVELS = range(1, 7)  # NATO's STANAG 6001-style scale, I to VI
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
MAX_AGE_LIMIT = 100


@dataclass(frozen=True)
class Candidate:
    birth_date: dt.date
    nationality: str  # ISO 3166 alpha-2
    education: str  # an Education value
    experience_years: Decimal
    languages: dict = field(default_factory=dict)  # {"en": 5, "fr": 2} on the NATO scale


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    parameters: dict
    explanation: str = ""
    countries: frozenset = frozenset()  # resolved members of a nationality rule's country group


@dataclass(frozen=True)
class Result:
    code: str
    passed: bool | None
    message: str
    explanation: str = ""


# --- parameters ---------------------------------------------------------------------------------


def validate_parameters(kind, parameters, *, known_groups=None):
    """Raise ValidationError unless `parameters` fit `kind`. `known_groups`: slugs of country groups."""
    if not isinstance(parameters, dict):
        raise ValidationError(_("Parameters must be a JSON object."))
    expected = {
        Kind.NATIONALITY: {"group"},
        Kind.MAX_AGE: {"years"},
        Kind.MIN_EDUCATION: {"level"},
        Kind.MIN_EXPERIENCE: {"years"},
        Kind.LANGUAGES: {"languages", "levels"},
        Kind.INFORMATIONAL: set(),
    }[kind]
    if set(parameters) != expected:
        raise ValidationError(
            _("A “%(kind)s” rule takes exactly these parameters: %(keys)s.")
            % {"kind": kind, "keys": ", ".join(sorted(expected)) or _("none")}
        )
    if kind == Kind.NATIONALITY:
        if known_groups is not None and parameters["group"] not in known_groups:
            raise ValidationError(_("Unknown country group “%(group)s”.") % {"group": parameters["group"]})
    elif kind == Kind.MAX_AGE:
        years = parameters["years"]
        if not isinstance(years, int) or isinstance(years, bool) or not 0 < years <= MAX_AGE_LIMIT:
            raise ValidationError(
                _("The maximum age must be a whole number from 1 to %(max)s.") % {"max": MAX_AGE_LIMIT}
            )
    elif kind == Kind.MIN_EDUCATION:
        if parameters["level"] not in Education.values:
            raise ValidationError(
                _("Unknown education level; use one of %(levels)s.") % {"levels": ", ".join(Education.values)}
            )
    elif kind == Kind.MIN_EXPERIENCE:
        years = parameters["years"]
        if not isinstance(years, int | float) or isinstance(years, bool) or not 0 <= years <= 60:
            raise ValidationError(_("The years of experience must be a number from 0 to 60."))
    elif kind == Kind.LANGUAGES:
        validate_language_requirement(parameters)


def validate_language_requirement(parameters):
    languages, levels = parameters.get("languages"), parameters.get("levels")
    if not isinstance(languages, list) or not isinstance(levels, list) or len(languages) != len(levels):
        raise ValidationError(_("Give as many levels as languages, as two lists."))
    if not languages or len(set(languages)) != len(languages):
        raise ValidationError(_("List each language once."))
    if unknown := [code for code in languages if code not in LANGUAGES]:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s; use %(known)s.")
            % {"codes": ", ".join(map(str, unknown)), "known": ", ".join(LANGUAGES)}
        )
    if any(isinstance(level, bool) or level not in NATO_LEVELS for level in levels):
        raise ValidationError(_("Language levels run from 1 (I) to 6 (VI) on NATO's scale."))


# --- rules of a programme or a vacancy ----------------------------------------------------------


def rules_for(programme_or_vacancy) -> list[Rule]:
    """The programme's rules, with a vacancy's own requirements in place of the programme's."""
    vacancy = programme_or_vacancy if hasattr(programme_or_vacancy, "programme_id") else None
    programme = vacancy.programme if vacancy else programme_or_vacancy
    rules = {
        rule.code: Rule(rule.code, rule.kind, dict(rule.parameters), rule.explanation)
        for rule in programme.eligibility_rules.all()
    }
    if vacancy:
        _apply_vacancy_requirements(rules, vacancy)
    groups = {r.parameters["group"] for r in rules.values() if r.kind == Kind.NATIONALITY}
    members = {
        g.slug: frozenset(str(c) for c in g.countries) for g in CountryGroup.objects.filter(slug__in=groups)
    }
    return [
        Rule(r.code, r.kind, r.parameters, r.explanation, members.get(r.parameters["group"], frozenset()))
        if r.kind == Kind.NATIONALITY
        else r
        for r in rules.values()
    ]


RESERVED_FOR_GROUPS = {"belgian": "belgium", "partner-country": "jpo-partner-countries"}


def _replace(rules, kind, code, parameters, explanation):
    """Put a vacancy's requirement in place of the programme's rule of the same kind."""
    existing = next((r for r in rules.values() if r.kind == kind), None)
    if existing:
        del rules[existing.code]
        code = existing.code
    rules[code] = Rule(code, kind, parameters, explanation)


def _apply_vacancy_requirements(rules, vacancy):
    if vacancy.reserved_for:
        _replace(
            rules,
            Kind.NATIONALITY,
            "nationality",
            {"group": RESERVED_FOR_GROUPS[vacancy.reserved_for]},
            _("This post is reserved for: %(who)s.") % {"who": vacancy.get_reserved_for_display()},
        )
    if vacancy.required_education:
        _replace(
            rules,
            Kind.MIN_EDUCATION,
            "education",
            {"level": vacancy.required_education},
            _("This post asks for at least: %(level)s.")
            % {"level": vacancy.get_required_education_display()},
        )
    if vacancy.required_experience_years is not None:
        _replace(
            rules,
            Kind.MIN_EXPERIENCE,
            "experience",
            {"years": float(vacancy.required_experience_years)},
            _("This post asks for %(years)s years of relevant experience.")
            % {"years": _number(vacancy.required_experience_years)},
        )
    if vacancy.required_languages:
        _replace(
            rules,
            Kind.LANGUAGES,
            "languages",
            dict(vacancy.required_languages),
            _("The languages this post asks for."),
        )


# --- checking ------------------------------------------------------------------------------------


def age_on_31_december(birth_date: dt.date, year: int) -> int:
    # Everyone born in a year has had their birthday by 31 December (29 February included).
    return year - birth_date.year


def _number(value):
    """2.5 in English, 2,5 in Dutch and French; no trailing zeros."""
    return number_format(f"{Decimal(str(value)).normalize():f}")


def _level_text(level):
    return ROMAN.get(level, "–")


def _check_one(rule: Rule, candidate: Candidate, call_year: int) -> Result:
    params = rule.parameters
    if rule.kind == Kind.NATIONALITY:
        name = countries.name(candidate.nationality) or candidate.nationality
        passed = candidate.nationality in rule.countries
        message = (
            _("Nationals of %(country)s can apply.")
            if passed
            else _("This is not open to nationals of %(country)s.")
        ) % {"country": name}
    elif rule.kind == Kind.MAX_AGE:
        age = age_on_31_december(candidate.birth_date, call_year)
        passed = age <= params["years"]
        message = _("You are %(age)s on 31 December %(year)s; the limit is %(max)s.") % {
            "age": age,
            "year": call_year,
            "max": params["years"],
        }
    elif rule.kind == Kind.MIN_EDUCATION:
        required = Education(params["level"])
        passed = Education.rank(candidate.education) >= Education.rank(required)
        message = (
            _("Your education meets the minimum: %(level)s.")
            if passed
            else _("At least this is required: %(level)s.")
        ) % {"level": required.label}
    elif rule.kind == Kind.MIN_EXPERIENCE:
        required = Decimal(str(params["years"]))
        passed = candidate.experience_years >= required
        message = _("You have %(have)s years of relevant experience; %(need)s are required.") % {
            "have": _number(candidate.experience_years),
            "need": _number(required),
        }
    elif rule.kind == Kind.LANGUAGES:
        passed = languages_met(params, candidate.languages)
        message = _(
            "Required on NATO's scale: %(levels)s in %(languages)s, in either order. You have: %(have)s."
        ) % {
            "levels": " / ".join(_level_text(level) for level in params["levels"]),
            "languages": " / ".join(str(LANGUAGES[code]) for code in params["languages"]),
            "have": ", ".join(
                f"{LANGUAGES[code]} {_level_text(candidate.languages.get(code, 0))}"
                for code in params["languages"]
            ),
        }
    else:
        passed = None
        message = _("Checked by the employer later in the procedure.")
    return Result(rule.code, passed, message, rule.explanation)


def languages_met(parameters, levels_held) -> bool:
    """One language at the first level or above, another at the second or above, and so on, in any order."""
    required = parameters["levels"]
    return any(
        all(levels_held.get(code, 0) >= level for code, level in zip(order, required, strict=True))
        for order in permutations(parameters["languages"])
    )


def check(rules: list[Rule], candidate: Candidate, call_year: int) -> list[Result]:
    return [_check_one(rule, candidate, call_year) for rule in rules]


def overall(results: list[Result]) -> bool | None:
    """False when any rule fails; None when none fails but some can only be checked later; else True."""
    if any(r.passed is False for r in results):
        return False
    if any(r.passed is None for r in results):
        return None
    return True


def evaluate(programme_or_vacancy, candidate: Candidate, call_year: int) -> list[Result]:
    return check(rules_for(programme_or_vacancy), candidate, call_year)
