"""Where a page's time goes on a bench database: `python -m tests.bench.profile PATH [--scale N] [--explain]`.

Runs the request in this process through Django's test client (the whole middleware stack, no network):
first the queries it makes with their time, then a pyinstrument profile of `--repeat` requests, written
to var/bench/profile-<scale>-<path>.html as well. `--explain` adds EXPLAIN (ANALYZE, BUFFERS) of each query.
The site's cache would answer every request after the first: `--uncached` profiles with a cache that keeps
nothing (Django's dummy backend), as a request with a new search term is served.
Needs the bench extra (pip install -e '.[bench]') and a database made by `make bench`.
"""

import argparse
import os
import re
import time

from tests.bench.__main__ import OUT_DIR, config, database_url
from tests.bench.pages import service_env


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tests.bench.profile", description=__doc__.split("\n")[0])
    parser.add_argument("path", help="for example /nl/vacancies/ or '/nl/vacancies/?q=klimaat'")
    parser.add_argument("--scale", type=int, default=config()["scales"][-1], help="vacancies in the database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--uncached", action="store_true", help="a cache that keeps nothing")
    parser.add_argument(
        "--with-profile", action="store_true", help="with the bench's eligibility profile (never cached)"
    )
    args = parser.parse_args(argv)

    os.environ.update(
        service_env(
            DJANGO_SETTINGS_MODULE="tests.bench.settings",
            DATABASE_URL=database_url(config()["database_url"], args.scale),
            REDIS_URL=config()["redis_url"],
            DJANGO_ALLOWED_HOSTS="testserver",
        )
    )
    import django

    django.setup()
    if args.uncached:
        from django.test import override_settings

        dummy = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        dummy = dict.fromkeys(("default", "pages"), dummy)
        override_settings(CACHES=dummy).enable()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pyinstrument import Profiler

    client = Client()
    if args.with_profile:
        from tests.bench.pages import PROFILE_COOKIE

        name, value = PROFILE_COOKIE.split("=", 1)
        client.cookies[name] = value
    response = client.get(args.path)
    size = len(response.content)
    print(f"GET {args.path} on {args.scale:,} vacancies: {response.status_code}, {size:,} bytes")
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        client.get(args.path)
        elapsed = time.perf_counter() - started
    database = sum(float(q["time"]) for q in captured.captured_queries)
    print(f"{elapsed * 1000:.1f} ms, of which {len(captured)} queries {database * 1000:.1f} ms:")
    for query in captured.captured_queries:
        print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:150]}")
        if args.explain:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("\n".join(f"            {row[0]}" for row in cursor.fetchall()))

    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.repeat):
            client.get(args.path)
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    name = re.sub(r"[^a-z0-9]+", "-", args.path.lower()).strip("-")
    output = OUT_DIR / f"profile-{args.scale}-{name}.html"
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    output.write_text(profiler.output_html())
    print(f"Written {output}")


if __name__ == "__main__":
    main()
