"""Listens to the catalogue: a call that opens starts the alert fan-out; published vacancies are matched
against the search alerts (in the worker: publishing does not wait for it)."""

from django.db import transaction
from django.dispatch import receiver

from vacancies.signals import call_opened, vacancies_published

from .tasks import dispatch, fan_out_call, match_vacancies


@receiver(call_opened, dispatch_uid="applications.fan_out_on_call_opened")
def fan_out_when_a_call_opens(sender, call, **kwargs):
    call_id = call.pk
    transaction.on_commit(lambda: dispatch(fan_out_call, call_id))


@receiver(vacancies_published, dispatch_uid="applications.match_published_vacancies")
def match_published_vacancies(sender, vacancy_ids, **kwargs):
    ids = list(vacancy_ids)
    transaction.on_commit(lambda: dispatch(match_vacancies, ids))
