"""The eligibility checker's input, shared by the page and the JSON API. Nothing here is stored.

The form asks only what the rules it is built for read (`eligibility.questions`), in the scale those
rules use; a question that only a scoped rule reads (JPO's age, for Belgians) is required only of the
candidates that rule applies to.
"""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from . import eligibility
from .eligibility import LANGUAGES, Candidate, Scale
from .models import Education

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
NATO_ANSWERS = (0, *eligibility.NATO_LEVELS)  # 0: none
# "Not answered" and "none" are different answers: left alone, the menu says nothing about the candidate.
NATO_LEVEL_CHOICES = [
    ("", _("Choose a level")),
    ("0", _("None: I do not know this language")),
    *((str(n), eligibility.level_text(n)) for n in range(1, 7)),
]


def _nato_level_field(code):
    return forms.TypedChoiceField(
        label=_("%(language)s (NATO level)") % {"language": LANGUAGES[code]},
        choices=NATO_LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("NATO's levels run from I to VI; the post names V “Advanced” and II “Elementary”."),
    )


def _very_good_field(code):
    return forms.BooleanField(
        label=_("I have a very good knowledge of %(language)s") % {"language": LANGUAGES[code]},
        required=False,
    )


class DateInput(forms.DateInput):
    """A date field that echoes back only a date: `value="31/12/1990"` in an `<input type="date">` is invalid
    HTML (the Nu Html Checker says so), and a browser shows nothing of it anyway; the error says why."""

    input_type = "date"

    def __init__(self, attrs=None):
        # ISO in every language: Django would write a saved date as the page's locale does (31-12-1990 in
        # Dutch), which the browser drops, and the next submission would lose the date of birth.
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value):
        value = super().format_value(value)
        return value if isinstance(value, str) and ISO_DATE.fullmatch(value) else None


class NumberInput(forms.NumberInput):
    """A number field that echoes back only a number, for the same reason."""

    def format_value(self, value):
        value = super().format_value(value)
        try:
            float(value)
        except (TypeError, ValueError):
            return None
        return value


WORKING_AGE = 15  # years of experience cannot start before this age (a first student job in Belgium)


def _check_experience_fits_age(form, data):
    """More years of experience than years since the age of 15 is a typo in one of the two answers."""
    birth_date, years = data.get("birth_date"), data.get("experience_years")
    if birth_date is None or years is None or "experience_years" in form.errors:
        return
    today = timezone.localdate()  # Brussels, as the birth date's own check
    age = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
    if years > max(0, age - WORKING_AGE):
        form.add_error(
            "experience_years",
            _(
                "That is more years of experience than years since the age of %(age)s: check it and the "
                "date of birth."
            )
            % {"age": WORKING_AGE},
        )


def body_name(name: str) -> str:
    """A form field's name as the API's JSON body spells it: `language_en` is `languages.en`, the `en` key of
    `languages` (and `very_good_en` is `very_good.en`)."""
    for prefix, key in (("language_", "languages"), ("very_good_", "very_good")):
        if name.startswith(prefix):
            return f"{key}.{name.removeprefix(prefix)}"
    return name


def question_labels() -> dict:
    """{question's field name: its label}, language levels included."""
    labels = {name: field.label for name, field in _all_fields().items()}
    return labels | {f"language_{code}": _nato_level_field(code).label for code in LANGUAGES}


def _all_fields():
    return {
        # A callable, so country names come in the language of each request, not of the first import.
        "nationality": forms.ChoiceField(
            label=_("Nationality"), choices=lambda: [("", "—")] + list(countries), required=False
        ),
        "birth_date": forms.DateField(label=_("Date of birth"), widget=DateInput(), required=False),
        "education": forms.ChoiceField(
            label=_("Highest degree"), choices=[("", "—")] + Education.choices, required=False
        ),
        "experience_years": forms.DecimalField(
            label=_("Years of relevant professional experience"),
            min_value=0,
            max_value=60,
            max_digits=4,
            decimal_places=2,
            required=False,
            widget=NumberInput(),
        ),
    }


class EligibilityForm(forms.Form):
    call_year = forms.IntegerField(
        label=_("Year of the call"), min_value=2000, max_value=2100, required=False
    )

    def __init__(self, data=None, *, rules, call_year=None, **kwargs):
        super().__init__(data, **kwargs)
        self.rules = rules
        self.scale = eligibility.languages_scale(rules)
        available = _all_fields()
        for name in eligibility.questions(rules):
            if name.startswith("language_"):
                code = name.removeprefix("language_")
                field = _very_good_field(code) if self.scale == Scale.VERY_GOOD else _nato_level_field(code)
            else:
                field = available[name]
            self.fields[name] = field
        if "birth_date" in self.fields and call_year:
            self.fields["birth_date"].help_text = _("Your age is counted on 31 December %(year)s.") % {
                "year": call_year
            }
        for name, scopes in _scopes(rules).items():
            if None not in scopes and name in self.fields:
                groups = ", ".join(sorted(scopes))
                only = _("Asked of nationals of %(groups)s only.") % {"groups": groups}
                self.fields[name].help_text = " ".join(filter(None, [self.fields[name].help_text, only]))
        languages = [field for name, field in self.fields.items() if name.startswith("language_")]
        for field in languages[1:]:  # the scale is explained once
            field.help_text = ""
        self.order_fields([*eligibility.questions(rules), "call_year"])

    @property
    def asks_anything(self):
        return len(self.fields) > 1

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date and birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if birth_date and birth_date < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Check the year of birth."))
        return birth_date

    def clean(self):
        data = super().clean()
        _check_experience_fits_age(self, data)
        if "nationality" in self.fields and not data.get("nationality"):
            if "nationality" not in self.errors:
                self.add_error("nationality", _("This field is required."))
            return data
        for name, rule in eligibility.required_questions(self.rules, data.get("nationality", "")).items():
            if data.get(name) in (None, "") and name not in self.errors:
                message = (
                    _("This field is required for nationals of %(group)s.") % {"group": rule.applies_to_name}
                    if rule.applies_to is not None
                    else _("This field is required.")
                )
                self.add_error(name, message)
        return data

    def candidate(self) -> Candidate:
        data = self.cleaned_data
        return Candidate(
            birth_date=data.get("birth_date"),
            nationality=data.get("nationality") or "",
            education=data.get("education") or "",
            experience_years=data.get("experience_years"),
            languages={code: data[f"language_{code}"] for code in LANGUAGES if data.get(f"language_{code}")},
        )  # level 0 ("none") and no level read the same: nothing held

    @classmethod
    def from_json(cls, payload: dict, *, rules):
        """Map the API's JSON body onto the form; returns (form, errors found before form validation).

        Keys the rules do not read are ignored, as the page does not ask them."""
        errors = {}
        asked = set(eligibility.questions(rules))
        data = {
            name: payload.get(name) for name in ("birth_date", "nationality", "education", "experience_years")
        }
        data = {name: value for name, value in data.items() if value is not None and name in asked}
        birth_date = data.get("birth_date")
        if birth_date is not None and not (isinstance(birth_date, str) and ISO_DATE.fullmatch(birth_date)):
            errors["birth_date"] = [str(_("Give the date as YYYY-MM-DD."))]
            del data["birth_date"]
        if "call_year" in payload:
            data["call_year"] = payload["call_year"]
        languages = payload.get("languages", {})
        scale = eligibility.languages_scale(rules)
        example = '{"en": true, "fr": true}' if scale == Scale.VERY_GOOD else '{"en": 5, "fr": 2}'
        if not isinstance(languages, dict):
            errors["languages"] = [
                str(_("Give languages as an object such as %(example)s.") % {"example": example})
            ]
            return cls(data, rules=rules), errors
        if unknown := sorted(set(languages) - set(LANGUAGES)):
            errors["languages"] = [
                str(
                    _("Unknown language code(s): %(codes)s; use en, fr.")
                    % {"codes": ", ".join(map(str, unknown))}
                )
            ]
        for code, value in languages.items():
            name = f"language_{code}"
            if name not in asked:
                continue
            if scale == Scale.VERY_GOOD and not isinstance(value, bool):
                errors[body_name(name)] = [
                    str(_("Give true or false: a very good knowledge of this language or not."))
                ]
            elif scale == Scale.NATO and (isinstance(value, bool) or value not in NATO_ANSWERS):
                errors[body_name(name)] = [str(_("Give a NATO level from 1 to 6, or 0 for none."))]
            elif scale == Scale.VERY_GOOD:
                if value:
                    data[name] = "on"
            else:
                data[name] = value

        return cls(data, rules=rules), errors


def _scopes(rules):
    """{field: the names of the groups whose checkable rules read it, None for a rule that applies to all}."""
    scopes = {}
    for rule in rules:
        if rule.checkable:
            for name in rule.questions():
                scopes.setdefault(name, set()).add(
                    rule.applies_to_name if rule.applies_to is not None else None
                )
    return scopes


class ProfileForm(forms.Form):
    """ "Check my eligibility for all vacancies": the union of the questions `rules` read, each asked once.

    `rules` are the rules of every vacancy the profile is checked against; languages are asked in each scale
    those rules use (NATO's levels, a very good knowledge), for the languages each scale is asked about. Only
    the nationality is required (see clean()).
    """

    def __init__(self, data=None, *, rules, **kwargs):
        super().__init__(data, **kwargs)
        self.rules = rules
        available = _all_fields()
        asked = eligibility.questions(rules)
        for name in asked:
            if not name.startswith("language_"):
                self.fields[name] = available[name]
        for rule in rules:
            if rule.kind != eligibility.Kind.LANGUAGES:
                continue
            very_good = eligibility.language_scale(rule.parameters) == Scale.VERY_GOOD
            for code in rule.parameters["languages"]:
                name = f"very_good_{code}" if very_good else f"language_{code}"
                if name not in self.fields:
                    self.fields[name] = _very_good_field(code) if very_good else _nato_level_field(code)
        nato = [name for name in self.fields if name.startswith("language_")]
        for name in nato[1:]:  # the scale is explained once
            self.fields[name].help_text = ""
        for name, scopes in _scopes(rules).items():
            if None not in scopes and name in self.fields:
                only = _("Asked of nationals of %(groups)s only.") % {"groups": ", ".join(sorted(scopes))}
                self.fields[name].help_text = " ".join(filter(None, [self.fields[name].help_text, only]))

    @property
    def asks_anything(self):
        return bool(self.fields)

    clean_birth_date = EligibilityForm.clean_birth_date

    def clean(self):
        data = super().clean()
        # Only the nationality is required: a question left open makes the vacancies whose rules read it
        # "cannot tell", with the question named, instead of refusing every other answer.
        if "nationality" in self.fields and not data.get("nationality") and "nationality" not in self.errors:
            self.add_error("nationality", _("This field is required."))
        _check_experience_fits_age(self, data)
        return data

    def profile(self):
        from .profile import Profile

        data = self.cleaned_data
        return Profile(
            nationality=data.get("nationality") or "",
            birth_date=data.get("birth_date"),
            education=data.get("education") or "",
            experience_years=data.get("experience_years"),
            levels={code: level for code in LANGUAGES if (level := data.get(f"language_{code}")) is not None},
            very_good={code: True for code in LANGUAGES if data.get(f"very_good_{code}")},
        )

    @classmethod
    def from_json(cls, payload: dict, *, rules):
        """The API's candidate JSON (as for /api/v1/eligibility/) onto the form: (form, errors found first).

        `languages` holds NATO levels ({"en": 5}) or, as JPO asks, true/false for a very good knowledge;
        `very_good` may give the latter beside NATO levels."""
        errors = {}
        data = {
            name: payload.get(name) for name in ("birth_date", "nationality", "education", "experience_years")
        }
        data = {name: value for name, value in data.items() if value is not None}
        birth_date = data.get("birth_date")
        if birth_date is not None and not (isinstance(birth_date, str) and ISO_DATE.fullmatch(birth_date)):
            errors["birth_date"] = [str(_("Give the date as YYYY-MM-DD."))]
            del data["birth_date"]
        for key in ("languages", "very_good"):
            languages = payload.get(key, {})
            if not isinstance(languages, dict):
                errors[key] = [
                    str(_("Give languages as an object such as %(example)s.") % {"example": '{"en": 5}'})
                ]
                continue
            if unknown := sorted(set(languages) - set(LANGUAGES)):
                errors[key] = [
                    str(
                        _("Unknown language code(s): %(codes)s; use en, fr.")
                        % {"codes": ", ".join(map(str, unknown))}
                    )
                ]
                continue
            for code, value in languages.items():
                if isinstance(value, bool):
                    if value:
                        data[f"very_good_{code}"] = "on"
                elif key == "languages" and isinstance(value, int) and value in NATO_ANSWERS:
                    data[f"language_{code}"] = value  # checked here: with no open NATO post no field would
                else:
                    errors[f"{key}.{code}"] = [
                        str(_("Give a NATO level from 1 to 6, or true or false for a very good knowledge."))
                    ]
        return cls(data, rules=rules), errors
