"""Listens to the catalogue: a call that opens starts the alert fan-out."""

from django.db import transaction
from django.dispatch import receiver

from vacancies.signals import call_opened

from .tasks import dispatch, fan_out_call


@receiver(call_opened, dispatch_uid="applications.fan_out_on_call_opened")
def fan_out_when_a_call_opens(sender, call, **kwargs):
    call_id = call.pk
    transaction.on_commit(lambda: dispatch(fan_out_call, call_id))
