"""Eligibility: may a candidate apply under a programme, or for one of its vacancies?

Three verdicts, the same on the page and in the API (`verdict()`):
- eligible (True): at least one condition could be checked, every checkable one was, and all are met;
- not eligible (False): at least one checkable condition is not met;
- cannot be decided online (None): nothing checkable applies to the candidate, or the answer depends on
  the post (JPO posts reserved for partner-country nationals state their conditions in each publication).

A rule can be scoped to the nationals of a country group (`applies_to`): the JPO source sets its degree,
experience and age conditions for Belgians only. A rule that does not apply is left out, not "met".
Conditions only the employer can check (a security clearance, a Selor selection) are listed as information
and decide nothing. The checking itself (`check`) is pure: it takes resolved rules and a candidate and
touches no database, so every boundary is tested without one.
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
NATO_LEVELS = range(1, 7)  # the NATO scale the source uses, I to VI
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI"}
# The names the NATO source gives to levels; the others it does not name.
NATO_LEVEL_NAMES = {5: gettext_lazy("Advanced"), 2: gettext_lazy("Elementary")}
MAX_AGE_LIMIT = 100


class Scale:
    """How a programme asks about languages: NATO's levels I-VI, or (JPO) a very good knowledge, yes or no."""

    NATO = "nato"
    VERY_GOOD = "very-good"


class Outcome:
    MET = "met"
    NOT_MET = "not-met"
    LATER = "later"  # the employer checks it later: information, decides nothing
    DEPENDS = "depends"  # depends on the post: the answer cannot be decided online


PASSED = {Outcome.MET: True, Outcome.NOT_MET: False, Outcome.LATER: None, Outcome.DEPENDS: None}
# The candidate's answers each kind of rule reads (the form asks nothing else).
QUESTIONS = {
    Kind.NATIONALITY: ("nationality",),
    Kind.MAX_AGE: ("birth_date",),
    Kind.MIN_EDUCATION: ("education",),
    Kind.MIN_EXPERIENCE: ("experience_years",),
    Kind.LANGUAGES: (),  # language_<code> for each language of the rule
    Kind.INFORMATIONAL: (),
    Kind.PER_POST: (),
}


@dataclass(frozen=True)
class Candidate:
    """What the candidate answered; a question the rules do not ask stays empty."""

    birth_date: dt.date | None = None
    nationality: str = ""  # ISO 3166 alpha-2
    education: str = ""  # an Education value
    experience_years: Decimal | None = None
    # {"en": 5, "fr": 2} on NATO's scale, or {"en": True, "fr": False} for a very good knowledge
    languages: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    code: str
    kind: str
    parameters: dict
    explanation: str = ""
    countries: frozenset = frozenset()  # resolved members of a nationality rule's country groups
    applies_to: frozenset | None = None  # nationals these countries only; None: everyone
    applies_to_name: str = ""
    source: str = ""

    @property
    def checkable(self):
        return self.kind not in (Kind.INFORMATIONAL, Kind.PER_POST)

    def applies(self, nationality):
        return self.applies_to is None or nationality in self.applies_to

    def questions(self):
        """The form fields this rule reads."""
        if self.kind == Kind.LANGUAGES:
            return tuple(f"language_{code}" for code in self.parameters["languages"])
        return QUESTIONS[self.kind]


@dataclass(frozen=True)
class Result:
    code: str
    outcome: str
    message: str
    explanation: str = ""

    @property
    def passed(self) -> bool | None:
        return PASSED[self.outcome]


# --- parameters ---------------------------------------------------------------------------------


NOT_STATED = "not-stated"


def validate_parameters(kind, parameters, *, known_groups=None):
    """Raise ValidationError unless `parameters` fit `kind`. `known_groups`: slugs of country groups."""
    if not isinstance(parameters, dict):
        raise ValidationError(_("Parameters must be a JSON object."))
    if kind == Kind.LANGUAGES:
        validate_language_requirement(parameters)
        return
    expected = {
        Kind.NATIONALITY: {"groups"},
        Kind.MAX_AGE: {"years"},
        Kind.MIN_EDUCATION: {"level"},
        Kind.MIN_EXPERIENCE: {"years"},
        Kind.INFORMATIONAL: set(),
        Kind.PER_POST: set(),
    }[kind]
    # A nationality rule may say that the source is silent on everyone else ("NATO welcomes applications of
    # nationals from all member Nations" bars no one): others are then "depends", not "not met".
    optional = {"others"} if kind == Kind.NATIONALITY else set()
    if not expected <= set(parameters) <= expected | optional:
        raise ValidationError(
            _("A “%(kind)s” rule takes exactly these parameters: %(keys)s.")
            % {"kind": kind, "keys": ", ".join(sorted(expected)) or _("none")}
        )
    if kind == Kind.NATIONALITY:
        groups = parameters["groups"]
        if not isinstance(groups, list) or not groups or not all(isinstance(g, str) for g in groups):
            raise ValidationError(_("Give the country groups as a list of slugs."))
        if known_groups is not None and (unknown := [g for g in groups if g not in known_groups]):
            raise ValidationError(_("Unknown country group “%(group)s”.") % {"group": unknown[0]})
        if parameters.get("others", NOT_STATED) != NOT_STATED:
            raise ValidationError(_("“others” can only be “%(value)s”.") % {"value": NOT_STATED})
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


def validate_language_requirement(parameters):
    """{"scale": "nato", "languages": [...], "levels": [...]}, or {"scale": "very-good", "languages": [...]}
    (a very good knowledge of each)."""
    scale = parameters.get("scale", Scale.NATO)
    keys = {"scale", "languages", "levels"} if scale == Scale.NATO else {"scale", "languages"}
    if (
        scale not in (Scale.NATO, Scale.VERY_GOOD)
        or not set(parameters) <= keys
        or "languages" not in parameters
    ):
        raise ValidationError(
            _(
                'Give {"scale": "nato", "languages": ["en", "fr"], "levels": [5, 2]} or '
                '{"scale": "very-good", "languages": ["en", "fr"]}.'
            )
        )
    languages = parameters["languages"]
    if not isinstance(languages, list) or not languages or len(set(languages)) != len(languages):
        raise ValidationError(_("List each language once."))
    if unknown := [code for code in languages if code not in LANGUAGES]:
        raise ValidationError(
            _("Unknown language code(s): %(codes)s; use %(known)s.")
            % {"codes": ", ".join(map(str, unknown)), "known": ", ".join(LANGUAGES)}
        )
    if scale == Scale.NATO:
        levels = parameters.get("levels")
        if not isinstance(levels, list) or len(levels) != len(languages):
            raise ValidationError(_("Give as many levels as languages, as two lists."))
        if any(isinstance(level, bool) or level not in NATO_LEVELS for level in levels):
            raise ValidationError(_("Language levels run from 1 (I) to 6 (VI) on NATO's scale."))


def language_scale(parameters):
    return parameters.get("scale", Scale.NATO)


# --- rules of a programme or a vacancy ----------------------------------------------------------


def rules_for(programme_or_vacancy) -> list[Rule]:
    """The programme's rules, as a vacancy's reservation and own requirements change them."""
    vacancy = programme_or_vacancy if hasattr(programme_or_vacancy, "programme_id") else None
    programme = vacancy.programme if vacancy else programme_or_vacancy
    groups = {g.pk: g for g in CountryGroup.objects.all()}  # a handful of rows: one query
    return resolve_rules(list(programme.eligibility_rules.all()), groups, vacancy)


def resolve_rules(stored, groups, vacancy=None) -> list[Rule]:
    """`rules_for` without a query: `stored` are the programme's EligibilityRule rows, `groups` every
    CountryGroup by primary key, `vacancy` (saved or not) the post whose reservation and requirements
    apply."""
    by_slug = {g.slug: g for g in groups.values()}

    def members(group):
        return frozenset(str(c) for c in group.countries) if group else frozenset()

    rules = {}
    for rule in stored:
        scope = groups.get(rule.applies_to_id)
        rules[rule.code] = Rule(
            rule.code,
            rule.kind,
            dict(rule.parameters),
            rule.explanation,
            countries=frozenset().union(*(members(by_slug.get(s)) for s in rule.parameters["groups"]))
            if rule.kind == Kind.NATIONALITY
            else frozenset(),
            applies_to=members(scope) if scope else None,
            applies_to_name=str(scope.name) if scope else "",
            source=rule.source,
        )
    if vacancy:
        _apply_vacancy_requirements(rules, vacancy, by_slug, members)
    return list(rules.values())


RESERVED_FOR_GROUPS = {"belgian": "belgium", "partner-country": "jpo-partner-countries"}


def reserved_countries(vacancy, by_slug, members) -> frozenset | None:
    """The nationalities a vacancy is reserved for, or None when it is not reserved."""
    named = frozenset(str(c) for c in getattr(vacancy, "reserved_countries", None) or ())
    if named:
        return named
    if vacancy.reserved_for:
        return members(by_slug.get(RESERVED_FOR_GROUPS[vacancy.reserved_for]))
    return None


def _replace(rules, kind, code, new_kind=None, **values):
    """Put a vacancy's requirement in place of the programme's rule of the same kind (in its place in the
    order), for every candidate: a post's own publication speaks to everyone who may apply for it."""
    existing = next((r for r in rules.values() if r.kind == kind), None)
    if existing is None:
        rules[code] = Rule(code, new_kind or kind, **values)
        return
    replacement = Rule(existing.code, new_kind or kind, **values)
    replaced = {key: (replacement if key == existing.code else rule) for key, rule in rules.items()}
    rules.clear()
    rules.update(replaced)


def _apply_vacancy_requirements(rules, vacancy, by_slug, members):
    reserved = reserved_countries(vacancy, by_slug, members)
    if reserved is not None:
        # Conditions for nationals the post is not open to ask nothing of those it is open to.
        for code, rule in list(rules.items()):
            if rule.applies_to is not None and not rule.applies_to & reserved:
                del rules[code]
        who = (
            ", ".join(sorted(countries.name(c) or c for c in reserved))
            if getattr(vacancy, "reserved_countries", None)
            else vacancy.get_reserved_for_display()
        )
        _replace(
            rules,
            Kind.NATIONALITY,
            "nationality",
            parameters={"groups": []},
            explanation=_("This post is reserved for: %(who)s.") % {"who": who},
            countries=reserved,
        )
    # On a post, "stated in each publication" is this post's publication, which the organisation writes
    # (its job description): what it asks is not data here, so the answer still cannot be decided online.
    for code, rule in list(rules.items()):
        if rule.kind == Kind.PER_POST:
            rules[code] = Rule(
                code,
                Kind.PER_POST,
                {"post": True},
                _("The organisation's publication of this post (its job description) states its conditions."),
                applies_to=rule.applies_to,
                applies_to_name=rule.applies_to_name,
                source=rule.source,
            )
    if vacancy.required_education:
        _replace(
            rules,
            Kind.MIN_EDUCATION,
            "education",
            parameters={"level": vacancy.required_education},
            explanation=_("This post asks for at least: %(level)s.")
            % {"level": vacancy.get_required_education_display()},
        )
    if vacancy.required_experience_years == 0:
        # "No experience required" is no condition: nothing to check, and "met" would claim a check.
        _replace(
            rules,
            Kind.MIN_EXPERIENCE,
            "experience",
            new_kind=Kind.INFORMATIONAL,
            parameters={},
            explanation=_("This post asks for no work experience."),
        )
    elif vacancy.required_experience_years is not None:
        _replace(
            rules,
            Kind.MIN_EXPERIENCE,
            "experience",
            parameters={"years": float(vacancy.required_experience_years)},
            explanation=_("This post asks for %(years)s years of relevant experience.")
            % {"years": _number(vacancy.required_experience_years)},
        )
    if vacancy.required_languages:
        _replace(
            rules,
            Kind.LANGUAGES,
            "languages",
            parameters=dict(vacancy.required_languages),
            explanation=_("The languages this post asks for."),
        )


# --- what to ask --------------------------------------------------------------------------------


def questions(rules: list[Rule]) -> list[str]:
    """The form fields the rules read, in the form's order; nationality whenever a rule is scoped."""
    asked = {name for rule in rules for name in rule.questions()}
    if any(rule.applies_to is not None for rule in rules if rule.checkable or rule.kind == Kind.PER_POST):
        asked.add("nationality")
    order = [
        "nationality",
        "birth_date",
        "education",
        "experience_years",
        *(f"language_{c}" for c in LANGUAGES),
    ]
    return [name for name in order if name in asked]


def languages_scale(rules: list[Rule]) -> str:
    rule = next((r for r in rules if r.kind == Kind.LANGUAGES), None)
    return language_scale(rule.parameters) if rule else Scale.NATO


def required_questions(rules: list[Rule], nationality: str) -> dict[str, Rule]:
    """{field: the first rule that needs it} for the rules that apply to a candidate of `nationality`."""
    needed = {}
    for rule in rules:
        if not rule.checkable or not rule.applies(nationality):
            continue
        if rule.kind == Kind.LANGUAGES and language_scale(rule.parameters) == Scale.VERY_GOOD:
            continue  # an unticked box is an answer: not a very good knowledge
        for name in rule.questions():
            needed.setdefault(name, rule)
    return needed


# --- checking ------------------------------------------------------------------------------------


def age_on_31_december(birth_date: dt.date, year: int) -> int:
    # Everyone born in a year has had their birthday by 31 December (29 February included).
    return year - birth_date.year


def _number(value):
    """2.5 in English, 2,5 in Dutch and French; no trailing zeros."""
    return number_format(f"{Decimal(str(value)).normalize():f}")


def level_text(level):
    """V (Advanced), II (Elementary), or the bare numeral where the source names no level."""
    if level in NATO_LEVEL_NAMES:
        return f"{ROMAN[level]} ({NATO_LEVEL_NAMES[level]})"
    return ROMAN.get(level, _("none"))


def _outcome(passed):
    return Outcome.MET if passed else Outcome.NOT_MET


def _check_one(rule: Rule, candidate: Candidate, call_year: int) -> Result:
    params = rule.parameters
    if rule.kind == Kind.NATIONALITY:
        name = countries.name(candidate.nationality) or candidate.nationality
        passed = candidate.nationality in rule.countries
        if not passed and params.get("others") == NOT_STATED:
            silent = _("The source does not say whether nationals of %(country)s may apply.")
            return Result(rule.code, Outcome.DEPENDS, silent % {"country": name}, rule.explanation)
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
    elif rule.kind == Kind.LANGUAGES and language_scale(params) == Scale.VERY_GOOD:
        lacking = [str(LANGUAGES[code]) for code in params["languages"] if not candidate.languages.get(code)]
        passed = not lacking
        names = " " + _("and") + " "
        message = (
            _("A very good knowledge of %(languages)s is required; you have it.")
            if passed
            else _("A very good knowledge of %(languages)s is required; you do not have it in %(lacking)s.")
        ) % {
            "languages": names.join(str(LANGUAGES[code]) for code in params["languages"]),
            "lacking": names.join(lacking),
        }
    elif rule.kind == Kind.LANGUAGES:
        passed = languages_met(params, candidate.languages)
        message = _(
            "Required on NATO's scale: %(levels)s in %(languages)s, in either order. You have: %(have)s."
        ) % {
            "levels": " / ".join(level_text(level) for level in params["levels"]),
            "languages": " / ".join(str(LANGUAGES[code]) for code in params["languages"]),
            "have": ", ".join(
                f"{LANGUAGES[code]} {level_text(candidate.languages.get(code, 0))}"
                for code in params["languages"]
            ),
        }
    elif rule.kind == Kind.PER_POST:
        message = (
            _("Not checked here: the organisation's job description states this post's other conditions.")
            if params.get("post")
            else _("This depends on the post: each post's publication states its conditions.")
        )
        return Result(rule.code, Outcome.DEPENDS, message, rule.explanation)
    else:
        return Result(
            rule.code, Outcome.LATER, _("Checked by the employer later in the procedure."), rule.explanation
        )
    return Result(rule.code, _outcome(passed), message, rule.explanation)


def languages_met(parameters, levels_held) -> bool:
    """One language at the first level or above, another at the second or above, and so on, in any order."""
    required = parameters["levels"]
    return any(
        all(levels_held.get(code, 0) >= level for code, level in zip(order, required, strict=True))
        for order in permutations(parameters["languages"])
    )


def applicable(rules: list[Rule], nationality: str) -> tuple[list[Rule], list[Rule]]:
    """(the rules that apply to a national of `nationality`, those that do not)."""
    applying = [rule for rule in rules if rule.applies(nationality)]
    return applying, [rule for rule in rules if not rule.applies(nationality)]


def check(rules: list[Rule], candidate: Candidate, call_year: int) -> list[Result]:
    """One result per rule that applies to the candidate, in the rules' order."""
    return [_check_one(rule, candidate, call_year) for rule in applicable(rules, candidate.nationality)[0]]


def verdict(results: list[Result]) -> bool | None:
    """False when a condition is not met; True when at least one was checked and every checkable one is met;
    None when nothing checkable applied or the answer depends on the post."""
    outcomes = {r.outcome for r in results}
    if Outcome.NOT_MET in outcomes:
        return False
    if Outcome.DEPENDS in outcomes or Outcome.MET not in outcomes:
        return None
    return True


def verdict_name(value: bool | None) -> str:
    """The verdict as the page's `data-verdict` names it."""
    return {True: "eligible", False: "not-eligible", None: "unknown"}[value]


def evaluate(programme_or_vacancy, candidate: Candidate, call_year: int) -> list[Result]:
    return check(rules_for(programme_or_vacancy), candidate, call_year)
