"""The catalogue in the admin: editors prepare drafts, publishers publish, close, cancel and duplicate.

Every workflow step, from a changelist action or a button on the change page, goes through
`vacancies.services` and is recorded in the object's history (Django's LogEntry).
"""

import datetime as dt
from typing import NamedTuple

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from translated_fields.admin import TranslatedFieldAdmin

from programmes.translation import columns

from . import selectors, services
from .jsonld import job_posting
from .models import (
    Call,
    Organisation,
    PublicationStatus,
    Vacancy,
    Window,
    day_of,
    effective_window,
    end_of_day,
    names_a_way_to_apply,
    start_of_day,
)

DRAFT = PublicationStatus.DRAFT
# An address typed without a scheme ("www.nato.int/recruitment") is taken as https, as publishing requires.
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "acronym", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name", "acronym", "other_names", "slug"]
    prepopulated_fields = {"slug": ["acronym"]}

    def has_change_permission(self, request, obj=None):
        # A rename or a new website shows at once on every vacancy, in the feeds and in alert e-mails: once
        # candidates see the organisation, changing it is a publisher's step, as for a vacancy.
        publisher = request.user.has_perm("vacancies.publish_vacancy")
        if obj is not None and not publisher and obj.is_shown_to_candidates():
            return False
        return super().has_change_permission(request, obj)


# --- dates as the source gives them: a date, and a time only when one is stated --------------------------


class StatedTime(NamedTuple):
    at: dt.datetime
    has_time: bool


class DateAndOptionalTimeWidget(AdminSplitDateTime):
    def decompress(self, value):
        if isinstance(value, (list, tuple)):  # (date, time or None), as DatesForm sets it
            return list(value)
        return super().decompress(value)


class DateAndOptionalTimeField(forms.MultiValueField):
    """A date, and a time only if the source states one. Without a time, an opening is the start of the
    day and a closing the end of it (Brussels): open all of that day."""

    def __init__(self, *, closing, **kwargs):
        self.closing = closing
        fields = (forms.DateField(), forms.TimeField(required=False))
        kwargs.pop("max_length", None)
        super().__init__(fields, require_all_fields=False, widget=DateAndOptionalTimeWidget, **kwargs)

    def compress(self, values):
        if not values or values[0] is None:
            return None
        day, time = values
        if time is None:
            return StatedTime(end_of_day(day) if self.closing else start_of_day(day), has_time=False)
        at = timezone.make_aware(dt.datetime.combine(day, time), timezone.get_default_timezone())
        return StatedTime(at, has_time=True)


DATE_HELP = gettext_lazy(
    "A date, and a time only if the source states one. Without a time, applications are open all that day "
    "(Brussels time)."
)


class DatesForm(forms.ModelForm):
    """Opening and closing dates entered as a date and an optional time; see DateAndOptionalTimeField."""

    DATE_FIELDS = ("opens_at", "closes_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DATE_FIELDS:
            at, has_time = getattr(self.instance, name), getattr(self.instance, f"{name}_has_time")
            if name in self.fields and at is not None:
                day = day_of(at, has_time=has_time, closing=name == "closes_at")
                self.initial[name] = (day, timezone.localtime(at).time() if has_time else None)

    def clean(self):
        cleaned = super().clean()
        for name in self.DATE_FIELDS:
            value = cleaned.get(name)
            if isinstance(value, StatedTime):
                cleaned[name] = value.at
                setattr(self.instance, f"{name}_has_time", value.has_time)
        return cleaned


class VacancyForm(DatesForm):
    def clean(self):
        cleaned = super().clean()
        vacancy = self.instance
        # The rule publishing applies (services.vacancy_problems), kept while the vacancy is public: an edit
        # must not leave candidates of an open vacancy without a way to apply.
        if vacancy.pk and vacancy.status == PublicationStatus.PUBLISHED:
            stated = Window(None, cleaned.get("closes_at", vacancy.closes_at))
            closes = effective_window(stated, cleaned.get("call", vacancy.call)).closes
            instructions = [cleaned.get(c, getattr(vacancy, c)) for c in columns("apply_instructions")]
            apply_url = cleaned.get("apply_url", vacancy.apply_url)
            still_open = closes is None or closes > timezone.now()
            if still_open and not names_a_way_to_apply(apply_url, instructions):
                raise forms.ValidationError(services.APPLY_PROBLEM)
        return cleaned


# --- filters the dashboard's "needs attention" links open ------------------------------------------------


class VacancyStateFilter(admin.SimpleListFilter):
    title = gettext_lazy("taking applications")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", _("Open now"))]

    def queryset(self, request, queryset):
        return selectors.open_vacancies(queryset) if self.value() == "open" else queryset


class ApplyLinkFilter(admin.SimpleListFilter):
    title = gettext_lazy("apply link")
    parameter_name = "apply_link"

    def lookups(self, request, model_admin):
        return [("no", _("No apply link (instructions only)"))]

    def queryset(self, request, queryset):
        return selectors.without_apply_link(queryset) if self.value() == "no" else queryset


class OpensSoonFilter(admin.SimpleListFilter):
    title = gettext_lazy("opening")
    parameter_name = "opens"

    def lookups(self, request, model_admin):
        return [("soon", _("In the next %(days)d days") % {"days": selectors.SOON_DAYS})]

    def queryset(self, request, queryset):
        return selectors.calls_opening_soon(queryset) if self.value() == "soon" else queryset


def _workflow_action(step, permission, description):
    @admin.action(permissions=[permission], description=description)
    def action(modeladmin, request, queryset):
        if step in modeladmin.CONFIRMED_STEPS and request.POST.get("post") != "yes":
            return modeladmin.confirm_step(request, step, list(queryset), from_changelist=True)
        for obj in queryset:
            modeladmin.run_step(request, obj, step)
        return None

    action.__name__ = step
    return action


class WorkflowAdmin(TranslatedFieldAdmin, admin.ModelAdmin):
    """Publish, close, cancel and duplicate, as actions and as buttons; subclasses name the services."""

    change_form_template = "admin/vacancies/workflow_change_form.html"
    formfield_overrides = HTTPS_URLS
    form = DatesForm
    exclude = ["opens_at_has_time", "closes_at_has_time"]  # set by DatesForm from what staff enter
    readonly_fields = ["status", "published_at", "published_by"]
    # step name: (service, what the history and the message say was done); duplicating needs the add
    # permission, every other step the publish permission.
    steps = {}
    # Steps that ask first, on a page that says what they will do (services.step_effects).
    CONFIRMED_STEPS = ("close", "cancel")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in DatesForm.DATE_FIELDS:
            return DateAndOptionalTimeField(
                closing=db_field.name == "closes_at",
                required=not db_field.blank,
                label=db_field.verbose_name.capitalize(),
                help_text=f"{db_field.help_text} {DATE_HELP}".strip(),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @staticmethod
    def _as_given(at, has_time, closing):
        """A date as staff gave it (a date-only deadline is stored as the next midnight)."""
        if at is None:
            return "–"
        if has_time:
            return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")
        return date_format(day_of(at, has_time=False, closing=closing), "SHORT_DATE_FORMAT")

    @admin.display(description=gettext_lazy("opens"), ordering="opens_at")
    def opening(self, obj):
        return self._as_given(obj.opens_at, obj.opens_at_has_time, closing=False)

    @admin.display(description=gettext_lazy("closes"), ordering="closes_at")
    def deadline(self, obj):
        return self._as_given(obj.closes_at, obj.closes_at_has_time, closing=True)

    def has_publish_permission(self, request):
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")

    def has_change_permission(self, request, obj=None):
        # Editors change drafts; what candidates can see is a publisher's to change.
        if obj is not None and obj.status != DRAFT and not self.has_publish_permission(request):
            return False
        return super().has_change_permission(request, obj)

    def view_on_site(self, obj):
        if obj.status == DRAFT:
            return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_preview", args=[obj.pk])
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None

    def run_step(self, request, obj, step):
        service, done = self.steps[step]
        if step == "duplicate":
            if not self.has_add_permission(request):
                raise PermissionDenied
        elif not self.has_publish_permission(request):
            raise PermissionDenied
        try:
            # Who did it is in the admin's log (log_change below); publishing also records it on the row.
            by = {"by": request.user} if step == "publish" else {}
            result = service(**{self.opts.model_name: obj}, **by)
        except ValidationError as error:
            self.message_user(
                request,
                _("%(object)s was not changed: %(problems)s")
                % {"object": obj, "problems": " ".join(error.messages)},
                messages.ERROR,
            )
            return None
        self.log_change(request, obj, done)
        if step == "duplicate":
            self.log_addition(request, result, _("Duplicated from %(object)s") % {"object": obj})
        self.message_user(request, f"{obj}: {done}", messages.SUCCESS)
        return result

    publish = _workflow_action("publish", "publish", gettext_lazy("Publish selected %(verbose_name_plural)s"))
    close = _workflow_action("close", "publish", gettext_lazy("Close selected %(verbose_name_plural)s now…"))
    cancel = _workflow_action("cancel", "publish", gettext_lazy("Cancel selected %(verbose_name_plural)s…"))
    duplicate = _workflow_action(
        "duplicate", "add", gettext_lazy("Duplicate selected %(verbose_name_plural)s as drafts")
    )
    actions = ["publish", "close", "cancel", "duplicate"]

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<int:pk>/step/<str:step>/", self.admin_site.admin_view(self.step_view), name=f"{prefix}_step"
            ),
            path(
                "<int:pk>/preview/", self.admin_site.admin_view(self.preview_view), name=f"{prefix}_preview"
            ),
        ] + super().get_urls()

    def step_view(self, request, pk, step):
        """The buttons of the change page: Close and Cancel show what they will do first (GET), then act
        (POST); Publish and Duplicate act at once (POST only)."""
        if step not in self.steps:
            raise PermissionDenied
        obj = get_object_or_404(self.model, pk=pk)
        if request.method == "GET" and step in self.CONFIRMED_STEPS:
            if not self.has_publish_permission(request):
                raise PermissionDenied
            return self.confirm_step(request, step, [obj])
        if request.method != "POST":
            raise PermissionDenied
        result = self.run_step(request, obj, step)
        target = result if step == "duplicate" and result is not None else obj
        return HttpResponseRedirect(
            reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[target.pk])
        )

    def confirm_step(self, request, step, objects, from_changelist=False):
        """The page that asks before closing or cancelling: what will happen to each object."""
        opts = self.opts
        info = f"admin:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": self.step_question(step, len(objects)),
            "opts": opts,
            "step": step,
            "button": dict(self.step_labels())[step],
            "items": [
                {"object": obj, "state": self.state(obj), "effects": services.step_effects(step, obj)}
                for obj in objects
            ],
            "from_changelist": from_changelist,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "back": reverse(f"{info}_changelist")
            if from_changelist
            else reverse(f"{info}_change", args=[objects[0].pk]),
            "media": self.media,
        }
        return TemplateResponse(request, "admin/vacancies/confirm_step.html", context)

    def state(self, obj):
        """(key, words): the object's state as candidates meet it, for the badges of the admin."""
        now = timezone.now()
        if obj.status == PublicationStatus.CANCELLED:
            return "cancelled", _("Cancelled")
        if obj.status == DRAFT:
            return "draft", _("Draft: candidates do not see it")
        opens, closes = self.window(obj)
        if closes is not None and closes <= now:
            return "closed", _("Published, closed since %(when)s") % {"when": self._when(closes)}
        if opens is not None and opens > now:
            return "upcoming", _("Published, opens %(when)s") % {"when": self._when(opens)}
        if closes is None:
            return "open", _("Published, open (no closing date)")
        return "open", _("Published, open until %(when)s") % {"when": self._when(closes)}

    @staticmethod
    def _when(at):
        return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")

    def window(self, obj):
        return obj.opens_at, obj.closes_at

    def available_steps(self, request, obj):
        """The steps that would change something for this object, among those this user may take."""
        _opens, closes = self.window(obj)
        possible = {
            "publish": obj.status == DRAFT,
            "close": obj.status == PublicationStatus.PUBLISHED
            and (closes is None or closes > timezone.now()),
            "cancel": obj.status != PublicationStatus.CANCELLED,
            "duplicate": True,
        }
        may_publish, may_add = self.has_publish_permission(request), self.has_add_permission(request)
        return [
            (step, label)
            for step, label in self.step_labels()
            if possible[step] and (may_add if step == "duplicate" else may_publish)
        ]

    STATE_WORDS = {
        "draft": gettext_lazy("Draft"),
        "upcoming": gettext_lazy("Opens soon"),
        "open": gettext_lazy("Open"),
        "closed": gettext_lazy("Closed"),
        "cancelled": gettext_lazy("Cancelled"),
    }

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state_badge(self, obj):
        key, _words = self.state(obj)
        return format_html('<span class="state state--{}">{}</span>', key, self.STATE_WORDS[key])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {})}
        obj = self.get_object(request, unquote(object_id))
        if obj is not None:
            key, words = self.state(obj)
            extra_context |= {
                "workflow_state": words,
                "workflow_state_key": key,
                "workflow_steps": self.available_steps(request, obj),
                "confirmed_steps": self.CONFIRMED_STEPS,
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def step_labels(self):
        """(step, button label) in the order of the buttons."""
        raise NotImplementedError

    def step_question(self, step, count):
        """The title of the confirmation page."""
        raise NotImplementedError

    class Media:
        css = {"all": ["css/admin.css"]}

    def preview_view(self, request, pk):
        raise NotImplementedError


class VacancyInline(TranslatedFieldAdmin, admin.StackedInline):
    """The vacancies of a call, with what publishing needs; the rest is on each vacancy's own page."""

    model = Vacancy
    fields = [
        *columns("title"),
        "slug",
        ("organisation", "positions", "contract_type"),
        ("city", "country"),
        *columns("summary"),
        *columns("description"),
        "apply_url",
        "status",
    ]
    readonly_fields = ["status"]
    prepopulated_fields = {"slug": ["title_nl"]}
    autocomplete_fields = ["organisation"]
    formfield_overrides = HTTPS_URLS
    show_change_link = True
    extra = 0


@admin.register(Call)
class CallAdmin(WorkflowAdmin):
    # At 1280 px the state, the dates and the programme show without scrolling (tests/browser).
    list_display = ["title", "state_badge", "programme", "opening", "deadline", "year", "published_by"]
    list_filter = ["status", OpensSoonFilter, "programme", "year"]
    list_select_related = ["programme", "published_by"]
    search_fields = [*columns("title"), "slug"]
    date_hierarchy = "closes_at"
    prepopulated_fields = {"slug": ["title_nl"]}
    autocomplete_fields = ["programme"]
    readonly_fields = [*WorkflowAdmin.readonly_fields, "opened_notified_at"]
    inlines = [VacancyInline]

    def save_formset(self, request, form, formset, change):
        # Vacancies added on a call's page belong to the call's programme.
        for vacancy in formset.save(commit=False):
            vacancy.programme_id = vacancy.programme_id or form.instance.programme_id
            vacancy.save()
        for vacancy in formset.deleted_objects:
            vacancy.delete()
        formset.save_m2m()

    steps = {
        "publish": (services.call_publish, gettext_lazy("published")),
        "close": (services.call_close, gettext_lazy("closed")),
        "cancel": (services.call_cancel, gettext_lazy("cancelled")),
        "duplicate": (services.call_duplicate, gettext_lazy("duplicated as a draft")),
    }

    def step_labels(self):
        return [
            ("publish", _("Publish call")),
            ("close", _("Close call now")),
            ("cancel", _("Cancel call")),
            ("duplicate", _("Duplicate call")),
        ]

    def step_question(self, step, count):
        if step == "close":
            if count == 1:
                return _("Close this call now?")
            return _("Close these %(count)d calls now?") % {"count": count}
        if count == 1:
            return _("Cancel this call?")
        return _("Cancel these %(count)d calls?") % {"count": count}

    def preview_view(self, request, pk):
        # A call has no page of its own: its preview is the first of its vacancies.
        vacancy = Vacancy.objects.filter(call_id=pk).order_by("pk").first()
        if vacancy is None:
            self.message_user(request, _("This call has no vacancy to preview yet."), messages.WARNING)
            return HttpResponseRedirect(reverse("admin:vacancies_call_change", args=[pk]))
        return HttpResponseRedirect(reverse("admin:vacancies_vacancy_preview", args=[vacancy.pk]))


@admin.register(Vacancy)
class VacancyAdmin(WorkflowAdmin):
    form = VacancyForm
    # At 1280 px the state, the dates and the programme show without scrolling (tests/browser).
    list_display = [
        "title",
        "state_badge",
        "programme",
        "opening",
        "deadline",
        "organisation_short",
        "positions",
    ]
    list_filter = [
        "status",
        VacancyStateFilter,
        ApplyLinkFilter,
        "programme",
        "contract_type",
        "required_education",
        "reserved_for",
        "organisation__kind",
    ]
    list_select_related = ["organisation", "programme", "call"]
    search_fields = [
        *columns("title"),
        "reference",
        "slug",
        "city",
        "organisation__name",
        "organisation__acronym",
    ]
    autocomplete_fields = ["programme", "organisation", "call"]
    date_hierarchy = "closes_at"
    prepopulated_fields = {"slug": ["title_nl"]}
    fieldsets = [
        (
            None,
            {"fields": [*columns("title"), "slug", "reference", "programme", "organisation", "call", "unit"]},
        ),
        (
            gettext_lazy("Place and terms"),
            {"fields": ["city", "country", "grade", "positions", "contract_type", "working_languages"]},
        ),
        (
            gettext_lazy("Text (Markdown)"),
            {
                "fields": [
                    *columns("summary"),
                    *columns("description"),
                    *columns("essential_requirements"),
                    *columns("desirable_requirements"),
                ]
            },
        ),
        (
            gettext_lazy("Requirements other than the programme's"),
            {
                "fields": [
                    "required_education",
                    "required_experience_years",
                    "required_languages",
                    "reserved_for",
                ]
            },
        ),
        (
            gettext_lazy("Applying"),
            {"fields": ["apply_url", *columns("apply_instructions"), "opens_at", "closes_at"]},
        ),
        (gettext_lazy("Publication"), {"fields": ["status", "published_at", "published_by", "is_example"]}),
        (gettext_lazy("For staff only"), {"fields": ["internal_notes"]}),
    ]
    steps = {
        "publish": (services.vacancy_publish, gettext_lazy("published")),
        "close": (services.vacancy_close, gettext_lazy("closed")),
        "cancel": (services.vacancy_cancel, gettext_lazy("cancelled")),
        "duplicate": (services.vacancy_duplicate, gettext_lazy("duplicated as a draft")),
    }

    def window(self, obj):
        window = obj.window  # its own dates, else its call's
        return window.opens, window.closes

    @admin.display(description=gettext_lazy("opens"), ordering="window_opens")
    def opening(self, obj):
        window = obj.window
        return self._as_given(window.opens, window.opens_has_time, closing=False)

    @admin.display(description=gettext_lazy("closes"), ordering="window_closes")
    def deadline(self, obj):
        window = obj.window
        return self._as_given(window.closes, window.closes_has_time, closing=True)

    def state(self, obj):
        if obj.call is not None and obj.call.status == PublicationStatus.CANCELLED:
            return "cancelled", _("Cancelled with its call")
        if obj.call is not None and obj.call.status == DRAFT and obj.status != PublicationStatus.CANCELLED:
            return "draft", _("Its call is a draft: candidates do not see it")
        return super().state(obj)

    @admin.display(description=gettext_lazy("organisation"), ordering="organisation__acronym")
    def organisation_short(self, obj):
        return obj.organisation.short_name

    def step_labels(self):
        return [
            ("publish", _("Publish vacancy")),
            ("close", _("Close vacancy now")),
            ("cancel", _("Cancel vacancy")),
            ("duplicate", _("Duplicate vacancy")),
        ]

    def step_question(self, step, count):
        if step == "close":
            if count == 1:
                return _("Close this vacancy now?")
            return _("Close these %(count)d vacancies now?") % {"count": count}
        if count == 1:
            return _("Cancel this vacancy?")
        return _("Cancel these %(count)d vacancies?") % {"count": count}

    def preview_view(self, request, pk):
        """The public page of a vacancy in any state, for staff only, never indexed or cached."""
        vacancy = get_object_or_404(
            Vacancy.objects.with_state().select_related("programme", "organisation", "call"), pk=pk
        )
        if not self.has_view_permission(request, vacancy):
            raise PermissionDenied
        response = TemplateResponse(
            request,
            "admin/vacancies/vacancy_preview.html",
            {"vacancy": vacancy, "similar": [], "json_ld": job_posting(vacancy, request), "preview": True},
        )
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
