"""`manage.py generate_bench_data --vacancies N --subscribers M`: a catalogue and audience at national scale.

Loads the programme and organisation fixtures (as `seed_demo` does), then makes what the benchmarks
(`make bench`, docs/performance.md) run against:

- 300 generated organisations besides the 25 of the fixtures;
- vacancies `bench-0` ... `bench-<N-1>`, written in Dutch, French or English, in every country: 80% are a
  closed archive (closing dates up to 15 years back), the rest are open. Vacancies of the programmes that
  recruit in rounds (JPO, civil crisis experts, asylum and migration) belong to a yearly call and take its
  dates, as in the demo data;
- confirmed subscribers `bench-<i>@example.invalid`, all following jpo, a third also civil-crisis-expert.

Idempotent: row i is the same whatever N is (its text comes from a generator seeded with i), existing rows
are left alone, missing ones are created and bench rows numbered N (or M) and above are removed. Dates are
whole days from the day a row is created, so only rows created on another day differ in their dates.

It lives in the project package, above the three apps, because it writes subscribers as well as vacancies
(programmes <- vacancies <- applications <- jobboard).
"""

import datetime as dt
import json
import random
import re
import time
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation
from django_countries import countries

from applications.models import Subscriber
from programmes.models import Programme
from vacancies import caching
from vacancies.management.commands.seed_demo import FIXTURES
from vacancies.models import Call, Organisation, PublicationStatus, Vacancy

BRUSSELS = ZoneInfo("Europe/Brussels")
GENERATED_ORGANISATIONS = 300
ARCHIVE_YEARS = 15
CHUNK = 1000
VACANCY_SLUG = re.compile(r"^bench-(\d+)$")
SUBSCRIBER_EMAIL = re.compile(r"^bench-(\d+)@example\.invalid$")


def is_open(i):
    """One vacancy in five is open, the others are the archive."""
    return i % 5 == 0


def subscriber_email(i):
    return f"bench-{i}@example.invalid"


# Programme slug: (share of the vacancies, recruits in calls, languages of its vacancies with weights).
PROGRAMMES = {
    "jpo": (40, True, {"nl": 4, "fr": 3, "en": 3}),
    "asylum-migration": (20, True, {"nl": 11, "fr": 9}),
    "nato-staff": (20, False, {"en": 7, "fr": 3}),
    "civil-crisis-expert": (10, True, {"nl": 1, "fr": 1}),
    "defence-reserve": (10, False, {"nl": 11, "fr": 9}),
}
CALL_TITLES = {
    "jpo": "JPO-oproep {year}",
    "asylum-migration": "Asiel en migratie: rekruteringsgolf {year}",
    "civil-crisis-expert": "Selectie contractueel expert civiel crisisbeheer {year}",
}
# The fixture organisations that recruit for each programme, and the kind of generated ones that may.
HOME_ORGANISATIONS = {
    "jpo": (
        ["undp", "unicef", "wfp", "fao", "unhcr", "who", "unrwa", "ilo", "unfpa", "unaids", "un-women"]
        + ["unep", "iom", "ohchr", "ocha", "osrsg-caac", "osrsg-svc", "ceb"],
        Organisation.Kind.UN_AGENCY,
    ),
    "asylum-migration": (["dvz", "cgvs", "rvv", "fedasil"], Organisation.Kind.BELGIAN_FEDERAL),
    "nato-staff": (["nato-is"], Organisation.Kind.NATO),
    "civil-crisis-expert": (["fod-buitenlandse-zaken"], Organisation.Kind.OTHER),
    "defence-reserve": (["defensie"], Organisation.Kind.DEFENCE),
}
JPO_PARTNER_COUNTRIES = ("BJ", "BF", "BI", "CD", "GN", "MA", "ML", "MZ", "NE", "UG", "PS", "RW", "SN", "TZ")
# The sentence tables (cities, topics, roles, texts, organisation names) are data, in bench_texts.json.
TABLES = json.loads((Path(__file__).with_name("bench_texts.json")).read_text(encoding="utf-8"))
CITIES = TABLES["cities"]
TOPICS = [tuple(topic) for topic in TABLES["topics"]]
LANGUAGES = ("nl", "fr", "en")
ROLES = TABLES["roles"]
TEXTS = TABLES["texts"]
ORGANISATION_NAMES = TABLES["organisation_names"]


def capitalised(text):
    return text[:1].upper() + text[1:]


def generated_organisations():
    """The generated organisations, as (slug, name, acronym, kind): every name pattern crossed with topics."""
    patterns = [(kind, pattern) for kind, names in ORGANISATION_NAMES.items() for pattern in names]
    rows = []
    for i in range(GENERATED_ORGANISATIONS):
        kind, pattern = patterns[i % len(patterns)]
        nl, fr, en = TOPICS[(i // len(patterns)) % len(TOPICS)]
        name = pattern.format(nl=capitalised(nl), fr=fr, en=capitalised(en))
        acronym = "".join(word[0] for word in re.findall(r"[\w']+", name) if word[0].isupper())[:8]
        rows.append((f"bench-org-{i}", name, acronym, kind))
    return rows


class Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per tenth otherwise."""

    def __init__(self, stream, label, total, enabled=True):
        self.stream, self.label, self.total = stream, label, total
        self.enabled = enabled and total > 0
        self.tty = stream.isatty()
        self.done, self.started, self.drawn = 0, time.monotonic(), -1.0

    def advance(self, count):
        self.done += count
        if not self.enabled:
            return
        fraction = self.done / self.total
        if self.tty and (time.monotonic() - self.drawn > 0.2 or self.done == self.total):
            bar = "#" * int(fraction * 30)
            self.stream.write(f"\r{self.line(fraction)} [{bar:<30}]", ending="")
            self.drawn = time.monotonic()
        elif not self.tty and int(fraction * 10) > int((self.done - count) / self.total * 10):
            self.stream.write(self.line(fraction))

    def line(self, fraction):
        elapsed = time.monotonic() - self.started
        return f"{self.label}: {self.done:,}/{self.total:,} ({fraction:.0%}, {elapsed:.1f} s)"

    def close(self):
        if self.enabled and self.tty:
            self.stream.write("")


class Command(BaseCommand):
    help = "Create (or top up to) N benchmark vacancies and M confirmed jpo subscribers; see the module doc."

    def add_arguments(self, parser):
        parser.add_argument("--vacancies", type=int, required=True, metavar="N")
        parser.add_argument("--subscribers", type=int, required=True, metavar="M")

    def handle(self, *args, vacancies, subscribers, verbosity, **options):
        if vacancies < 0 or subscribers < 0:
            raise CommandError("--vacancies and --subscribers must be zero or more.")
        self.show_progress = verbosity > 0
        generator = BenchData(today=dt.datetime.now(BRUSSELS).date())
        fixtures_dir = settings.BASE_DIR / "fixtures"
        with transaction.atomic():
            call_command("loaddata", *(str(fixtures_dir / name) for name in FIXTURES), verbosity=0)
            generator.organisations_ensure()
            generator.calls_ensure()
        vacancies_made, vacancies_removed = self.top_up(
            "vacancies", generator.vacancy_indexes(), vacancies, generator.vacancies_create, Vacancy
        )
        subscribers_made, subscribers_removed = self.top_up(
            "subscribers",
            generator.subscriber_indexes(),
            subscribers,
            generator.subscribers_create,
            Subscriber,
        )
        caching.bump()  # bulk_create() sends no signal: pages cached before must go
        self.stdout.write(
            f"generate_bench_data: {vacancies:,} vacancies ({vacancies_made:,} new, "
            f"{vacancies_removed:,} removed), {subscribers:,} subscribers ({subscribers_made:,} new, "
            f"{subscribers_removed:,} removed)."
        )

    def top_up(self, label, existing, wanted, create, model):
        """Create the missing rows 0..wanted-1 in chunks, delete those numbered `wanted` and above."""
        extra = [pk for i, pk in existing.items() if i >= wanted]
        for start in range(0, len(extra), CHUNK):
            model.objects.filter(pk__in=extra[start : start + CHUNK]).delete()
        missing = iter([i for i in range(wanted) if i not in existing])
        progress = Progress(self.stderr, label, wanted - (len(existing) - len(extra)), self.show_progress)
        while chunk := list(islice(missing, CHUNK)):
            with transaction.atomic():
                create(chunk)
            progress.advance(len(chunk))
        progress.close()
        return progress.done, len(extra)


class BenchData:
    """Builds bench rows; everything about row i comes from `random.Random(i)` and the day of creation."""

    def __init__(self, *, today):
        self.today = today
        self.now = dt.datetime.combine(today, dt.time.min, tzinfo=BRUSSELS)
        self.all_countries = [code for code, _name in countries]
        self.country_names = {}
        for language in LANGUAGES:
            with translation.override(language):
                self.country_names[language] = {code: str(name) for code, name in countries}

    def at_noon(self, days):
        return dt.datetime.combine(self.today + dt.timedelta(days=days), dt.time(12), tzinfo=BRUSSELS)

    def organisations_ensure(self):
        rows = generated_organisations()
        existing = set(
            Organisation.objects.filter(slug__startswith="bench-org-").values_list("slug", flat=True)
        )
        Organisation.objects.bulk_create(
            Organisation(
                slug=slug, name=name, acronym=acronym, kind=kind, website=f"https://{slug}.example.org"
            )
            for slug, name, acronym, kind in rows
            if slug not in existing
        )
        organisations = {o.slug: o for o in Organisation.objects.all()}
        self.organisations = {}
        for programme, (home, kind) in HOME_ORGANISATIONS.items():
            generated = [organisations[slug] for slug, _n, _a, k in rows if k == kind]
            self.organisations[programme] = ([organisations[slug] for slug in home], generated)

    def calls_ensure(self):
        """A published call per year for the programmes that recruit in calls, the current one open."""
        self.programmes = {p.slug: p for p in Programme.objects.filter(slug__in=PROGRAMMES)}
        missing = set(PROGRAMMES) - set(self.programmes)
        if missing:
            raise CommandError(f"Programmes missing after loading the fixtures: {', '.join(sorted(missing))}")
        wanted = {}
        for slug, (_share, in_calls, _languages) in PROGRAMMES.items():
            if not in_calls:
                continue
            for year in range(self.today.year - ARCHIVE_YEARS, self.today.year):
                opens = dt.datetime(year, 3, 1, 12, tzinfo=BRUSSELS)
                wanted[f"bench-{slug}-{year}"] = (slug, year, opens, opens + dt.timedelta(days=30))
            wanted[f"bench-{slug}-current"] = (slug, self.today.year, self.at_noon(-10), self.at_noon(30))
        existing = set(Call.objects.filter(slug__in=wanted).values_list("slug", flat=True))
        Call.objects.bulk_create(
            Call(
                slug=call_slug,
                programme=self.programmes[slug],
                title_nl=CALL_TITLES[slug].format(year=year),  # the call titles are Dutch
                year=year,
                opens_at=opens,
                closes_at=closes,
                status=PublicationStatus.PUBLISHED,
                published_at=opens,
                # Bench calls are history, not news: no alert goes out for them.
                opened_notified_at=opens,
            )
            for call_slug, (slug, year, opens, closes) in wanted.items()
            if call_slug not in existing
        )
        self.calls = {c.slug: c for c in Call.objects.filter(slug__in=wanted)}

    def vacancy_indexes(self):
        rows = Vacancy.objects.filter(slug__startswith="bench-").values_list("slug", "pk")
        return {int(m[1]): pk for slug, pk in rows if (m := VACANCY_SLUG.match(slug))}

    def subscriber_indexes(self):
        rows = Subscriber.objects.filter(email__startswith="bench-").values_list("email", "pk")
        return {int(m[1]): pk for email, pk in rows if (m := SUBSCRIBER_EMAIL.match(email))}

    def vacancies_create(self, indexes):
        vacancies = [self.vacancy(i) for i in indexes]
        for vacancy in vacancies:
            vacancy.fill_derived()  # as save() does, which bulk_create() does not call
        Vacancy.objects.bulk_create(vacancies)

    def vacancy(self, i):
        rng = random.Random(f"vacancy-{i}")  # noqa: S311 - repeatable test data, not secrets
        programme = rng.choices(list(PROGRAMMES), weights=[p[0] for p in PROGRAMMES.values()])[0]
        _share, in_calls, languages = PROGRAMMES[programme]
        language = rng.choices(list(languages), weights=list(languages.values()))[0]
        home, generated = self.organisations[programme]
        organisation = rng.choice(home if rng.random() < 0.5 or not generated else generated)
        country = self.country(rng, programme)
        city = CITIES.get(country, self.country_names["en"][country])
        if isinstance(city, dict):
            city = rng.choice(city[language])
        topic_index, other_index = rng.sample(range(len(TOPICS)), 2)
        topic = TOPICS[topic_index][LANGUAGES.index(language)]
        other = TOPICS[other_index][LANGUAGES.index(language)]
        role = rng.choice(ROLES[language])
        if programme == "jpo":
            topic_en = capitalised(TOPICS[topic_index][2])
            title = f"Junior Professional Officer – {topic_en} ({organisation.short_name})"
        elif language == "nl":
            title = f"{role} {topic}"
        else:
            title = f"{role} – {topic}"
        text = TEXTS[language]
        values = {
            "org": organisation.short_name,
            "role": role.lower() if language != "en" else role,
            "topic": topic,
            "other": other,
            "city": city,
            "country": self.country_names[language][country],
            "years": rng.choice((2, 3, 5, 7)),
            "months": rng.choice((12, 24, 36)),
        }
        duties = rng.sample(text["sentences"], 6)
        paragraphs = [text["duties"], " ".join(duties[:3]), " ".join(duties[3:])]
        paragraphs += [text["offer"], text["offers"]]
        opens_at = closes_at = call = None
        if in_calls:
            year = rng.randrange(self.today.year - ARCHIVE_YEARS, self.today.year)
            call = self.calls[f"bench-{programme}-{'current' if is_open(i) else year}"]
        elif is_open(i):
            opens_at = self.at_noon(-rng.randint(1, 45))
            rolling = programme == "defence-reserve" and rng.random() < 0.5
            closes_at = None if rolling else self.at_noon(rng.randint(7, 120))
        else:
            closes_at = self.at_noon(-rng.randint(1, ARCHIVE_YEARS * 365))
            opens_at = closes_at - dt.timedelta(days=rng.randint(21, 60))
        return Vacancy(
            slug=f"bench-{i}",
            # Each text in the column of its language (the other languages stay empty, as untranslated).
            **{f"title_{language}": title},
            reference=f"BENCH-{i}",
            programme=self.programmes[programme],
            organisation=organisation,
            call=call,
            unit=capitalised(topic) if rng.random() < 0.3 else "",
            city=city,
            country=country,
            grade=rng.choice(("", "P-2", "P-3", "A1", "A2", "NS-B", "OF-3")),
            positions=rng.choice((1, 1, 1, 1, 2, 3, 5, 10, 25)),
            **{
                f"summary_{language}": text["summary"].format(**values),
                f"description_{language}": "\n\n".join(paragraphs).format(**values),
                f"essential_requirements_{language}": "\n".join(
                    f"- {line}" for line in text["essential"]
                ).format(**values),
                f"desirable_requirements_{language}": "\n".join(
                    f"- {line}" for line in rng.sample(text["desirable"], 2)
                ).format(**values),
            },
            reserved_for=rng.choice(("belgian", "partner-country")) if programme == "jpo" else "",
            contract_type=Vacancy.ContractType.RESERVE
            if programme == "defence-reserve"
            else rng.choice((Vacancy.ContractType.FIXED_TERM, Vacancy.ContractType.SECONDMENT)),
            apply_url=f"https://{organisation.slug}.example.org/careers/bench-{i}",
            working_languages=[language],
            **{f"apply_instructions_{language}": text["apply"].format(**values)},
            opens_at=opens_at,
            closes_at=closes_at,
            status=PublicationStatus.PUBLISHED,
            published_at=opens_at or call.opens_at,
        )

    def country(self, rng, programme):
        if programme in ("asylum-migration", "defence-reserve"):
            return "BE"
        if programme == "jpo" and rng.random() < 0.6:
            return rng.choice(JPO_PARTNER_COUNTRIES)
        if programme == "nato-staff" and rng.random() < 0.5:
            return "BE"
        return rng.choice(self.all_countries)

    def subscribers_create(self, indexes):
        subscribers = Subscriber.objects.bulk_create(
            Subscriber(
                email=subscriber_email(i),
                language=random.Random(f"subscriber-{i}").choices(LANGUAGES, weights=(55, 35, 10))[0],  # noqa: S311
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=self.now,
            )
            for i in indexes
        )
        follows = Subscriber.programmes.through
        jpo, civil_crisis = self.programmes["jpo"], self.programmes["civil-crisis-expert"]
        rows = [follows(subscriber_id=s.pk, programme_id=jpo.pk) for s in subscribers]
        rows += [
            follows(subscriber_id=s.pk, programme_id=civil_crisis.pk)
            for i, s in zip(indexes, subscribers, strict=True)
            if i % 3 == 0
        ]
        follows.objects.bulk_create(rows)
