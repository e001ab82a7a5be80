"""The page benchmark at one scale: gunicorn on loopback, wrk against the floor and each page, in rounds.

Every round runs each endpoint for the same time, floor first; the reported numbers are the medians of the
rounds, so a burst of other work on the machine moves one round, not the result.
"""

import base64
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from statistics import median
from urllib.parse import quote

from tests.workers import stop_process_group

ROOT = Path(__file__).resolve().parents[2]
REPORT_LUA = Path(__file__).with_name("report.lua")
GUNICORN_WORKERS = 2
MEDIANS = ("rps", "p50_ms", "p95_ms", "p99_ms")
SEARCHES = (
    ("nl", "klimaat"),
    ("fr", "santé"),
    ("en", "logistics"),
    ("nl", "juridische zaken"),
    ("en", "Kinshasa"),
    ("fr", "protection de l'enfance"),
    ("en", '"food security"'),
    ("nl", "UNICEF"),
)
# Search as it really comes: terms that rarely repeat, so neither the page nor the facet counts are in the
# cache. A topic and a place of the bench data, each pair in each language, shuffled: 5,000+ distinct pages.
UNCACHED_TOPICS = (
    "klimaat", "gezondheid", "onderwijs", "migratie", "logistiek", "financiën", "communicatie", "energie",
    "landbouw", "douane", "statistiek", "veiligheid", "santé", "éducation", "logistique", "finances",
    "communication", "énergie", "agriculture", "statistique", "sécurité", "élections", "climate", "health",
    "education", "logistics", "finance", "energy", "customs", "statistics", "security", "procurement",
)  # fmt: skip
UNCACHED_PLACES = (
    "Brussel", "Antwerpen", "Gent", "Leuven", "Bruxelles", "Liège", "Namur", "Charleroi", "Brussels",
    "Cotonou", "Ouagadougou", "Bujumbura", "Kinshasa", "Conakry", "Rabat", "Bamako", "Maputo", "Niamey",
    "Kampala", "Ramallah", "Kigali", "Dakar", "Dodoma", "Genève", "Rome", "Paris", "Bonn", "Nairobi",
    "Bangkok", "Amman", "Madrid", "Lima", "Hanoi", "Manila", "Pretoria", "Tunis", "Kyiv", "Vilnius",
    "UNICEF", "UNDP", "WFP", "UNHCR",
)  # fmt: skip
TWO_FACETS = (
    "programme=jpo&country=CD",
    "programme=nato-staff&country=BE",
    "programme=asylum-migration&organisation=dvz",
    "programme=jpo&organisation=unicef",
)


# A candidate's eligibility profile (programmes.profile: base64 JSON in a cookie), as the browser sends it: a
# Belgian master's graduate of 30 with NATO levels and a very good knowledge of both languages. Pages asked
# with it are computed for every request (never in the page cache): the list marks each card with a verdict.
PROFILE_COOKIE = "eligibility_profile=" + base64.urlsafe_b64encode(
    json.dumps(
        {"nationality": "BE", "birth_date": "1996-05-17", "education": "master", "experience_years": "3",
         "levels": {"en": 5, "fr": 3}, "very_good": {"en": True, "fr": True}},
        separators=(",", ":"), sort_keys=True,
    ).encode()
).decode().rstrip("=")  # fmt: skip


@dataclass(frozen=True)
class Endpoint:
    name: str
    label: str
    paths: tuple[str, ...]
    # Each run gets paths no earlier request asked for (the `paths` are a pool, used up in turn).
    fresh: bool = False
    cookie: str = ""  # a Cookie header sent with every request


def uncached_searches():
    pairs = [
        (lang, f"{topic} {place}")
        for lang in ("nl", "fr", "en")
        for topic, place in itertools.product(UNCACHED_TOPICS, UNCACHED_PLACES)
    ]
    random.Random(7).shuffle(pairs)
    return tuple(f"/{lang}/vacancies/?q={quote(q)}" for lang, q in pairs)


def uncached_details(scale):
    """Every vacancy of the catalogue in each language, shuffled: a crawler's requests, never the same page
    twice (each language's page is a page of its own in the cache)."""
    paths = [f"/{lang}/vacancies/bench-{i}/" for lang in ("nl", "fr", "en") for i in range(scale)]
    random.Random(11).shuffle(paths)
    return tuple(paths)


def endpoints(scale):
    # Spread over the whole catalogue (7919 is prime, so k * 7919 mod scale visits distinct rows): a fifth
    # open, the rest the archive, as users reach them from search engines and old links.
    details = tuple(f"/nl/vacancies/bench-{k * 7919 % scale}/" for k in range(min(200, scale)))
    return (
        Endpoint("floor", "floor: fixed bytes, no database", ("/bench/floor",)),
        Endpoint("list", "list, default filters, facet counts", ("/nl/vacancies/",)),
        Endpoint("list_facets", "list, two facets", tuple(f"/nl/vacancies/?{q}" for q in TWO_FACETS)),
        Endpoint("search", "search q", tuple(f"/{lang}/vacancies/?q={quote(q)}" for lang, q in SEARCHES)),
        Endpoint("search_uncached", "search q, a new term every request", uncached_searches(), fresh=True),
        Endpoint("detail", "detail page", details),
        Endpoint(
            "detail_uncached",
            "detail, a random vacancy of the whole catalogue every request",
            uncached_details(scale),
            fresh=True,
        ),
        Endpoint("api", "API list", ("/api/v1/vacancies/",)),
        Endpoint(
            "list_eligible",
            "list with a profile, eligibility facet",
            tuple(f"/nl/vacancies/?eligibility={c}" for c in ("may", "not", "unknown")) + ("/nl/vacancies/",),
            cookie=PROFILE_COOKIE,
        ),
    )


def service_env(**values):
    """The environment of a child process: ours without the site's settings, plus `values`."""
    site_settings = ("DJANGO_", "DATABASE_", "EMAIL_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(site_settings)}
    env["DJANGO_SECRET_KEY"] = os.environ.get("DJANGO_SECRET_KEY") or "bench-only-not-secret"
    env["LOG_LEVEL"] = "WARNING"
    env.update(values)
    return env


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with the bench settings (the site plus the floor view), in its own process group."""

    def __init__(self, *, database_url, redis_url, log_path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = service_env(
            DJANGO_SETTINGS_MODULE="tests.bench.settings", DATABASE_URL=database_url, REDIS_URL=redis_url
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "jobboard.wsgi:application",
             "--workers", str(GUNICORN_WORKERS), "--bind", f"127.0.0.1:{self.port}",
             "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=log_path.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                self.get("/bench/floor")
                return
            except (OSError, urllib.error.URLError):
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.2)

    def get(self, path, cookie=""):
        """Status and body size of one request (the Host header is the loopback address, as wrk sends)."""
        request = urllib.request.Request(self.base + path, headers={"Cookie": cookie} if cookie else {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, len(response.read())
        except urllib.error.HTTPError as error:
            return error.code, len(error.read())

    def stop(self):
        stop_process_group(self.process, timeout=20)


def wrk(base, paths, *, seconds, connections, spread=False, cookie=""):
    """One wrk run over `paths`; returns throughput, latency percentiles (ms) and errors.

    Each of the (at most two) threads starts at its own offset; `spread`: evenly spread over the paths.
    """
    threads = min(2, connections)
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as paths_file:
        paths_file.write("\n".join(paths) + "\n")
        paths_file.flush()
        completed = subprocess.run(
            ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
             "--timeout", "10s", "-s", str(REPORT_LUA), base],
            env={**os.environ, "BENCH_PATHS": paths_file.name, "BENCH_SPREAD": str(threads if spread else 0),
                 "BENCH_COOKIE": cookie},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    summary = json.loads([line for line in completed.stdout.splitlines() if line.startswith("{")][-1])
    latency = summary["latency_us"]
    return {
        "requests": summary["requests"],
        "rps": summary["requests"] / (summary["duration_us"] / 1e6),
        "p50_ms": latency["p50"] / 1000,
        "p95_ms": latency["p95"] / 1000,
        "p99_ms": latency["p99"] / 1000,
        "errors": sum(summary["errors"].values()),
    }


def drain(server, seconds=30):
    """Wait until the server answers the floor at once again: requests wrk left in flight have finished."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        server.get("/bench/floor")
        if time.perf_counter() - started < 0.01:
            return
        time.sleep(0.2)


def check_paths(server, endpoint):
    """Every path answers 200 before it is measured (a fast 404 would flatter the numbers).

    Of a pool of fresh paths, only a sample: asking for one puts it in the cache.
    """
    sizes = []
    for path in endpoint.paths[-20:] if endpoint.fresh else endpoint.paths:
        status, size = server.get(path, endpoint.cookie)
        if status != 200:
            raise RuntimeError(f"{endpoint.name}: GET {path} answered {status}")
        sizes.append(size)
    return round(median(sizes))


def _slices(paths, count):
    size = len(paths) // count
    return [paths[i * size : (i + 1) * size] for i in range(count)]


def run(*, scale, database_url, redis_url, seconds, rounds, connections, log_dir, say):
    """Measure every endpoint at one scale. Returns {endpoint name: medians over the rounds}."""
    import redis

    # The site caches pages and counts in Redis: nothing may be left from another scale or run.
    redis.Redis.from_url(redis_url).flushdb()
    server = Server(
        database_url=database_url, redis_url=redis_url, log_path=log_dir / f"gunicorn-{scale}.log"
    )
    try:
        chosen = endpoints(scale)
        sizes = {endpoint.name: check_paths(server, endpoint) for endpoint in chosen}
        # A fresh endpoint's pool (its sampled paths left out) is cut into one slice per wrk run.
        slices = {e.name: iter(_slices(e.paths[:-20], rounds + 1)) for e in chosen if e.fresh}

        def paths_of(endpoint):
            return next(slices[endpoint.name]) if endpoint.fresh else endpoint.paths

        for endpoint in chosen:  # warm the workers' caches and PostgreSQL's buffers
            wrk(
                server.base,
                paths_of(endpoint),
                seconds=1,
                connections=connections,
                spread=endpoint.fresh,
                cookie=endpoint.cookie,
            )
        runs = {endpoint.name: [] for endpoint in chosen}
        for round_number in range(1, rounds + 1):
            for endpoint in chosen:
                drain(server)  # a slow page's last requests must not weigh on the next measurement
                paths = paths_of(endpoint)
                runs[endpoint.name].append(
                    wrk(
                        server.base,
                        paths,
                        seconds=seconds,
                        connections=connections,
                        spread=endpoint.fresh,
                        cookie=endpoint.cookie,
                    )
                )
                last = runs[endpoint.name][-1]
                if endpoint.fresh and last["requests"] > len(paths):
                    raise RuntimeError(f"{endpoint.name}: {last['requests']} requests for {len(paths)} paths")
                say(
                    f"  {scale:>7,} vacancies, round {round_number}/{rounds}: {endpoint.name:<12} "
                    f"{last['rps']:8.1f} req/s  p50 {last['p50_ms']:6.1f} ms  p95 {last['p95_ms']:6.1f} ms"
                )
    finally:
        server.stop()
    return {
        endpoint.name: {
            "label": endpoint.label,
            "paths": len(endpoint.paths),
            "response_bytes": sizes[endpoint.name],
            "requests": sum(r["requests"] for r in runs[endpoint.name]),
            "errors": sum(r["errors"] for r in runs[endpoint.name]),
            **{key: median(r[key] for r in runs[endpoint.name]) for key in MEDIANS},
        }
        for endpoint in chosen
    }
