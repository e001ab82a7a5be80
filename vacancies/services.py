"""Writes to the catalogue. Views, admin actions and commands all go through these functions."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from programmes.translation import LANGUAGE_CODES

from .models import Call, PublicationStatus, Vacancy
from .signals import call_opened, vacancies_published

DRAFT, PUBLISHED, CANCELLED = (
    PublicationStatus.DRAFT,
    PublicationStatus.PUBLISHED,
    PublicationStatus.CANCELLED,
)


# --- checks before publication ---------------------------------------------------------------------


def vacancy_problems(vacancy: Vacancy) -> list[str]:
    """What stops a vacancy from being published, in words an editor can act on.

    A vacancy that is open, or will open, needs a way to apply that candidates can follow: an apply link, or
    instructions that name a web or e-mail address. One already closed (for the archive) does not.
    """
    problems = []
    if not (vacancy.description or "").strip():
        problems.append(_("Add a description."))
    opens, closes = vacancy.window.opens, vacancy.window.closes
    if vacancy.apply_url and not vacancy.apply_url.startswith("https://"):
        problems.append(_("The apply link must start with https://."))
    elif (closes is None or closes > timezone.now()) and not vacancy.names_a_way_to_apply():
        problems.append(APPLY_PROBLEM)
    if opens and closes and closes <= opens:
        problems.append(_("The closing date must come after the opening date."))
    return problems


APPLY_PROBLEM = gettext_lazy(
    "Give an https apply link or instructions that name where to apply (a web or e-mail address): "
    "candidates cannot apply to this vacancy otherwise."
)


def call_problems(call: Call) -> list[str]:
    problems = []
    if call.closes_at and call.closes_at <= call.opens_at:
        problems.append(_("The closing date must come after the opening date."))
    for vacancy in call.vacancies.filter(status=DRAFT).select_related("call"):
        problems += [f"{vacancy.title}: {problem}" for problem in vacancy_problems(vacancy)]
    return problems


# --- publication -------------------------------------------------------------------------------------


def _announce_if_open(call: Call, now):
    if call.status == PUBLISHED and call.opens_at <= now:
        # After commit: listeners (the alert fan-out) must see the published rows.
        transaction.on_commit(lambda: call_opened.send(sender=Call, call=call))


@transaction.atomic
def call_publish(*, call: Call, by=None) -> Call:
    """Publish a call and its draft vacancies; announce it when it is already open.

    Raises ValidationError listing every problem; publishing a published call changes nothing.
    """
    call = Call.objects.select_for_update().get(pk=call.pk)
    if call.status == PUBLISHED:
        return call
    if call.status == CANCELLED:
        raise ValidationError(_("A cancelled call cannot be published again; duplicate it instead."))
    if problems := call_problems(call):
        raise ValidationError(problems)
    now = timezone.now()
    call.status, call.published_at, call.published_by = PUBLISHED, now, by
    call.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    drafts = call.vacancies.filter(status=DRAFT)
    ids = list(drafts.values_list("pk", flat=True))
    drafts.update(status=PUBLISHED, published_at=now, published_by=by, updated_at=now)
    _announce_if_open(call, now)
    _announce_published(ids)
    return call


def _announce_published(ids):
    if ids:
        transaction.on_commit(lambda: vacancies_published.send(sender=Vacancy, vacancy_ids=ids))


@transaction.atomic
def vacancy_publish(*, vacancy: Vacancy, by=None) -> Vacancy:
    # of=self: PostgreSQL cannot lock the nullable side (the call) of the outer join.
    vacancy = Vacancy.objects.select_for_update(of=("self",)).select_related("call").get(pk=vacancy.pk)
    if vacancy.status == PUBLISHED:
        return vacancy
    if vacancy.status == CANCELLED:
        raise ValidationError(_("A cancelled vacancy cannot be published again; duplicate it instead."))
    if problems := vacancy_problems(vacancy):
        raise ValidationError(problems)
    vacancy.status, vacancy.published_at, vacancy.published_by = PUBLISHED, timezone.now(), by
    vacancy.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    _announce_published([vacancy.pk])
    return vacancy


# --- closing and cancelling --------------------------------------------------------------------------


@transaction.atomic
def call_close(*, call: Call) -> Call:
    """Close a call now; its vacancies that would close later close with it."""
    now = timezone.now()
    if call.closes_at is None or call.closes_at > now:
        call.closes_at, call.closes_at_has_time = now, True
        call.save(update_fields=["closes_at", "closes_at_has_time", "updated_at"])
        call.vacancies.filter(closes_at__gt=now).update(
            closes_at=now, closes_at_has_time=True, updated_at=now
        )
    return call


@transaction.atomic
def vacancy_close(*, vacancy: Vacancy) -> Vacancy:
    now = timezone.now()
    vacancy = Vacancy.objects.select_related("call").get(pk=vacancy.pk)
    if vacancy.window_closes is None or vacancy.window_closes > now:
        vacancy.closes_at, vacancy.closes_at_has_time = now, True
        vacancy.save(update_fields=["closes_at", "closes_at_has_time", "updated_at"])
    return vacancy


@transaction.atomic
def call_cancel(*, call: Call) -> Call:
    """Cancel a call: its vacancies say since when they are cancelled (closed); no alert goes out for it."""
    if call.status != CANCELLED:
        call.status, call.cancelled_at = CANCELLED, timezone.now()
        call.save(update_fields=["status", "cancelled_at", "updated_at"])
    return call


@transaction.atomic
def vacancy_cancel(*, vacancy: Vacancy) -> Vacancy:
    """Cancel a vacancy: if it was public, its page stays and says since when it is cancelled."""
    if vacancy.status != CANCELLED:
        vacancy.status, vacancy.cancelled_at = CANCELLED, timezone.now()
        vacancy.save(update_fields=["status", "cancelled_at", "updated_at"])
    return vacancy


# --- what closing and cancelling will do, for the confirmation staff read first ----------------------


def _when(at):
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _subscribers_note(call: Call | None, now) -> str:
    """Alerts go out once, when a call opens (applications listens to `call_opened`); never on closing."""
    if call is None:
        return _("Subscribers are not told: alerts go out only when a call opens.")
    if call.opened_notified_at:
        return _(
            "Subscribers were alerted when the call opened (%(when)s); they are not told that it ends."
        ) % {"when": _when(call.opened_notified_at)}
    if call.status == PUBLISHED and call.opens_at <= now:
        return _("Subscribers are not told: alerts go out only when a call opens.")
    return _("The call has not opened yet: its subscribers will not be alerted about it.")


def step_effects(step: str, obj) -> list[str]:
    """What `close` or `cancel` will do to a call or a vacancy, in the words of the confirmation page."""
    now = timezone.now()
    if isinstance(obj, Call):
        ending = obj.vacancies.exclude(status=CANCELLED).filter(window_closes__gt=now)
        public = ending.filter(status=PUBLISHED).count()
        total = ending.count()
        if step == "close":
            if obj.closes_at is not None and obj.closes_at <= now:
                return [
                    _("The call closed on %(when)s already: nothing changes.")
                    % {"when": _when(obj.closes_at)}
                ]
            effects = [
                ngettext(
                    "Applications end now. %(total)d vacancy still taking or awaiting applications closes "
                    "with the call (%(public)d of them visible to candidates).",
                    "Applications end now. %(total)d vacancies still taking or awaiting applications close "
                    "with the call (%(public)d of them visible to candidates).",
                    total,
                )
                % {"total": total, "public": public}
            ]
        else:
            if obj.status == CANCELLED:
                return [_("The call is cancelled already: nothing changes.")]
            effects = [
                ngettext(
                    "The call and its %(total)d vacancy still taking or awaiting applications are shown as "
                    "cancelled (%(public)d of them visible to candidates); their pages stay and say since "
                    "when.",
                    "The call and its %(total)d vacancies still taking or awaiting applications are shown as "
                    "cancelled (%(public)d of them visible to candidates); their pages stay and say since "
                    "when.",
                    total,
                )
                % {"total": total, "public": public},
                _("A cancelled call cannot be published again; duplicate it instead."),
            ]
        return [*effects, _subscribers_note(obj, now)]
    vacancy = Vacancy.objects.select_related("call").get(pk=obj.pk)
    if step == "close":
        closes = vacancy.window_closes
        if vacancy.status == CANCELLED or (closes is not None and closes <= now):
            return [_("The vacancy is closed already: nothing changes.")]
        effects = [_("Applications end now; the vacancy's page stays and says it is closed.")]
    else:
        if vacancy.status == CANCELLED:
            return [_("The vacancy is cancelled already: nothing changes.")]
        effects = [
            _("Candidates never saw this draft and will not.")
            if vacancy.status == DRAFT
            else _("The vacancy is shown as cancelled; its page stays and says since when."),
            _("A cancelled vacancy cannot be published again; duplicate it instead."),
        ]
    return [*effects, _("Subscribers are not told: alerts go out only when a call opens.")]


# --- duplication -------------------------------------------------------------------------------------


def _unique_slug(model, slug):
    max_length = model._meta.get_field("slug").max_length
    stem = f"{slug}-copy"[:max_length]
    candidate, n = stem, 1
    while model.objects.filter(slug=candidate).exists():
        n += 1
        suffix = f"-{n}"
        candidate = stem[: max_length - len(suffix)] + suffix
    return candidate


def _copy_titles(obj):
    """Each title that exists, marked as a copy in its own language."""
    titles = {}
    for code in LANGUAGE_CODES:
        if title := getattr(obj, f"title_{code}"):
            with translation.override(code):
                titles[f"title_{code}"] = _("%(title)s (copy)") % {"title": title}
    return titles


def _draft_copy(obj, **changes):
    copy = type(obj).objects.get(pk=obj.pk)
    copy.pk = None
    copy.slug = _unique_slug(type(obj), obj.slug)
    copy.status, copy.published_at, copy.published_by, copy.cancelled_at = DRAFT, None, None, None
    for name, value in changes.items():
        setattr(copy, name, value)
    copy.save()
    return copy


@transaction.atomic
def vacancy_duplicate(*, vacancy: Vacancy, call=None) -> Vacancy:
    """A draft copy, to reuse a vacancy for a new round (in a copied call, under its own title)."""
    if call is not None:
        return _draft_copy(vacancy, call=call)
    return _draft_copy(vacancy, **_copy_titles(vacancy))


@transaction.atomic
def call_duplicate(*, call: Call) -> Call:
    """A draft copy of a call with draft copies of its vacancies (the next year's call, say)."""
    copy = _draft_copy(call, **_copy_titles(call), opened_notified_at=None)
    for vacancy in call.vacancies.all():
        vacancy_duplicate(vacancy=vacancy, call=copy)
    return copy
