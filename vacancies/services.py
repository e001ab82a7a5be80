"""Writes to the catalogue. Views, admin actions and commands all go through these functions."""

from django.db import transaction
from django.utils import timezone

from .models import Call, PublicationStatus, Vacancy
from .signals import call_opened


def _announce_if_open(call: Call, now):
    if call.status == PublicationStatus.PUBLISHED and call.opens_at <= now:
        # After commit: listeners (the alert fan-out) must see the published rows.
        transaction.on_commit(lambda: call_opened.send(sender=Call, call=call))


@transaction.atomic
def call_publish(*, call: Call, by=None) -> Call:
    """Publish a call and its draft vacancies; announce it when it is already open."""
    now = timezone.now()
    if call.status == PublicationStatus.PUBLISHED:
        return call
    call.status = PublicationStatus.PUBLISHED
    call.published_at = now
    call.save(update_fields=["status", "published_at", "updated_at"])
    call.vacancies.filter(status=PublicationStatus.DRAFT).update(
        status=PublicationStatus.PUBLISHED, published_at=now, updated_at=now
    )
    _announce_if_open(call, now)
    return call


@transaction.atomic
def call_close(*, call: Call, by=None) -> Call:
    """Close a call now (its vacancies without dates of their own close with it)."""
    now = timezone.now()
    if call.closes_at is None or call.closes_at > now:
        call.closes_at = now
        call.save(update_fields=["closes_at", "updated_at"])
        call.vacancies.filter(closes_at__gt=now).update(closes_at=now, updated_at=now)
    return call


@transaction.atomic
def vacancy_publish(*, vacancy: Vacancy, by=None) -> Vacancy:
    if vacancy.status != PublicationStatus.PUBLISHED:
        vacancy.status = PublicationStatus.PUBLISHED
        vacancy.published_at = timezone.now()
        vacancy.save(update_fields=["status", "published_at", "updated_at"])
    return vacancy


@transaction.atomic
def vacancy_close(*, vacancy: Vacancy, by=None) -> Vacancy:
    now = timezone.now()
    vacancy = Vacancy.objects.with_dates().select_related("call").get(pk=vacancy.pk)
    if vacancy.closing_at is None or vacancy.closing_at > now:
        vacancy.closes_at = now
        vacancy.save(update_fields=["closes_at", "updated_at"])
    return vacancy
