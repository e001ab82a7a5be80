"""Signals other apps listen to; vacancies never imports them back."""

from django.dispatch import Signal

# Sent once a call is open to candidates (published with `opens_at` reached). Arguments: `call`.
call_opened = Signal()
