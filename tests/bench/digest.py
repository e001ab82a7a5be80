"""The daily digest benchmark: every bench subscriber's search alerts report what matched since yesterday.

Each of the bench subscribers follows 1 to 10 searches (each a separate alert with its own e-mail), daily,
confirmed three days ago; each search has 1 to 3 unreported matches among the open vacancies: the state the
digest time finds after a day of publishing. A Celery worker started as
docker-compose.yml runs it (no beat: the worker's own sweeper makes the reports at the digest time and
queues them), sending to the counting SMTP server of the fan-out benchmark. The worker is SIGKILLed twice
during the run (at a quarter and at half of the messages) and started again at once, as a supervisor would.

Measured: the rate from the first report made to the last message accepted, restarts included, against the
smtplib floor (copies of a real digest e-mail over one connection, before and after); exactly once per
(alert, run): every address receives as many messages as it has alerts; the peak memory of each worker.
The alerts are removed afterwards.
"""

import os
import random
import signal
import time
from collections import Counter
from datetime import timedelta

from tests.bench.fanout import SITE_URL, MemorySampler, Sink, Worker, _setup_django, _smtplib_floor
from tests.bench.matching import _selections
from tests.bench.pages import service_env
from tests.workers import compose_worker_options

SEARCHES = 20_000  # drawn with repeats from the matching benchmark's mix: about 4,600 different searches
KILLS_AT = (0.25, 0.5)  # shares of the messages accepted when the worker is killed
FLOOR_MESSAGES = 100_000  # the floor is a rate: this many copies measure it well


def _fill(connection, now, say):
    """The alerts and their matches, written with COPY: 100,000 subscribers' alerts through the ORM would take
    minutes. Returns {address: alerts}.

    The searches are the matching benchmark's mix (a third with terms, the rest facets, many followed by
    several people), each subscriber 1 to 10 of them; the matches of a search are the same 1 to 3 open
    vacancies for everyone who follows it, as they would be after a day of publishing."""
    from applications import searches
    from applications.models import Subscriber
    from vacancies.models import Organisation, Vacancy

    alerts_remove(connection)
    rng = random.Random(29)
    organisations = list(Organisation.objects.values_list("slug", flat=True))
    pool = _selections(SEARCHES, organisations)
    open_ids = list(Vacancy.objects.open().order_by("pk").values_list("pk", flat=True)[:5000])
    if len(open_ids) < 10:
        raise RuntimeError("the bench catalogue has fewer than 10 open vacancies")
    subscribers = list(
        Subscriber.objects.filter(status="confirmed").order_by("pk").values_list("pk", "email")
    )  # read before the COPY holds the connection
    confirmed = now - timedelta(days=3)
    expected = {}
    columns = "subscriber_id, selection, terms, terms_query, programmes, organisations, countries, "
    columns += "frequency, status, created_at, confirmed_at, renewed_at"
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY applications_alert ({columns}) FROM STDIN") as copy:
            for pk, email in subscribers:
                followed = set(rng.sample(pool, rng.randint(1, 10)))
                expected[email] = len(followed)
                for selection in followed:
                    derived = searches.columns(selection)
                    copy.write_row(
                        (pk, selection, derived["terms"], "", derived["programmes"])
                        + (derived["organisations"], derived["countries"], "daily", "confirmed")
                        + (confirmed, confirmed, confirmed)
                    )
        say(f"  {sum(expected.values()):,} search alerts of {len(expected):,} subscribers saved")
        cursor.execute("SELECT id, selection FROM applications_alert")
        alerts = cursor.fetchall()
        matches = 0
        copying = "COPY applications_alertmatch (alert_id, vacancy_id, created_at) FROM STDIN"
        with cursor.cursor.copy(copying) as copy:
            for pk, selection in alerts:
                picked = random.Random(selection)
                for vacancy in picked.sample(open_ids, picked.randint(1, 3)):
                    copy.write_row((pk, vacancy, now))
                    matches += 1
        say(f"  {matches:,} matches to report")
        # The catalogue's vacancies were matched when they opened: the sweep has none left to match.
        cursor.execute(
            "INSERT INTO applications_scannedvacancy (vacancy_id, scanned_at) "
            "SELECT id, %s FROM vacancies_vacancy ON CONFLICT DO NOTHING",
            [now],
        )
        cursor.execute("VACUUM ANALYZE applications_alert")
        cursor.execute("VACUUM ANALYZE applications_alertmatch")
    return expected


def alerts_remove(connection):
    """Every search alert of the bench database, with what refers to them (reports, matches, outbox rows):
    TRUNCATE, as Django's cascading delete loads each of half a million alerts and their rows first."""
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE applications_alert CASCADE")


def _report_bytes():
    """One digest e-mail as the email package writes it, and its envelope sender (for the floor)."""
    from django.core.mail.message import sanitize_address

    from applications.models import Alert, AlertReport
    from applications.sending.messages import report_message
    from vacancies.models import Vacancy

    alert = Alert.objects.select_related("subscriber").earliest("pk")
    vacancies = list(
        Vacancy.objects.with_state()
        .filter(pk__in=alert.matches.values("vacancy"))
        .select_related("organisation")
        .by_closing()
    )
    message = report_message(AlertReport(pk=1, alert=alert), vacancies)
    content = message.message().as_bytes(linesep="\r\n")
    return content, sanitize_address(message.from_email, message.encoding or "utf-8")


def _floor(sink, content, sender, count, say):
    """Messages per second for plain smtplib over one connection (the fan-out benchmark's floor)."""
    return count / _smtplib_floor(sink, content, sender, count, say)


def run(*, database_url, redis_url, log_dir, say):
    sink = Sink()
    workers, samplers = [], []
    try:
        _setup_django(database_url=database_url, redis_url=redis_url, smtp_port=sink.port)
        import redis
        from django.db import connection
        from django.db.models import Count, Min
        from django.utils import timezone

        from applications.models import AlertMatch, AlertReport

        expected = _fill(connection, timezone.now(), say)
        total = sum(expected.values())
        content, sender = _report_bytes()
        floor_count = min(total, FLOOR_MESSAGES)
        floor_before = _floor(sink, content, sender, floor_count, say)

        redis.Redis.from_url(redis_url).flushdb()
        sink.ask("reset")
        env = service_env(
            DJANGO_SETTINGS_MODULE="jobboard.settings",
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            SITE_URL=SITE_URL,
        )
        options = compose_worker_options()

        def start(name):
            worker = Worker(env, log_dir / f"digest-worker-{name}.log", options)
            sampler = MemorySampler(worker.process.pid)
            sampler.start()
            workers.append(worker)
            samplers.append(sampler)
            return worker

        say(f"  digest run: {total:,} e-mails to {len(expected):,} subscribers, worker killed twice")
        worker = start("first")
        kills = []
        for share in KILLS_AT:
            sink.wait_for(int(total * share), say)
            _kill(worker)
            kills.append(sink.ask("stats")[0])
            worker = start(f"after-kill-{len(kills)}")
        last_at = sink.wait_for(total, say)
        time.sleep(3)  # a duplicate, if any were coming, arrives now
        received = Counter(sink.ask("received"))
        for sampler in samplers:
            sampler.stop()
        worker.stop()
        started_at = AlertReport.objects.aggregate(first=Min("created_at"))["first"].timestamp()
        statuses = dict(AlertReport.objects.values_list("status").annotate(n=Count("pk")).order_by())
        unreported = AlertMatch.objects.filter(report__isnull=True).count()
        floor_after = _floor(sink, content, sender, floor_count, say)
        alerts_remove(connection)
    finally:
        for worker in workers:
            worker.stop()
        sink.stop()

    seconds = last_at - started_at
    floor_rate = (floor_before + floor_after) / 2
    duplicates = sum(max(0, received[a] - n) for a, n in expected.items())
    missing = sum(max(0, n - received[a]) for a, n in expected.items())
    return {
        "subscribers": len(expected),
        "emails": total,
        "worker_options": " ".join(options),
        "message_bytes": len(content),
        "killed_after": kills,
        "accepted": sum(received.values()),
        "duplicates": duplicates,
        "missing": missing,
        "unexpected": sum(n for a, n in received.items() if a not in expected),
        "reports": statuses,
        "unreported_matches": unreported,
        "exactly_once": duplicates == missing == 0 and statuses == {"sent": total} and not unreported,
        "seconds": seconds,
        "rate": total / seconds,
        "floor_rate": floor_rate,
        "floor_rate_before": floor_before,
        "floor_rate_after": floor_after,
        "ratio": total / seconds / floor_rate,
        "worker_peak_pss_mb": max(s.peak_pss_kib for s in samplers) / 1024,
        "worker_peak_rss_mb": max(s.peak_rss_kib for s in samplers) / 1024,
    }


def _kill(worker):
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(10)
