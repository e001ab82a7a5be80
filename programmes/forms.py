"""The eligibility checker's input, shared by the page and the JSON API. Nothing here is stored."""

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .eligibility import LANGUAGES, ROMAN, Candidate
from .models import Education

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
LEVEL_CHOICES = [("", _("None"))] + [(str(n), f"{ROMAN[n]} ({n})") for n in range(1, 7)]


class EligibilityForm(forms.Form):
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    # A callable, so country names come in the language of each request, not of the first import.
    nationality = forms.ChoiceField(label=_("Nationality"), choices=lambda: [("", "—")] + list(countries))
    education = forms.ChoiceField(label=_("Highest degree"), choices=[("", "—")] + Education.choices)
    experience_years = forms.DecimalField(
        label=_("Years of relevant professional experience"),
        min_value=0,
        max_value=60,
        max_digits=4,
        decimal_places=2,
    )
    language_en = forms.TypedChoiceField(
        label=_("English (NATO level)"), choices=LEVEL_CHOICES, coerce=int, empty_value=0, required=False
    )
    language_fr = forms.TypedChoiceField(
        label=_("French (NATO level)"), choices=LEVEL_CHOICES, coerce=int, empty_value=0, required=False
    )
    call_year = forms.IntegerField(
        label=_("Year of the call"), min_value=2000, max_value=2100, required=False
    )

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date > timezone.localdate():
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if birth_date < dt.date(1900, 1, 1):
            raise forms.ValidationError(_("Check the year of birth."))
        return birth_date

    def candidate(self) -> Candidate:
        data = self.cleaned_data
        return Candidate(
            birth_date=data["birth_date"],
            nationality=data["nationality"],
            education=data["education"],
            experience_years=data["experience_years"],
            languages={code: data[f"language_{code}"] for code in LANGUAGES if data.get(f"language_{code}")},
        )

    @classmethod
    def from_json(cls, payload: dict):
        """Map the API's JSON body onto the form; returns (form, errors found before form validation)."""
        errors = {}
        data = {
            name: payload.get(name) for name in ("birth_date", "nationality", "education", "experience_years")
        }
        data = {name: value for name, value in data.items() if value is not None}
        birth_date = data.get("birth_date")
        if birth_date is not None and not (isinstance(birth_date, str) and ISO_DATE.fullmatch(birth_date)):
            errors["birth_date"] = [str(_("Give the date as YYYY-MM-DD."))]
            del data["birth_date"]
        if "call_year" in payload:
            data["call_year"] = payload["call_year"]
        languages = payload.get("languages", {})
        if not isinstance(languages, dict):
            errors["languages"] = [str(_('Give languages as an object such as {"en": 5, "fr": 2}.'))]
        else:
            if unknown := sorted(set(languages) - set(LANGUAGES)):
                errors["languages"] = [
                    str(
                        _("Unknown language code(s): %(codes)s; use en, fr.")
                        % {"codes": ", ".join(map(str, unknown))}
                    )
                ]
            for code in LANGUAGES:
                if code in languages:
                    data[f"language_{code}"] = languages[code]
        return cls(data), errors
