"""A vacancy's closing date as an iCalendar (RFC 5545) entry a candidate adds to their own calendar.

`icalendar` does the parts that are easy to get wrong by hand: escaping of `,` `;` `\\` and newlines in
text, and folding lines at 75 octets without splitting a UTF-8 character.
"""

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Alarm, Calendar, Event

PRODUCT_ID = "-//jobboard//Vacancy closing dates//EN"


def closing_event_uid(vacancy) -> str:
    """The same for every download of this vacancy's entry, in every language, so calendars update it."""
    host = urlsplit(settings.SITE_URL).hostname or "jobboard"
    return f"vacancy-{vacancy.pk}-closes@{host}"


def closing_calendar(vacancy, *, url: str) -> bytes:
    """One VEVENT at the vacancy's closing time (UTC), with a reminder a day before; for a deadline given
    as a date, an all-day event on that date (the last day to apply).

    `vacancy` carries the annotations of `VacancyQuerySet.with_dates`, and its `window_closes` must not be
    None; `url` is the absolute address of the vacancy page.
    """
    organisation = vacancy.organisation.short_name
    summary = _("Application deadline: %(title)s (%(organisation)s)") % {
        "title": vacancy.title,
        "organisation": organisation,
    }

    event = Event()
    event.add("uid", closing_event_uid(vacancy))
    # Without a METHOD, DTSTAMP is the entry's last revision: the vacancy's, so every download is the same.
    event.add("dtstamp", vacancy.updated_at.astimezone(dt.UTC))
    event.add("last-modified", vacancy.updated_at.astimezone(dt.UTC))
    if vacancy.window_closes_has_time:
        event.add("dtstart", vacancy.window_closes.astimezone(dt.UTC))
    else:
        last_day = vacancy.closes_on
        event.add("dtstart", last_day)  # VALUE=DATE
        event.add("dtend", last_day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add(
        "description",
        "\n\n".join(
            [
                (
                    _("Applications for “%(title)s” at %(organisation)s close at this time.")
                    if vacancy.window_closes_has_time
                    else _(
                        "Applications for “%(title)s” at %(organisation)s close at the end of this day "
                        "(Brussels time)."
                    )
                )
                % {"title": vacancy.title, "organisation": organisation},
                _("Vacancy and how to apply: %(url)s") % {"url": url},
            ]
        ),
    )
    if location := ", ".join(filter(None, [vacancy.city, str(vacancy.country.name)])):
        event.add("location", location)  # none where the source states no place
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a deadline does not make the candidate busy

    reminder = Alarm()
    reminder.add("action", "DISPLAY")
    reminder.add("description", summary)
    reminder.add("trigger", dt.timedelta(days=-1))
    event.add_component(reminder)

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add_component(event)
    return calendar.to_ical()
