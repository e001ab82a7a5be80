"""schema.org JobPosting for a vacancy page (what search engines read)."""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

# What a contract type says, no more: no source states full-time work, so FULL_TIME is never claimed.
EMPLOYMENT_TYPES = {
    "fixed-term": ["TEMPORARY"],
    "secondment": ["TEMPORARY"],
    "reserve": ["PART_TIME"],
}

# As in django.utils.html.json_script: nothing in the data can close the <script> element.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def valid_through(vacancy) -> str | None:
    """When the posting stops being valid: its cancellation, else its deadline.

    A deadline given as a date is the last second of that day (Brussels), which reads as that date; a
    stated time is given as it is.
    """
    ends = [t for t in (vacancy.cancellation_at, vacancy.window_closes) if t is not None]
    if not ends:
        return None
    end = timezone.localtime(min(ends), timezone.get_default_timezone()).replace(microsecond=0)
    if min(ends) == vacancy.window_closes and not vacancy.window_closes_has_time:
        end -= dt.timedelta(seconds=1)
    return end.isoformat()


def job_posting(vacancy, request) -> str:
    organisation = vacancy.organisation
    data = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        # The summary is plain text (as in the feeds); the description as rendered when it was saved.
        "description": "\n".join(
            filter(
                None,
                [
                    format_html("<p>{}</p>", vacancy.summary) if vacancy.summary else "",
                    vacancy.description_html,
                ],
            )
        ),
        # The day in Brussels, as pages show it: a post published on 16 November at 00:00 was not posted on
        # the 15th, which its UTC date says.
        "datePosted": (
            timezone.localtime(vacancy.published_at).date().isoformat() if vacancy.published_at else None
        ),
        "validThrough": valid_through(vacancy),
        # Unknown facts are left out, not guessed: no contract type, headcount or place the source omits.
        "employmentType": EMPLOYMENT_TYPES.get(vacancy.contract_type),
        "hiringOrganization": {
            "@type": "Organization",
            "name": organisation.name,
            "sameAs": organisation.website or None,
        },
        "jobLocation": {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                **({"addressLocality": vacancy.city} if vacancy.city else {}),
                **({"addressCountry": vacancy.country.code} if vacancy.country else {}),
            },
        }
        if vacancy.city or vacancy.country
        else None,
        "totalJobOpenings": vacancy.positions,
        # Candidates apply on the organisation's site (or as its instructions say), not on this page.
        "directApply": False,
        "url": request.build_absolute_uri(vacancy.get_absolute_url()),
    }
    if vacancy.reference:
        data["identifier"] = {
            "@type": "PropertyValue",
            "name": organisation.short_name,
            "value": vacancy.reference,
        }
    data = {key: value for key, value in data.items() if value is not None}
    # Safe: JSON with <, > and & escaped cannot leave its <script> element.
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_SAFE)
    return mark_safe(text)  # noqa: S308
