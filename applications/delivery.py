"""Alert fan-out: one `AlertDelivery` per subscriber and call, each sent exactly once.

1. `deliveries_create(call)`: one pending row per confirmed follower of the call's programme. The unique
   (subscriber, call) pair makes re-running it harmless: publishing twice, re-saving, a retried task.
2. `deliveries_send(ids)`: claims the pending rows among `ids` (SKIP LOCKED, so two workers never hold
   the same row), then sends them over one connection, marking each row sent *before* the message is
   committed to the server (see mailer.py and sent_mark.py). Rows it could not send go back to pending.
3. `deliveries_sweep()`: gives rows held by a dead worker (lease expired) back to pending, and dispatches
   pending rows whose task was lost. A live worker renews the lease of what it holds (`claims_renew`), so
   the lease is short and a dead worker's rows are taken over within a minute (sweeper.py).

The e-mails a person asked for (confirmation and withdrawal links) take the same path as `OutboxMessage`
rows: written with the request, sent by `outbox_send`, swept by `outbox_sweep`.

Search alerts take it too, one (alert, vacancy) pair at a time:

4. `vacancies_match(ids)`: an open vacancy is matched once (`ScannedVacancy`) against the confirmed search
   alerts; each match is an `AlertMatch`, unique per (alert, vacancy). A vacancy that opens after it was
   published is found by the sweep (`vacancies_unscanned`) when it opens.
5. `reports_create(now)`: for each alert whose e-mail is due (an hour after the last one; or the daily or
   weekly digest time, Brussels), one `AlertReport` takes the alert's unreported matches, each match given to
   one report only. `reports_send(ids)` sends them like deliveries: exactly once, whatever is killed when.
"""

import logging
import smtplib
import threading
import uuid
from datetime import datetime, timedelta
from datetime import time as dt_time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from vacancies import search
from vacancies.models import Call, Vacancy

from .emails import Listing, alert_message, outbox_message, report_message
from .mailer import MessageRefused, transport
from .models import Alert, AlertDelivery, AlertMatch, AlertReport, OutboxMessage, ScannedVacancy, Subscriber
from .sent_mark import SentMark

log = logging.getLogger(__name__)
Status = AlertDelivery.Status


def deliveries_create(*, call_id) -> int:
    """Create the pending deliveries of an open call and mark it notified. Returns the number created."""
    with transaction.atomic():
        call = Call.objects.select_for_update().filter(pk=call_id).first()
        if call is None or not Call.objects.open().filter(pk=call_id).exists():
            return 0  # unpublished, cancelled or not yet open: nobody is told
        delivery, subscriber = AlertDelivery._meta, Subscriber._meta
        follows = Subscriber.programmes.through._meta
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {delivery.db_table}
                       (subscriber_id, call_id, status, attempts, claim, created_at, last_error)
                SELECT s.id, %s, %s, 0, '', %s, ''
                  FROM {subscriber.db_table} s
                  JOIN {follows.db_table} f ON f.subscriber_id = s.id
                 WHERE s.status = %s AND f.programme_id = %s
                ON CONFLICT DO NOTHING
                """,  # noqa: S608 - table names come from model metadata, values are parameters
                [call.pk, Status.PENDING, timezone.now(), Subscriber.Status.CONFIRMED, call.programme_id],
            )
            created = cursor.rowcount
        if call.opened_notified_at is None:
            call.opened_notified_at = timezone.now()
            call.save(update_fields=["opened_notified_at"])
    return created


def pending_batches(*, call_id=None, created_before=None):
    """Ids of pending deliveries, in batches of ALERTS_BATCH_SIZE."""
    queryset = AlertDelivery.objects.filter(status=Status.PENDING).order_by("pk")
    if call_id is not None:
        queryset = queryset.filter(call_id=call_id)
    if created_before is not None:
        queryset = queryset.filter(created_at__lt=created_before)
    ids = list(queryset.values_list("pk", flat=True))
    size = settings.ALERTS_BATCH_SIZE
    return [ids[i : i + size] for i in range(0, len(ids), size)]


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


def _open_vacancies(call_ids):
    by_call = {call_id: [] for call_id in call_ids}
    for vacancy in (
        Vacancy.objects.public()
        .with_state()
        .filter(call_id__in=call_ids)
        .select_related("organisation")
        .by_closing()
    ):
        by_call[vacancy.call_id].append(vacancy)
    return {call_id: Listing(vacancies) for call_id, vacancies in by_call.items()}


def deliveries_send(*, delivery_ids) -> dict:
    """Send the pending deliveries among `delivery_ids`. Raises on a connection failure (the task retries)."""
    claim = uuid.uuid4().hex
    ids = _claim(AlertDelivery, delivery_ids, claim)
    deliveries = list(
        AlertDelivery.objects.filter(pk__in=ids, claim=claim)
        .select_related("subscriber", "call")
        # What an alert needs: loading every column of three tables cost a tenth of the worker's time.
        .only(
            "call", "subscriber__email", "subscriber__language", "subscriber__token_key", "call__updated_at"
        )
        .order_by("pk")
    )
    if not deliveries:
        return {"sent": 0, "abandoned": 0, "refused": 0}
    vacancies = _open_vacancies({d.call_id for d in deliveries})
    return _send_claimed(
        AlertDelivery,
        claim,
        deliveries,
        lambda delivery: alert_message(delivery, vacancies[delivery.call_id]),
    )


def _expired_claims_free(model, now) -> list[int]:
    """Give rows held past their lease (their worker died) back to pending; returns their ids."""
    expired = model.objects.filter(
        status=Status.SENDING, claimed_at__lt=now - timedelta(seconds=settings.ALERTS_CLAIM_LEASE_SECONDS)
    )
    ids = list(expired.values_list("pk", flat=True))
    model.objects.filter(pk__in=ids, status=Status.SENDING).update(
        status=Status.PENDING, claim="", claimed_at=None
    )
    return ids


def deliveries_sweep(*, now=None) -> list[list[int]]:
    """Free deliveries whose worker died, and return the batches of pending ones that need a task again:
    those freed (at once) and those pending for longer than ALERTS_PENDING_GRACE_SECONDS (a task lost with
    the broker, or reserved by a worker that died)."""
    now = now or timezone.now()
    freed = _expired_claims_free(AlertDelivery, now)
    waiting = pending_batches(created_before=now - timedelta(seconds=settings.ALERTS_PENDING_GRACE_SECONDS))
    ids = sorted(set(freed) - {pk for batch in waiting for pk in batch})
    size = settings.ALERTS_BATCH_SIZE
    # Pending longer than the grace may only mean a long fan-out whose tasks are still queued: a few batches a
    # round, not all of them again and again.
    return [ids[i : i + size] for i in range(0, len(ids), size)] + waiting[: settings.ALERTS_SWEEP_BATCHES]


def outbox_send(*, message_ids) -> dict:
    """Send the pending outbox messages among `message_ids`; raises on a connection failure (retried)."""
    claim = uuid.uuid4().hex
    ids = _claim(OutboxMessage, message_ids, claim)
    messages = list(
        OutboxMessage.objects.filter(pk__in=ids, claim=claim).select_related("subscriber").order_by("pk")
    )
    if not messages:
        return {"sent": 0, "abandoned": 0, "refused": 0}
    return _send_claimed(OutboxMessage, claim, messages, outbox_message)


def outbox_sweep(*, now=None) -> list[int]:
    """Free outbox messages whose worker died; the ids of pending ones whose task was lost (broker down)."""
    now = now or timezone.now()
    freed = _expired_claims_free(OutboxMessage, now)
    cutoff = now - timedelta(seconds=settings.ALERTS_OUTBOX_GRACE_SECONDS)
    waiting = OutboxMessage.objects.filter(status=Status.PENDING).filter(
        Q(created_at__lt=cutoff) | Q(pk__in=freed)
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE])


# --- search alerts -----------------------------------------------------------------------------------


def alerts_matching(vacancy):
    """The confirmed search alerts that `vacancy` matches: each chosen facet holds its value, and its search
    terms find it (the list's search: vacancies.search)."""
    alerts = Alert.objects.confirmed().filter(
        Q(programmes="") | Q(programmes__contains=f",{vacancy.programme.slug},"),
        Q(organisations="") | Q(organisations__contains=f",{vacancy.organisation.slug},"),
        Q(countries="") | Q(countries__contains=f",{vacancy.country},"),
    )
    plain = list(alerts.filter(terms="").values_list("pk", flat=True))
    with_terms = alerts.exclude(terms="")
    if connection.vendor == "postgresql":
        found = Vacancy.objects.filter(pk=vacancy.pk, search_vector=search.websearch_query(OuterRef("terms")))
        return plain + list(with_terms.filter(Exists(found)).values_list("pk", flat=True))
    # SQLite (the embedded setup, a handful of alerts): each distinct search once.
    by_terms = {}
    for pk, terms in with_terms.values_list("pk", "terms"):
        by_terms.setdefault(terms, []).append(pk)
    this = Vacancy.objects.filter(pk=vacancy.pk)
    return plain + [pk for terms, pks in by_terms.items() if this.search(terms).exists() for pk in pks]


def vacancies_match(*, vacancy_ids) -> int:
    """Match the open vacancies among `vacancy_ids` not matched yet; returns the number of matches made."""
    made = 0
    vacancies = (
        Vacancy.objects.open()
        .filter(pk__in=vacancy_ids, alert_scan__isnull=True)
        .select_related("programme", "organisation")
    )
    for vacancy in vacancies:
        with transaction.atomic():
            # Whoever inserts the scan matches the vacancy; another worker waits for it, then skips it.
            _scan, new = ScannedVacancy.objects.get_or_create(vacancy=vacancy)
            if not new:
                continue
            matches = [AlertMatch(alert_id=pk, vacancy=vacancy) for pk in alerts_matching(vacancy)]
            AlertMatch.objects.bulk_create(matches, ignore_conflicts=True, batch_size=1000)
            made += len(matches)
    return made


def vacancies_unscanned(*, limit=500) -> list[int]:
    """Open vacancies not matched yet: their task was lost, or they opened after their publication."""
    return list(Vacancy.objects.open().filter(alert_scan__isnull=True).values_list("pk", flat=True)[:limit])


def digest_times(now):
    """(the latest daily digest time, the latest weekly one) at or before `now`: ALERTS_DIGEST_HOUR in
    Brussels, every day and on Mondays."""
    zone = timezone.get_default_timezone()
    local = timezone.localtime(now, zone)
    day = local.date() if local.hour >= settings.ALERTS_DIGEST_HOUR else local.date() - timedelta(days=1)
    at = dt_time(settings.ALERTS_DIGEST_HOUR)
    daily = datetime.combine(day, at, tzinfo=zone)
    weekly = datetime.combine(day - timedelta(days=day.weekday()), at, tzinfo=zone)
    return daily, weekly


def _due(now):
    """Alerts whose next e-mail may go at `now` (annotated `last`: their last e-mail, or confirmation)."""
    daily, weekly = digest_times(now)
    often = Alert.Frequency
    return (
        Q(frequency=often.HOURLY, reported_at__isnull=True)
        | Q(frequency=often.HOURLY, reported_at__lte=now - timedelta(hours=1))
        | Q(frequency=often.DAILY, last__lt=daily)
        | Q(frequency=often.WEEKLY, last__lt=weekly)
    )


def _due_alerts(now):
    unreported = AlertMatch.objects.filter(alert=OuterRef("pk"), report__isnull=True)
    return (
        Alert.objects.confirmed()
        .annotate(last=Coalesce("reported_at", "confirmed_at"))
        .filter(_due(now), Exists(unreported))
    )


def reports_create(*, now=None, limit=None) -> list[int]:
    """One report for each alert that is due and has unreported matches; returns the reports' ids.

    Each transaction locks a chunk of due alerts (SKIP LOCKED: two sweeps share the work, never an alert),
    so a match is given to one report only, and the report is sent exactly once (`reports_send`).
    """
    now = now or timezone.now()
    created = []
    while limit is None or len(created) < limit:
        with transaction.atomic():
            alerts = list(
                _due_alerts(now)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE]
            )
            if not alerts:
                break
            reports = AlertReport.objects.bulk_create(AlertReport(alert_id=pk) for pk in alerts)
            empty = [
                report.pk
                for report in reports
                if not AlertMatch.objects.filter(alert_id=report.alert_id, report__isnull=True).update(
                    report=report
                )
            ]
            AlertReport.objects.filter(pk__in=empty).delete()
            Alert.objects.filter(pk__in=alerts).update(reported_at=now)
        created += [r.pk for r in reports if r.pk not in empty]
    return created


def _report_vacancies(report_ids):
    """{report id: [vacancies still public, soonest closing first]}."""
    by_report = {pk: [] for pk in report_ids}
    matches = AlertMatch.objects.filter(report_id__in=report_ids).values_list("report_id", "vacancy_id")
    report_of = {}
    for report_id, vacancy_id in matches:
        report_of.setdefault(vacancy_id, []).append(report_id)
    vacancies = (
        Vacancy.objects.public()
        .with_state()
        .filter(pk__in=report_of)
        .select_related("organisation")
        .by_closing()
    )
    for vacancy in vacancies:
        for report_id in report_of[vacancy.pk]:
            by_report[report_id].append(vacancy)
    return by_report


def reports_send(*, report_ids) -> dict:
    """Send the pending reports among `report_ids`; raises on a connection failure (the task retries)."""
    claim = uuid.uuid4().hex
    ids = _claim(AlertReport, report_ids, claim)
    reports = list(
        AlertReport.objects.filter(pk__in=ids, claim=claim).select_related("alert__subscriber").order_by("pk")
    )
    if not reports:
        return {"sent": 0, "abandoned": 0, "refused": 0}
    vacancies = _report_vacancies([r.pk for r in reports])
    if withdrawn := [r for r in reports if not vacancies[r.pk]]:
        # Every vacancy it reports was withdrawn since: nothing to tell.
        for report in withdrawn:
            _release(AlertReport, claim, pk=report.pk, status=Status.FAILED, error="nothing left to report")
        reports = [r for r in reports if vacancies[r.pk]]
    return _send_claimed(
        AlertReport, claim, reports, lambda report: report_message(report, vacancies[report.pk])
    )


def reports_sweep(*, now=None) -> list[int]:
    """Free reports whose worker died; the ids of pending ones whose task was lost."""
    now = now or timezone.now()
    freed = _expired_claims_free(AlertReport, now)
    cutoff = now - timedelta(seconds=settings.ALERTS_PENDING_GRACE_SECONDS)
    waiting = AlertReport.objects.filter(status=Status.PENDING).filter(
        Q(created_at__lt=cutoff) | Q(pk__in=freed)
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE * 20])
