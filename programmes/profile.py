"""The candidate's eligibility profile: answers kept by the candidate's browser, never by us.

The answers travel in one cookie (`COOKIE_NAME`) that the server reads to mark and filter the catalogue; they
are never written to the database, a log, a URL or the cache (pages requested with the cookie bypass the page
cache and are never stored). The cookie is HttpOnly, so scripts on the page cannot read it; "forget my
answers" deletes it. A cookie that does not parse is treated as no profile: it is never an error.
"""

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django_countries import countries

from .eligibility import LANGUAGES, NATO_LEVELS, Candidate, Scale
from .models import Education

COOKIE_NAME = "eligibility_profile"
MAX_AGE = 90 * 24 * 3600  # the browser forgets the answers after 90 days, or at once with "forget"
MAX_COOKIE_LENGTH = 1000


@dataclass(frozen=True)
class Profile:
    """Answers to the union of the questions the catalogue's rules read, in both language scales."""

    nationality: str = ""
    birth_date: dt.date | None = None
    education: str = ""
    experience_years: Decimal | None = None
    levels: dict = field(default_factory=dict)  # NATO levels {"en": 5}; 0: none; absent: not answered
    very_good: dict = field(default_factory=dict)  # a very good knowledge {"en": True}

    def candidate(self, scale=Scale.NATO) -> Candidate:
        """The checker's candidate, with the languages in the scale of the rules it is checked against."""
        languages = self.very_good if scale == Scale.VERY_GOOD else self.levels
        return Candidate(
            birth_date=self.birth_date,
            nationality=self.nationality,
            education=self.education,
            experience_years=self.experience_years,
            languages={code: value for code, value in languages.items() if value},
        )

    def answers(self) -> set:
        """The checker's field names this profile answers."""
        given = {
            "nationality": self.nationality,
            "birth_date": self.birth_date,
            "education": self.education,
            "experience_years": self.experience_years,
        }
        answered = {name for name, value in given.items() if value not in (None, "")}
        return answered | {f"language_{code}" for code in self.levels}  # 0: "none", an answer

    def form_initial(self) -> dict:
        """The answers as ProfileForm's initial values, to change them."""
        initial = {
            "nationality": self.nationality,
            "birth_date": self.birth_date,
            "education": self.education,
            "experience_years": self.experience_years,
        }
        initial |= {f"language_{code}": str(level) for code, level in self.levels.items()}
        initial |= {f"very_good_{code}": value for code, value in self.very_good.items()}
        return initial

    def as_json(self) -> dict:
        data = {
            "nationality": self.nationality,
            "birth_date": self.birth_date.isoformat() if self.birth_date else None,
            "education": self.education or None,
            "experience_years": str(self.experience_years) if self.experience_years is not None else None,
            "levels": dict(self.levels),
            "very_good": dict(self.very_good),
        }
        return {key: value for key, value in data.items() if value not in (None, "", {})}


def from_data(data) -> Profile | None:
    """A Profile from decoded cookie data, or None when anything in it is not a valid answer."""
    if not isinstance(data, dict):
        return None
    try:
        nationality = data.get("nationality", "")
        if not isinstance(nationality, str) or (nationality and nationality not in dict(countries)):
            return None
        birth_date = data.get("birth_date")
        birth_date = dt.date.fromisoformat(birth_date) if birth_date is not None else None
        education = data.get("education", "")
        if education and education not in Education.values:
            return None
        experience = data.get("experience_years")
        experience = Decimal(experience) if isinstance(experience, str) else None
        if experience is not None and not (0 <= experience <= 60):
            return None
        levels = data.get("levels", {})
        very_good = data.get("very_good", {})
        if not isinstance(levels, dict) or not isinstance(very_good, dict):
            return None
        if not set(levels) <= set(LANGUAGES) or not set(very_good) <= set(LANGUAGES):
            return None
        if any(isinstance(v, bool) or (v not in NATO_LEVELS and v != 0) for v in levels.values()):
            return None
        if any(not isinstance(v, bool) for v in very_good.values()):
            return None
    except (TypeError, ValueError, InvalidOperation):
        return None
    return Profile(nationality, birth_date, education, experience, levels, very_good)


def encode(profile: Profile) -> str:
    text = json.dumps(profile.as_json(), separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(value: str) -> Profile | None:
    if not value or len(value) > MAX_COOKIE_LENGTH:
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        return from_data(json.loads(text))
    except (binascii.Error, UnicodeDecodeError, ValueError, RecursionError):
        return None


def read(request) -> Profile | None:
    """The profile the request carries, or None."""
    return decode(request.COOKIES.get(COOKIE_NAME, ""))


def carried(request) -> bool:
    """Whether the request carries a profile cookie at all (valid or not): such a request is never cached."""
    return COOKIE_NAME in request.COOKIES


def keep(response, profile: Profile):
    response.set_cookie(
        COOKIE_NAME,
        encode(profile),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget(response):
    response.delete_cookie(COOKIE_NAME, samesite="Lax")
