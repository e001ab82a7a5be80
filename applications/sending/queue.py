"""What is to be sent: the rows that stand for messages, each to be sent exactly once (by batches.py).

Call alerts, one `AlertDelivery` per subscriber and call:

1. `deliveries_create(call)`: one pending row per confirmed follower of the call's programme. The unique
   (subscriber, call) pair makes re-running it harmless: publishing twice, re-saving, a retried task.
2. `pending_batches()`: their ids in batches, each sent by a `send_alert_batch` task (`deliver`).

Search alerts, one `AlertMatch` per (alert, vacancy), reported in one `AlertReport`:

3. `vacancies_match(ids)`: an open vacancy is matched once (`ScannedVacancy`) against the confirmed search
   alerts; each match is an `AlertMatch`, unique per (alert, vacancy). A vacancy that opens after it was
   published is found by the sweep (`vacancies_unscanned`) when it opens.
4. `reports_batches(now)`: for each alert whose e-mail is due (an hour after the last one; or the daily or
   weekly digest time, Brussels), one `AlertReport` takes the alert's unreported matches, each match given to
   one report only.

The e-mails a person asked for (confirmation links and the like) are `OutboxMessage` rows, written with the
request (services.py).

5. The sweeps (`deliveries_sweep`, `outbox_sweep`, `reports_sweep`, run by sweeper.py): rows held by a dead
   worker (lease expired) go back to pending, and pending rows whose task was lost are handed out again.
"""

import logging
import operator
from datetime import datetime, timedelta
from datetime import time as dt_time
from functools import reduce

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection, transaction
from django.db.models import BooleanField, Exists, F, OuterRef, Q, Subquery, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.http import QueryDict
from django.utils import timezone

from vacancies import search
from vacancies.filters import VacancyFilter
from vacancies.models import Call, Vacancy

from ..models import Alert, AlertDelivery, AlertMatch, AlertReport, OutboxMessage, ScannedVacancy, Subscriber

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
    placed = _placed(vacancy)
    return _stated_facets_hold(vacancy, placed, _places_and_terms_match(vacancy, placed))


def _placed(vacancy):
    """The confirmed alerts whose programmes, organisations and countries (if any) include the vacancy's."""
    return Alert.objects.confirmed().filter(
        Q(programmes="") | Q(programmes__contains=f",{vacancy.programme.slug},"),
        Q(organisations="") | Q(organisations__contains=f",{vacancy.organisation.slug},"),
        Q(countries="") | Q(countries__contains=f",{vacancy.country},"),
    )


def _stated_facets_hold(vacancy, placed, pks):
    """`pks` (among `placed`) without the alerts one of whose stated facets (contract type, education,
    language, organisation type, closing soon) the vacancy lacks, tested as the list filters them: one query
    per distinct choice. The alerts are read by that condition, not by the thousands of ids in `pks`."""
    narrowed = placed.filter(
        reduce(operator.or_, (Q(selection__contains=f"{name}=") for name in VacancyFilter.STATED_FACETS))
    )
    this = Vacancy.objects.filter(pk=vacancy.pk)
    found, holds, dropped = set(pks), {}, set()
    for pk, stored in narrowed.values_list("pk", "selection"):
        if pk not in found:
            continue
        query = QueryDict(stored)
        chosen = tuple((name, tuple(query.getlist(name))) for name in VacancyFilter.STATED_FACETS)
        if chosen not in holds:
            conditions = [
                reduce(operator.or_, (VacancyFilter.stated_q(name, value) for value in values))
                for name, values in chosen
                if values
            ]
            holds[chosen] = this.filter(*conditions).exists()
        if not holds[chosen]:
            dropped.add(pk)
    return [pk for pk in pks if pk not in dropped]


def _places_and_terms_match(vacancy, alerts):
    plain = list(alerts.filter(terms="").values_list("pk", flat=True))
    with_terms = alerts.exclude(terms="")
    if connection.vendor == "postgresql":
        # The vacancy's vector once, as a constant: read from its row, it was detoasted again for every alert.
        vector = Vacancy.objects.filter(pk=vacancy.pk).values_list(
            Cast("search_vector", TextField()), flat=True
        )
        vector = vector.first() or ""
        compiled = with_terms.exclude(terms_query="").filter(
            RawSQL("%s::tsvector @@ terms_query::tsquery", [vector], output_field=BooleanField())
        )
        # Alerts whose query was not compiled (terms_query_fill) are matched as the list searches.
        fresh = with_terms.filter(terms_query="").annotate(
            vector=RawSQL("%s::tsvector", [vector], output_field=SearchVectorField())
        )
        fresh = fresh.filter(vector=search.websearch_query(F("terms")))
        return plain + list(compiled.values_list("pk", flat=True)) + list(fresh.values_list("pk", flat=True))
    # SQLite (the embedded setup, a handful of alerts): each distinct search once.
    by_terms = {}
    for pk, terms in with_terms.values_list("pk", "terms"):
        by_terms.setdefault(terms, []).append(pk)
    this = Vacancy.objects.filter(pk=vacancy.pk)
    return plain + [pk for terms, pks in by_terms.items() if this.search(terms).exists() for pk in pks]


def terms_query_fill(alerts) -> None:
    """PostgreSQL: compile the search terms of `alerts` (a queryset) into `terms_query`, once."""
    if connection.vendor == "postgresql":
        alerts.exclude(terms="").update(terms_query=Cast(search.websearch_query(F("terms")), TextField()))


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
    """One report for each alert that is due and has unreported matches; returns the reports' ids (at least
    `limit` of them, if given and there are as many)."""
    created = []
    for made in reports_batches(now=now):
        created += made
        if limit is not None and len(created) >= limit:
            break
    return created


def reports_batches(*, now=None):
    """Make the reports of the alerts that are due, yielding their ids a batch at a time, so that a digest
    run of half a million alerts starts sending at once.

    Each transaction locks a chunk of due alerts (SKIP LOCKED: two sweeps share the work, never an alert),
    so a match is given to one report only, and the report is sent exactly once. The chunks follow the alerts'
    ids: starting each from the first id would read every alert already reported again (quadratic time).
    """
    now = now or timezone.now()
    after = 0
    while True:
        with transaction.atomic():
            alerts = list(
                _due_alerts(now)
                .filter(pk__gt=after)
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE]
            )
            if not alerts:
                return
            after = alerts[-1]
            made = _reports_make(alerts, now)
        if made:
            yield made


# One report per alert that still has unreported matches, each such match given to it, and the alerts marked
# reported, in one statement: the sweeper makes half a million reports for a daily digest run, in the worker
# that sends them, and Python's share of this (model instances, seven statements a chunk) slowed the sending
# of the first minutes.
MAKE_REPORTS = """
WITH made AS (
    INSERT INTO applications_alertreport (alert_id, status, attempts, claim, created_at, last_error)
    SELECT due.id, %(pending)s, 0, '', %(created)s, ''
      FROM unnest(%(alerts)s::bigint[]) AS due(id)
     WHERE EXISTS (
        SELECT 1 FROM applications_alertmatch m WHERE m.alert_id = due.id AND m.report_id IS NULL
     )
    RETURNING id, alert_id
), given AS (
    UPDATE applications_alertmatch m SET report_id = made.id
      FROM made
     WHERE m.alert_id = made.alert_id AND m.report_id IS NULL
), reported AS (
    UPDATE applications_alert SET reported_at = %(now)s WHERE id = ANY(%(alerts)s::bigint[])
)
SELECT id FROM made ORDER BY id
"""


def _reports_make(alerts, now) -> list[int]:
    """Reports for the (locked) `alerts` that have unreported matches, each taking them, and the alerts
    reported at `now`; the reports' ids."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            params = {"alerts": alerts, "now": now, "created": timezone.now(), "pending": Status.PENDING}
            cursor.execute(MAKE_REPORTS, params)
            return [pk for (pk,) in cursor.fetchall()]
    reports = AlertReport.objects.bulk_create(AlertReport(alert_id=pk) for pk in alerts)
    made = AlertReport.objects.filter(pk__in=[report.pk for report in reports])
    # Each unreported match to its alert's new report, in one statement (one per report cost a millisecond an
    # alert: minutes for a digest run).
    AlertMatch.objects.filter(alert_id__in=alerts, report__isnull=True).update(
        report=Subquery(made.filter(alert_id=OuterRef("alert_id")).values("pk")[:1])
    )
    reported = AlertMatch.objects.filter(report=OuterRef("pk"))
    empty = set(made.exclude(Exists(reported)).values_list("pk", flat=True))
    AlertReport.objects.filter(pk__in=empty).delete()
    Alert.objects.filter(pk__in=alerts).update(reported_at=now)
    return [report.pk for report in reports if report.pk not in empty]


def reports_sweep(*, now=None) -> list[int]:
    """Free reports whose worker died; the ids of pending ones whose task was lost."""
    now = now or timezone.now()
    freed = _expired_claims_free(AlertReport, now)
    cutoff = now - timedelta(seconds=settings.ALERTS_PENDING_GRACE_SECONDS)
    waiting = AlertReport.objects.filter(status=Status.PENDING).filter(
        Q(created_at__lt=cutoff) | Q(pk__in=freed)
    )
    return list(waiting.order_by("pk").values_list("pk", flat=True)[: settings.ALERTS_BATCH_SIZE * 20])
