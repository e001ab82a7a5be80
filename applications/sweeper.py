"""The workers' own recovery: nothing waits for beat.

Every worker runs two threads from its start (jobboard/celery.py connects `start` to `worker_ready`):

- a heartbeat renews, every third of ALERTS_CLAIM_LEASE_SECONDS, the lease of the rows this worker is sending,
  so that the lease can be short (30 s) without a slow batch being taken over;
- a sweeper runs `sweep()` at once and then every ALERTS_SWEEP_SECONDS: rows a dead worker held (lease run
  out) go back to pending and are sent again, outbox e-mails whose task was lost (broker down) are sent by
  the sweeper itself, and alert batches and call announcements whose task was lost are queued again;
  vacancies that opened are matched against the search alerts, and the search alerts' e-mails that are due
  (hourly, or the digests at their Brussels time) are made and queued.

So a worker that dies is taken over within lease + sweep interval (45 s by default) by any other worker or by
itself restarted, with beat down. Beat still runs `sweep()` too (applications.tasks.sweep_deliveries).
"""

import logging
import threading

from django.conf import settings
from django.db import connection

log = logging.getLogger(__name__)


def sweep() -> int:
    """One round of recovery; returns the number of alert batches queued again."""
    from vacancies.tasks import announce_opened_calls

    from .models import OutboxMessage
    from .sending import deliver
    from .sending.queue import (
        deliveries_sweep,
        outbox_sweep,
        reports_batches,
        reports_sweep,
        vacancies_match,
        vacancies_unscanned,
    )
    from .tasks import dispatch, send_alert_batch, send_report_batch

    for _round in range(20):  # ALERTS_BATCH_SIZE e-mails a round, sent here: the broker may be down
        if not (ids := outbox_sweep()):
            break
        deliver(OutboxMessage, ids)
    announce_opened_calls()
    batches = deliveries_sweep()
    for batch in batches:
        dispatch(send_alert_batch, batch)
    if opened := vacancies_unscanned():
        vacancies_match(vacancy_ids=opened)
    # Reports whose task was lost first, then the new ones: each id is queued once a round. The new ones go a
    # batch at a time as they are made, so that a digest run of many alerts starts sending at once.
    size = settings.ALERTS_BATCH_SIZE
    lost = reports_sweep()
    for start in range(0, len(lost), size):
        dispatch(send_report_batch, lost[start : start + size])
    for made in reports_batches():
        dispatch(send_report_batch, made)
    return len(batches)


class Every(threading.Thread):
    """Calls `function` now and then every `seconds`, in a daemon thread; a failure is logged, not fatal."""

    def __init__(self, seconds, function):
        super().__init__(name=f"jobboard-{function.__name__}", daemon=True)
        self.seconds, self.function = seconds, function
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self.function()
            except Exception:
                log.exception("%s failed; it runs again in %s s", self.function.__name__, self.seconds)
                connection.close()  # perhaps broken (the database restarted): the next round opens another
            self.stopping.wait(self.seconds)
        connection.close()


_threads = []


def start():
    from .sending.batches import claims_renew

    if _threads:
        return
    _threads.append(Every(settings.ALERTS_CLAIM_LEASE_SECONDS / 3, claims_renew))
    _threads.append(Every(settings.ALERTS_SWEEP_SECONDS, sweep))
    for thread in _threads:
        thread.start()
    log.info("Sweeper started: leases renewed, dead workers' claims taken over, lost tasks sent again.")


def stop():
    for thread in _threads:
        thread.stopping.set()
    for thread in _threads:
        thread.join(timeout=10)
    _threads.clear()
