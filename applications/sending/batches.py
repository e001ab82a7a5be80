"""Sending the rows of queue.py, each exactly once, over one connection per batch.

`deliver(model, ids)` claims the pending rows among `ids` (SKIP LOCKED, so two workers never hold the same
row), composes each message (messages.py) and sends them over one connection (transport.py), marking each row
sent *before* the message is committed to the server (sent_mark.py). Rows it could not send go back to
pending; a message the server refuses for good fails alone. A live worker renews the lease of what it holds
(`claims_renew`, from sweeper.py), so the lease is short and a dead worker's rows are taken over within a
minute by the sweeps of queue.py.
"""

import logging
import smtplib
import threading
import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from programmes.translation import columns
from vacancies.models import Vacancy

from ..models import AlertDelivery, AlertMatch, AlertReport, OutboxMessage
from .messages import Listing, compose
from .sent_mark import SentMark
from .transport import MessageRefused, backend_problem, transport

log = logging.getLogger(__name__)
Status = AlertDelivery.Status
NOTHING = {"sent": 0, "abandoned": 0, "refused": 0}


def deliver(model, ids) -> dict:
    """Send the pending rows of `model` (AlertDelivery, OutboxMessage or AlertReport) among `ids`.

    Returns the counts {"sent", "abandoned" (taken over meanwhile), "refused"}. Raises SMTPException or
    OSError on a connection failure, with every row not accepted given back to pending: the task retries.
    """
    if problem := backend_problem():  # before anything is claimed: the rows stay pending, and the task fails
        raise ImproperlyConfigured(problem)
    claim = uuid.uuid4().hex
    held = _claim(model, ids, claim)
    if not held:
        return dict(NOTHING)
    items, listings = _LOAD[model](held, claim)
    if model is AlertReport and (withdrawn := [r for r in items if not listings[r.pk]]):
        # Every vacancy it reports was withdrawn since: nothing to tell.
        for report in withdrawn:
            _release(model, claim, pk=report.pk, status=Status.FAILED, error="nothing left to report")
        items = [r for r in items if listings[r.pk]]
    if not items:
        return dict(NOTHING)
    return _send_claimed(model, claim, items, lambda item: compose(item, listings.get(_listing_key(item))))


def _listing_key(item):
    return item.call_id if isinstance(item, AlertDelivery) else item.pk


def _deliveries(ids, claim):
    deliveries = list(
        AlertDelivery.objects.filter(pk__in=ids, claim=claim)
        .select_related("subscriber", "call")
        # What an alert needs: loading every column of three tables cost a tenth of the worker's time.
        .only(
            "call", "subscriber__email", "subscriber__language", "subscriber__token_key", "call__updated_at"
        )
        .order_by("pk")
    )
    return deliveries, _open_vacancies({d.call_id for d in deliveries})


def _outbox(ids, claim):
    messages = OutboxMessage.objects.filter(pk__in=ids, claim=claim).select_related("subscriber", "alert")
    return list(messages.order_by("pk")), {}


def _reports(ids, claim):
    reports = (
        AlertReport.objects.filter(pk__in=ids, claim=claim)
        .select_related("alert__subscriber")
        # What a report's e-mail reads: its alert's search and frequency, and whom to write to (with the key
        # of their links).
        .only(
            *("alert__selection", "alert__frequency"),
            *("alert__subscriber__email", "alert__subscriber__language", "alert__subscriber__token_key"),
        )
    )
    reports = list(reports.order_by("pk"))
    return reports, _report_vacancies([r.pk for r in reports])


_LOAD = {AlertDelivery: _deliveries, OutboxMessage: _outbox, AlertReport: _reports}


def _claim(model, ids, claim):
    with transaction.atomic():
        ids = list(
            model.objects.select_for_update(skip_locked=True)
            .filter(pk__in=ids, status=Status.PENDING)
            .values_list("pk", flat=True)
        )
        model.objects.filter(pk__in=ids, attempts__gte=settings.ALERTS_MAX_ATTEMPTS).update(
            status=Status.FAILED, last_error="too many attempts"
        )
        model.objects.filter(pk__in=ids, attempts__lt=settings.ALERTS_MAX_ATTEMPTS).update(
            status=Status.SENDING, claim=claim, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return ids


def _release(model, claim, *, pk=None, status=Status.PENDING, error=""):
    """Give messages of this run back (to pending) or settle them (failed)."""
    queryset = model.objects.filter(claim=claim).exclude(status=Status.FAILED)
    # One message whatever its state (it may be marked sent already), or every one still held.
    queryset = queryset.filter(pk=pk) if pk is not None else queryset.filter(status=Status.SENDING)
    queryset.update(status=status, claim="", claimed_at=None, sent_at=None, last_error=error[:200])


# The claims this process is sending now. The worker's sweeper renews their lease (`claims_renew`), so a lease
# can be short, and the claims of a worker that died are taken over soon after: no heartbeat, no lease.
_held = set()
_held_lock = threading.Lock()


def claims_renew() -> int:
    """Renew the lease of every claim this process holds; returns the number of rows renewed."""
    with _held_lock:
        claims = list(_held)
    if not claims:
        return 0
    return sum(
        model.objects.filter(claim__in=claims, status=Status.SENDING).update(claimed_at=timezone.now())
        for model in (AlertDelivery, OutboxMessage, AlertReport)
    )


def _send_claimed(model, claim, items, build) -> dict:
    """Send `items` (held by `claim`) over one connection, each marked sent before its final dot."""
    counts = {"sent": 0, "abandoned": 0, "refused": 0}
    in_flight = None
    with _held_lock:
        _held.add(claim)
    try:
        with transport() as mail:
            for item in items:
                in_flight = item
                try:
                    sent = mail.send(build(item), SentMark(item.pk, claim, model=model))
                except MessageRefused as error:
                    _release(model, claim, pk=item.pk, status=Status.FAILED, error=str(error))
                    counts["refused"] += 1
                    continue
                counts["sent" if sent else "abandoned"] += 1
                in_flight = None
    except (smtplib.SMTPException, OSError) as error:
        # Whatever was not confirmed by the server goes back to pending, the message in flight included.
        if in_flight is not None:  # marked sent, perhaps, but not accepted by the server
            _release(model, claim, pk=in_flight.pk, error=type(error).__name__)
        _release(model, claim, error=type(error).__name__)
        log.warning(
            "%s batch interrupted after %s sent: %s", model.__name__, counts["sent"], type(error).__name__
        )
        raise
    finally:
        with _held_lock:
            _held.discard(claim)
    return counts


# What an e-mail's line for a vacancy shows (title in each language, its organisation, duty station, last day,
# address) and the key of its rendered line (updated_at): a digest batch names hundreds of vacancies, and
# loading every column of each (three languages of long texts among them) took a seventh of a digest run's
# worker early on and a quarter late (py-spy).
_LINE_FIELDS = (
    *("slug", *columns("title"), "organisation", "city", "updated_at"),
    *("window_closes", "window_closes_has_time"),
)


def _open_vacancies(call_ids):
    by_call = {call_id: [] for call_id in call_ids}
    for vacancy in (
        Vacancy.objects.public()
        .filter(call_id__in=call_ids)
        .select_related("organisation")
        .only(*_LINE_FIELDS, "call")
        .by_closing()
    ):
        by_call[vacancy.call_id].append(vacancy)
    return {call_id: Listing(vacancies) for call_id, vacancies in by_call.items()}


def _report_vacancies(report_ids):
    """{report id: [vacancies still public, soonest closing first]}."""
    by_report = {pk: [] for pk in report_ids}
    matches = AlertMatch.objects.filter(report_id__in=report_ids).values_list("report_id", "vacancy_id")
    report_of = {}
    for report_id, vacancy_id in matches:
        report_of.setdefault(vacancy_id, []).append(report_id)
    vacancies = (
        Vacancy.objects.public()
        .filter(pk__in=report_of)
        .select_related("organisation")
        .only(*_LINE_FIELDS)
        .by_closing()
    )
    for vacancy in vacancies:
        for report_id in report_of[vacancy.pk]:
            by_report[report_id].append(vacancy)
    return by_report
