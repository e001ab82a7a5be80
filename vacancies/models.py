"""The catalogue: who recruits (organisations), under which call, for which vacancies.

A vacancy is *open* when it is published, its opening time has come and its closing time has not
(Europe/Brussels); a vacancy without dates of its own takes its call's. `Vacancy.objects.open()` and
friends are the only place that rule is written.

The words for a vacancy's dates:
- `opens_at` / `closes_at` (with `opens_at_has_time` / `closes_at_has_time`): what staff stated on this row,
  a call or a vacancy; a vacancy's are empty when it follows its call.
- `window_opens` / `window_closes` (with `window_opens_has_time` / `window_closes_has_time`): a vacancy's
  *window*, the dates candidates read, its own else its call's, None where neither states one. The database
  stores them (the triggers of migration 0016, which every query reads); `Vacancy.window` computes the same
  for an instance not saved yet (`effective_window`).
- `opens_on` / `closes_on`: the window's days as staff gave them (the last day to apply).

Sources mostly give a deadline as a date ("Plazo: 31-12-2025"): then `closes_at` is the end of that day in
Brussels (the next midnight, when applications close) and `closes_at_has_time` is False, so pages show the
date alone; an opening date alone is the start of its day (`opens_at_has_time` False). The stored instants
keep every comparison as it was.
"""

import datetime as dt
import hashlib
import json
import re
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from programmes.markup import render_markdown
from programmes.models import Education, Programme
from programmes.translation import active_first, columns, localized, require_one, translated

# The stored window of a vacancy without an opening or closing time (see Vacancy.window_opens).
WINDOW_START = dt.datetime(1, 1, 1, tzinfo=dt.UTC)
WINDOW_END = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)

# A web or e-mail address in free text: a URL with a scheme or starting with www., or name@domain.tld.
ADDRESS = re.compile(r"\b(?:https?://|www\.)[^\s<>()]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b", re.I)


class WorkingLanguage(models.TextChoices):
    """The languages a post is selected and worked in (a Belgian federal selection's language role, an
    international organisation's working languages)."""

    DUTCH = "nl", _("Dutch")
    FRENCH = "fr", _("French")
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")


class LanguageCodesField(models.CharField):
    """A set of WorkingLanguage codes: a sorted list in Python, "en,fr" in the database (so that
    `__contains="fr"` finds a language on any database), checkboxes in the admin."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, list | tuple | set):
            return sorted(set(value), key=WorkingLanguage.values.index)
        return [code for code in WorkingLanguage.values if code in (value or "").split(",")]

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, list | tuple | set):
            return ",".join(self.to_python(value))
        return value  # a lookup's text ("fr" for __contains) or None

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        from django import forms

        return forms.TypedMultipleChoiceField(
            choices=WorkingLanguage.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )


def start_of_day(day: dt.date) -> dt.datetime:
    """The first instant of `day` in Brussels: an opening date without a time."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def end_of_day(day: dt.date) -> dt.datetime:
    """The instant after the last of `day` in Brussels (the next midnight): a deadline without a time."""
    return start_of_day(day + dt.timedelta(days=1))


def day_of(at: dt.datetime | None, *, has_time: bool, closing: bool) -> dt.date | None:
    """The date as staff gave it: for a closing time without a time of its own, the last day still open."""
    if at is None:
        return None
    local = timezone.localtime(at, timezone.get_default_timezone())
    if closing and not has_time:
        local -= dt.timedelta(microseconds=1)
    return local.date()


class Window(NamedTuple):
    """When a vacancy opens and closes (None: not stated), and whether each was stated with a time."""

    opens: dt.datetime | None
    closes: dt.datetime | None
    opens_has_time: bool = False
    closes_has_time: bool = False

    @classmethod
    def stated(cls, row) -> "Window":
        """The dates stated on `row` (a call or a vacancy) itself."""
        return cls(row.opens_at, row.closes_at, row.opens_at_has_time, row.closes_at_has_time)


def effective_window(own: Window, call) -> Window:
    """A vacancy's window: each of its own dates, else its call's, with whether that one has a time.

    The one statement of this rule in Python, for instances (saved or not, and an admin form's values); the
    database states it in the window triggers (migration 0016), which every query reads (`window_opens`,
    `window_closes` and their `_has_time`)."""
    theirs = Window.stated(call) if call is not None else Window(None, None)
    opening = own if own.opens is not None else theirs
    closing = own if own.closes is not None else theirs
    return Window(
        opening.opens,
        closing.closes,
        opening.opens is not None and opening.opens_has_time,
        closing.closes is not None and closing.closes_has_time,
    )


class WindowEdgeField(models.DateTimeField):
    """A stored window date: the column holds a stand-in for "not stated" (WINDOW_START, WINDOW_END) so
    that one index range serves "open", and Python reads None for it.

    It deconstructs as the DateTimeField the column is: a changed deconstruction would make SQLite rebuild
    the table in a migration, dropping the window triggers with it."""

    def __init__(self, *args, stand_in=None, **kwargs):
        self.stand_in = stand_in
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DateTimeField", args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value == self.stand_in else value


def names_a_way_to_apply(apply_url: str, instructions) -> bool:
    """An apply link, or instructions (any of them: one per language) that name a web or e-mail address."""
    return bool(apply_url) or any(ADDRESS.search(text or "") for text in instructions)


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", _("Cancelled")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)


MARKDOWN_FIELDS = ("description", "essential_requirements", "desirable_requirements", "apply_instructions")
MARKDOWN_COLUMNS = {column for name in MARKDOWN_FIELDS for column in columns(name)}
_DETAIL_PREFIXES = {}


def text_digest(text):
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def detail_path(slug):
    """reverse("vacancies:detail", slug=slug) without a URL resolution per vacancy: a list reverses once per
    language and script prefix, then joins."""
    from django.urls import get_script_prefix

    key = (get_language(), get_script_prefix())
    if (prefix := _DETAIL_PREFIXES.get(key)) is None:
        prefix = _DETAIL_PREFIXES[key] = reverse("vacancies:detail", kwargs={"slug": "_"})[:-2]
    return f"{prefix}{slug}/"


# What a vacancy's eligibility rules depend on: vacancies alike in these form a *group*, and a candidate's
# verdict is the same for the whole group (vacancies.selectors, "the catalogue against a profile").
GROUP_FIELDS = (
    "programme_id",
    "call_id",
    "reserved_for",
    "reserved_countries",
    "required_education",
    "required_experience_years",
    "required_languages",
)
GROUP_COLUMNS = {"programme", "call", *GROUP_FIELDS}


def eligibility_group_key(values):
    """A hashable key from a vacancy's GROUP_FIELDS values (from a row or an instance)."""
    programme_id, call_id, reserved_for, reserved_countries, education, experience, languages = values
    if not isinstance(reserved_countries, str):
        reserved_countries = ",".join(sorted(str(c) for c in reserved_countries or ()))
    return (
        programme_id,
        call_id,
        reserved_for or "",
        reserved_countries,
        education or "",
        experience,
        json.dumps(languages or {}, sort_keys=True),
    )


def eligibility_group_digest(key):
    """The group's name in Vacancy.eligibility_group: a digest of its key (2, 2.0 and "2.0" years alike)."""
    *head, experience, languages = key
    if experience is not None:
        experience = format(Decimal(str(experience)).normalize(), "f")
    text = json.dumps([*head, experience, languages])
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


class Publishable(models.Model):
    """What a call and a vacancy share: their publication (status, by whom, when), whether their times were
    stated, when they were cancelled, and what staff note about them."""

    status = models.CharField(
        _("status"), max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    opens_at_has_time = models.BooleanField(
        _("opening time stated"), default=True, help_text=_("Off: the source gives a date only.")
    )
    closes_at_has_time = models.BooleanField(
        _("closing time stated"), default=True, help_text=_("Off: the source gives a date only.")
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True, editable=False)
    is_example = models.BooleanField(
        _("example data"),
        default=False,
        help_text=_("Made up for demonstration, not taken from a source: candidates are told so."),
    )
    internal_notes = models.TextField(
        _("internal notes"), blank=True, help_text=_("For staff only: never shown to candidates.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Organisation(models.Model):
    class Kind(models.TextChoices):
        UN_AGENCY = "un-agency", _("UN organisation")
        NATO = "nato", _("NATO")
        BELGIAN_FEDERAL = "belgian-federal", _("Belgian federal service")
        DEFENCE = "defence", _("Defence")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    website = models.URLField(_("website"), blank=True)
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_("Its names and acronyms in other languages (OTAN, NAVO), so that search finds them."),
    )
    # The name is the organisation's own, in one language: pages in another mark it with lang (WCAG 3.1.2).
    name_language = models.CharField(
        _("language of the name"),
        max_length=2,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of the name and acronym. Empty: the same in every language."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def natural_key(self):
        return (self.slug,)

    def is_shown_to_candidates(self):
        """Named by a vacancy that is not a draft: its name and website are on public pages and in e-mails."""
        return self.vacancies.exclude(status=PublicationStatus.DRAFT).exists()

    @property
    def short_name(self):
        return self.acronym or self.name


class CallQuerySet(PublishableQuerySet):
    def open(self, now=None):
        now = now or timezone.now()
        return self.published().filter(Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))


class Call(Publishable):
    """A call for candidates under a programme: a JPO call of a year, a Selor round, a recruitment wave."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="calls")
    title = translated(models.CharField(_("title"), max_length=200))
    slug = models.SlugField(unique=True)
    year = models.PositiveSmallIntegerField(_("year"))
    description = translated(models.TextField(_("description"), help_text=_("Markdown.")))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Empty: rolling call.")
    )
    opened_notified_at = models.DateTimeField(_("subscribers notified at"), null=True, blank=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_at"]
        indexes = [models.Index(fields=["status", "opens_at"])]
        permissions = [("publish_call", _("Can publish, close and cancel calls"))]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title

    def clean(self):
        require_one(self, "title")

    @property
    def closes_on(self):
        """The last day to apply, as staff gave it (Brussels); None for a rolling call."""
        return day_of(self.closes_at, has_time=self.closes_at_has_time, closing=True)


class VacancyQuerySet(PublishableQuerySet):
    """Vacancies as candidates see them. Every public read starts from `public()`."""

    def public(self):
        """Published vacancies whose call (if any) was published; a cancelled call shows them as closed."""
        return self.published().exclude(call__status=PublicationStatus.DRAFT)

    def cancelled_after_publication(self):
        """Vacancies cancelled once candidates could see them: their pages stay, and say so."""
        return self.filter(status=PublicationStatus.CANCELLED, published_at__isnull=False).exclude(
            call__status=PublicationStatus.DRAFT
        )

    def with_dates(self):
        """Annotate `cancellation_at`: when the vacancy or its call was cancelled (the window's dates are
        columns: `window_opens`, `window_closes`)."""
        return self.annotate(
            # A row cancelled other than by the cancel service (no cancelled_at): its last change.
            cancellation_at=Case(
                When(status=PublicationStatus.CANCELLED, then=Coalesce("cancelled_at", "updated_at")),
                When(
                    call__status=PublicationStatus.CANCELLED,
                    then=Coalesce("call__cancelled_at", "call__updated_at"),
                ),
            ),
        )

    # The rules below read the stored window (window_opens/window_closes), which an index serves: dates
    # coalesced from the call in the query would make every query join and scan the whole catalogue.
    @staticmethod
    def open_q(now):
        return (
            Q(window_opens__lte=now)
            & Q(window_closes__gt=now)
            & (Q(call__isnull=True) | Q(call__status=PublicationStatus.PUBLISHED))
        )

    @staticmethod
    def closed_q(now):
        return Q(window_closes__lte=now) | Q(call__status=PublicationStatus.CANCELLED)

    @staticmethod
    def upcoming_q(now):
        return (
            Q(window_opens__gt=now)
            & Q(window_closes__gt=now)
            & (Q(call__isnull=True) | Q(call__status=PublicationStatus.PUBLISHED))
        )

    @classmethod
    def shown_closed_q(cls, now):
        """What `with_state()` calls closed: cancelled, or closed by its dates or its call."""
        return Q(status=PublicationStatus.CANCELLED) | cls.closed_q(now)

    def with_state(self, now=None):
        """Annotate dates and `state` (`open`, `upcoming` or `closed`: cancelled ones too) as of `now`."""
        now = now or timezone.now()
        return self.with_dates().annotate(
            state=Case(
                When(self.shown_closed_q(now), then=Value(Vacancy.State.CLOSED)),
                When(window_opens__gt=now, then=Value(Vacancy.State.UPCOMING)),
                default=Value(Vacancy.State.OPEN),
            )
        )

    def open(self, now=None):
        now = now or timezone.now()
        return self.public().with_state(now).filter(self.open_q(now))

    def closed(self, now=None):
        now = now or timezone.now()
        return self.public().with_state(now).filter(self.closed_q(now))

    def upcoming(self, now=None):
        now = now or timezone.now()
        return self.public().with_state(now).filter(self.upcoming_q(now))

    def search(self, terms):
        """The vacancies that match `terms`, annotated with `rank` (vacancies.search: both databases)."""
        from .search import search

        return search(self, terms)

    def by_closing(self):
        # Rolling vacancies (no closing time) come last: their window closes at WINDOW_END.
        return self.order_by("window_closes", localized("title"), "pk")


class Vacancy(Publishable):
    class ReservedFor(models.TextChoices):
        ANYONE = "", _("No reservation")
        BELGIAN = "belgian", _("Belgian nationals")
        PARTNER_COUNTRY = (
            "partner-country",
            _("Nationals of the partner countries of Belgian development cooperation"),
        )

    class ContractType(models.TextChoices):
        FIXED_TERM = "fixed-term", _("Fixed-term contract")
        PERMANENT = "permanent", _("Permanent contract")
        SECONDMENT = "secondment", _("Secondment")
        RESERVE = "reserve", _("Reserve service (part-time)")

    class State(models.TextChoices):
        UPCOMING = "upcoming", _("Opens soon")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = translated(models.CharField(_("title"), max_length=200))
    slug = models.SlugField(max_length=220, unique=True)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="vacancies")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="vacancies")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, null=True, blank=True, related_name="vacancies")
    unit = models.CharField(_("division or service"), max_length=200, blank=True)
    city = models.CharField(_("duty station"), max_length=100, blank=True, help_text=_("Empty: not stated."))
    # Blank where the source does not name one: a secondment to "missions abroad" is not in Belgium.
    country = CountryField(_("country"), blank=True, help_text=_("Empty: not stated."))
    grade = models.CharField(_("grade"), max_length=30, blank=True)
    positions = models.PositiveIntegerField(
        _("positions"), null=True, blank=True, help_text=_("Empty: the source does not state how many.")
    )
    summary = translated(models.TextField(_("summary")))
    description = translated(models.TextField(_("description"), help_text=_("Markdown.")))
    essential_requirements = translated(
        models.TextField(_("essential requirements"), help_text=_("Markdown."))
    )
    desirable_requirements = translated(
        models.TextField(_("desirable requirements"), help_text=_("Markdown."))
    )
    required_education = models.CharField(
        _("required education"),
        max_length=10,
        choices=Education.choices,
        blank=True,
        help_text=_("Empty: as the programme requires."),
    )
    required_experience_years = models.DecimalField(
        _("required experience (years)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Empty: as the programme requires."),
    )
    required_languages = models.JSONField(
        _("required languages"),
        default=dict,
        blank=True,
        help_text=_(
            'Empty: as the programme requires. For example {"languages": ["en", "fr"], "levels": [5, 2]}.'
        ),
    )
    reserved_for = models.CharField(
        _("reserved for"), max_length=20, choices=ReservedFor.choices, blank=True, default=ReservedFor.ANYONE
    )
    reserved_countries = CountryField(
        _("reserved for nationals of"),
        multiple=True,
        blank=True,
        help_text=_("Only the nationals of these countries may apply; empty: as “reserved for” says."),
    )
    contract_type = models.CharField(
        _("contract type"),
        max_length=20,
        choices=ContractType.choices,
        blank=True,
        help_text=_("Empty: the source does not state it."),
    )
    working_languages = LanguageCodesField(
        _("selection and working languages"),
        help_text=_("The languages the selection is held and the post is worked in. Empty: not stated."),
    )
    apply_url = models.URLField(_("apply link"), blank=True)
    apply_instructions = translated(models.TextField(_("how to apply"), help_text=_("Markdown.")))
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True, help_text=_("Empty: as the call."))
    closes_at = models.DateTimeField(
        _("closes at"), null=True, blank=True, help_text=_("Empty: as the call.")
    )
    # The Markdown texts (MARKDOWN_FIELDS, each language's column) as sanitised HTML, rendered once when the
    # vacancy is saved rather than on every page, API answer and JSON-LD, with a digest of the text rendered:
    # {"description_nl": ["<digest>", "<p>…</p>"]}.
    rendered = models.JSONField(default=dict, blank=True, editable=False)
    # eligibility_group_digest() of its GROUP_FIELDS, set by save(): the list with a candidate's profile
    # narrows to the groups of a verdict with one condition, "eligibility_group IN (...)".
    eligibility_group = models.CharField(max_length=16, blank=True, default="", editable=False)
    # Kept up to date by a PostgreSQL trigger (migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # The window (see the module's docstring): own opens_at, else the call's, else WINDOW_START (read as
    # None); own closes_at, else the call's, else WINDOW_END (read as None); each with whether it has a time.
    # Set by database triggers on both vendors (migration 0016), so bulk_create, .update() and a call's new
    # dates keep it current; null only in an unsaved instance.
    window_opens = WindowEdgeField(null=True, editable=False, stand_in=WINDOW_START)
    window_closes = WindowEdgeField(null=True, editable=False, stand_in=WINDOW_END)
    window_opens_has_time = models.BooleanField(null=True, editable=False)
    window_closes_has_time = models.BooleanField(null=True, editable=False)

    objects = VacancyQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        indexes = [
            models.Index(fields=["status", "closes_at"]),
            models.Index(fields=["country"]),
            models.Index(fields=["published_at"]),
            # Open vacancies are a range of window_closes; the other columns, id included (COUNT reads
            # it), let counts and facet counts read the index alone (an index-only scan), not the table.
            models.Index(
                fields=[
                    *("window_closes", "window_opens"),
                    *("call", "programme", "organisation", "country", "id"),
                ],
                condition=Q(status=PublicationStatus.PUBLISHED),
                name="vacancy_public_window",
            ),
            # The next opening time (when cached pages must expire: vacancies.caching).
            models.Index(
                fields=["window_opens"],
                condition=Q(status=PublicationStatus.PUBLISHED),
                name="vacancy_public_opens",
            ),
        ]
        permissions = [("publish_vacancy", _("Can publish, close and cancel vacancies"))]
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # The derived columns, when what they derive from may have changed.
        fields = kwargs.get("update_fields")
        fields = None if fields is None else set(fields)
        if fields is None or fields & MARKDOWN_COLUMNS:
            self.render_texts()
            fields = fields and fields | {"rendered"}
        if fields is None or fields & GROUP_COLUMNS:
            self.group_again()
            fields = fields and fields | {"eligibility_group"}
        if fields is not None:
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return detail_path(self.slug)

    def fill_derived(self):
        """The columns derived from the row's own, which save() fills (bulk_create() callers call this)."""
        self.render_texts()
        self.group_again()

    def group_again(self):
        key = eligibility_group_key([getattr(self, name) for name in GROUP_FIELDS])
        self.eligibility_group = eligibility_group_digest(key)

    def render_texts(self):
        """Render the Markdown texts into `rendered` (save() does; bulk_create() callers must), each with a
        digest of the text it was rendered from."""
        self.rendered = {
            column: [text_digest(text), str(render_markdown(text))]
            for column in sorted(MARKDOWN_COLUMNS)
            if (text := getattr(self, column))
        }

    def html(self, name):
        """The Markdown text `name` as the page shows it (the active language, else the first that has text),
        as sanitised HTML: the one rendered at save, else (a text written around save(), by update() say)
        rendered now."""
        for code in active_first():
            if text := getattr(self, f"{name}_{code}"):
                digest, html = self.rendered.get(f"{name}_{code}") or ("", "")
                if digest == text_digest(text):
                    return mark_safe(html)  # noqa: S308 - sanitised when rendered
                return render_markdown(text)
        return ""

    @property
    def description_html(self):
        return self.html("description")

    @property
    def essential_requirements_html(self):
        return self.html("essential_requirements")

    @property
    def desirable_requirements_html(self):
        return self.html("desirable_requirements")

    @property
    def apply_instructions_html(self):
        return self.html("apply_instructions")

    @property
    def window(self) -> Window:
        """Its own dates, else its call's, computed (see `effective_window`): for an instance whose stored
        window is not current, as one not saved yet or an admin form's."""
        return effective_window(Window.stated(self), self.call)

    def clean(self):
        require_one(self, "title", "summary")

    def names_a_way_to_apply(self) -> bool:
        return names_a_way_to_apply(
            self.apply_url, [getattr(self, column) for column in columns("apply_instructions")]
        )

    # The window's days as candidates read them, from the stored window (a vacancy read from the database).
    @property
    def opens_on(self):
        return day_of(self.window_opens, has_time=self.window_opens_has_time, closing=False)

    @property
    def closes_on(self):
        return day_of(self.window_closes, has_time=self.window_closes_has_time, closing=True)
