"""`manage.py seed_demo`: the facts of the source documents plus demo calls and vacancies.

Loads `fixtures/programmes.json` and `fixtures/organisations.json`, then upserts by slug the calls and
vacancies of `fixtures/demo.json`, whose dates are days from today (`opens_in_days`, `closes_in_days`; null
`closes_in_days` is a rolling call, a vacancy without dates takes its call's), or a day the source states
without its year (`opens_on_day`: its next occurrence). They are dates only, as the
sources give them: open from the start of the opening day to the end of the closing day, Europe/Brussels.
`{year}` in a title, reference or description is the call's year, else this year.

Every item names its `source` document; an item without one is made up for the demo and is stored with
`is_example` set, so that its pages say so. `internal_notes` (staff only) say what the source leaves open.
Facts a source does not state are left empty: `positions`, `contract_type`, `city`, `required_education`,
`working_languages` (the list's facets count them as "Not stated").

Idempotent: fixture rows carry fixed primary keys and every value is computed from today's date, so a
second run on the same day changes nothing and creates nothing.
"""

import datetime as dt
import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from programmes.models import Programme
from programmes.translation import LANGUAGE_CODES
from vacancies.models import Call, Organisation, PublicationStatus, Vacancy, end_of_day, start_of_day

BRUSSELS = ZoneInfo("Europe/Brussels")
FIXTURES = ("programmes.json", "organisations.json")
VACANCY_TEXT_FIELDS = (
    "reference",
    "unit",
    "city",
    "country",
    "grade",
    "required_education",
    "reserved_for",
    "contract_type",
    "apply_url",
    "internal_notes",
)
# Written in the item's "language"; the other languages are left empty (no translation yet).
VACANCY_TRANSLATED_FIELDS = (
    "title",
    "summary",
    "description",
    "essential_requirements",
    "desirable_requirements",
    "apply_instructions",
)


class Command(BaseCommand):
    help = "Load the programme and organisation fixtures and upsert the demo calls and vacancies."

    def handle(self, *args, **options):
        fixtures_dir = settings.BASE_DIR / "fixtures"
        try:
            demo = json.loads((fixtures_dir / "demo.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read {fixtures_dir / 'demo.json'}: {error}") from error

        with transaction.atomic():
            call_command("loaddata", *(str(fixtures_dir / name) for name in FIXTURES), verbosity=0)
            seeder = DemoSeeder(today=dt.datetime.now(BRUSSELS).date())
            calls_created = sum(seeder.call_upsert(item) for item in demo["calls"])
            vacancies_created = sum(seeder.vacancy_upsert(item) for item in demo["vacancies"])

        programmes, organisations = Programme.objects.count(), Organisation.objects.count()
        drafts = Vacancy.objects.filter(status=PublicationStatus.DRAFT).count()
        self.stdout.write(
            f"seed_demo: {programmes} programmes, {organisations} organisations, "
            f"{len(demo['calls'])} demo calls ({calls_created} new), {len(demo['vacancies'])} demo vacancies "
            f"({vacancies_created} new, {drafts} draft in total)."
        )


class DemoSeeder:
    def __init__(self, *, today):
        self.today = today
        # "Now" for publication is the start of today, so a second run the same day computes the same values.
        self.published_now = dt.datetime.combine(today, dt.time.min, tzinfo=BRUSSELS)
        self.calls = {}

    def opening(self, days):
        return None if days is None else start_of_day(self.today + dt.timedelta(days=days))

    def closing(self, days):
        return None if days is None else end_of_day(self.today + dt.timedelta(days=days))

    def opening_of(self, item):
        """A day the source states without a year (`opens_on_day`, "07-16": its next occurrence from today),
        else days from today (`opens_in_days`)."""
        if item.get("opens_on_day"):
            month, day = map(int, item["opens_on_day"].split("-"))
            date = self.today.replace(month=month, day=day)
            return start_of_day(date if date >= self.today else date.replace(year=date.year + 1))
        return self.opening(item["opens_in_days"])

    def closing_of(self, item):
        """A date the source states (`closes_on`), else days from today (`closes_in_days`), else none."""
        if item.get("closes_on"):
            return end_of_day(dt.date.fromisoformat(item["closes_on"]))
        return self.closing(item.get("closes_in_days"))

    def publication(self, status, opening):
        """`published_at` is the opening time or now, whichever is earlier; drafts have none."""
        if status != PublicationStatus.PUBLISHED:
            return None
        return min(opening, self.published_now) if opening else self.published_now

    def call_upsert(self, item):
        programme = Programme.objects.get(slug=item["programme"])
        opens_at = self.opening_of(item)
        year = opens_at.year if item.get("opens_on_day") else self.today.year + item.get("year_offset", 0)
        status = item.get("status", PublicationStatus.PUBLISHED)
        call, created = Call.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "programme": programme,
                **in_language(item, ("title", "description"), year),
                "year": year,
                "opens_at": opens_at,
                "opens_at_has_time": False,
                "closes_at": self.closing(item.get("closes_in_days")),
                "closes_at_has_time": False,
                "status": status,
                "published_at": self.publication(status, opens_at),
                # Demo calls that are already open are history, not news: no alert goes out for them.
                "opened_notified_at": opens_at if opens_at <= self.published_now else None,
                "is_example": is_example(item),
                "internal_notes": item.get("internal_notes", ""),
            },
        )
        call.full_clean()
        self.calls[call.slug] = call
        return created

    def vacancy_upsert(self, item):
        call = self.calls[item["call"]] if item.get("call") else None
        programme = call.programme if call else Programme.objects.get(slug=item["programme"])
        if programme.slug != item["programme"]:
            raise CommandError(f"Vacancy {item['slug']} is not in the programme of its call {call.slug}.")
        year = call.year if call else self.today.year
        opens_at = self.opening(item.get("opens_in_days"))
        status = item.get("status", PublicationStatus.PUBLISHED)
        vacancy, created = Vacancy.objects.update_or_create(
            slug=item["slug"],
            defaults={
                **{field: fill(item.get(field, ""), year) for field in VACANCY_TEXT_FIELDS},
                **in_language(item, VACANCY_TRANSLATED_FIELDS, year),
                "programme": programme,
                "organisation": Organisation.objects.get(slug=item["organisation"]),
                "call": call,
                "positions": item.get("positions"),
                # A vacancy in a call whose dates are made up is an example too: no source publishes it
                # as open with those dates.
                "is_example": is_example(item) or (call is not None and call.is_example),
                "required_experience_years": item.get("required_experience_years"),
                "required_languages": item.get("required_languages", {}),
                "working_languages": item.get("working_languages", []),
                "opens_at": opens_at,
                "opens_at_has_time": False,
                "closes_at": self.closing_of(item),
                "closes_at_has_time": False,
                "status": status,
                "published_at": (
                    start_of_day(dt.date.fromisoformat(item["published_on"]))
                    if item.get("published_on") and status == PublicationStatus.PUBLISHED
                    else self.publication(status, opens_at or (call.opens_at if call else None))
                ),
            },
        )
        vacancy.full_clean()
        return created


def in_language(item, names, year):
    """The item's texts in the column of its language, and empty columns for the other languages."""
    language = item.get("language", settings.LANGUAGE_CODE)
    return {
        f"{name}_{code}": fill(item.get(name, ""), year) if code == language else ""
        for name in names
        for code in LANGUAGE_CODES
    }


def is_example(item):
    """Made up for the demo: the item names no source document, or its dates are the demo's."""
    if "source" not in item:
        raise CommandError(f"Demo item {item['slug']} must name its source document (null: an example).")
    return not item["source"] or item.get("dates_made_up", False)


def fill(text, year):
    return text.replace("{year}", str(year))
