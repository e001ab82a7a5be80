"""Signals other apps listen to; vacancies never imports them back."""

from django.dispatch import Signal

# Sent once a call is open to candidates (published with `opens_at` reached). Arguments: `call`.
call_opened = Signal()

# Sent once vacancies are published (after the commit). Arguments: `vacancy_ids`. They may open later:
# listeners that care about open vacancies check, and find the others when they open.
vacancies_published = Signal()
