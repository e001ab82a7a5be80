"""The hostile corpus (tests/hostile_corpus.py) from a process of the site whose Redis is stopped, whose mail
server refuses, or whose database hangs: bad input still gets a 4xx, and nothing answers 500. Only a request
that needs the hung database gets a 5xx: 503 with Retry-After, saying it is temporary.
"""

import json
import os
import signal
from collections import Counter

import pytest

from tests.test_faults import cluster_processes, private_postgres  # noqa: F401 - a fixture
from tests.workers import manage

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]
CORPUS = "from tests.hostile_corpus import run; run()"
NOBODY_LISTENS = "127.0.0.1:1"


def corpus_answers(settings, **environment):
    done = manage(settings, "shell", "-c", CORPUS, **environment)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def statuses(answers):
    return Counter(status for _label, status, _retry in answers)


@pytest.fixture
def catalogue(settings):
    done = manage(settings, "seed_demo", "-v0")
    assert done.returncode == 0, done.stderr[-2000:]


def test_with_redis_stopped_hostile_input_gets_no_server_error(settings, catalogue):
    answers = corpus_answers(settings, REDIS_URL=f"redis://{NOBODY_LISTENS}/0")

    assert [a for a in answers if a[1] >= 500] == []
    assert statuses(answers)[400] > 50  # the corpus was refused as bad input, not skipped


def test_with_the_mail_server_refusing_hostile_input_gets_no_server_error(settings, catalogue):
    answers = corpus_answers(settings, EMAIL_URL=f"smtp://{NOBODY_LISTENS}")

    assert [a for a in answers if a[1] >= 500] == []
    assert dict(answers_by_label(answers))["subscribe, valid"] == 200


def answers_by_label(answers):
    return ((label, status) for label, status, _retry in answers)


def test_with_the_database_hung_requests_get_503_with_retry_after_never_500(settings, private_postgres):  # noqa: F811
    on_private = {"DATABASE_URL": private_postgres.url}
    for args in (("migrate", "-v0"), ("seed_demo", "-v0")):
        done = manage(settings, *args, **on_private)
        assert done.returncode == 0, done.stderr[-2000:]
    hung = cluster_processes(private_postgres)
    for pid in hung:
        os.kill(pid, signal.SIGSTOP)
    try:
        answers = corpus_answers(
            settings,
            **on_private,
            DATABASE_CONNECT_TIMEOUT="1",
            DATABASE_CONN_MAX_AGE="0",
            HOSTILE_FRAGMENTS="2",
        )
    finally:
        for pid in hung:
            os.kill(pid, signal.SIGCONT)

    server_errors = [a for a in answers if a[1] >= 500]
    assert server_errors, "the database was not hung"
    assert [a for a in server_errors if a[1] != 503 or a[2] != "60"] == []
    assert statuses(answers)[400] > 5  # input refused before any query still gets its 400
