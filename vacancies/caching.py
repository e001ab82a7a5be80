"""What candidates read, cached until the catalogue changes.

Every write to the catalogue (calls, vacancies, organisations, programmes: services, admin, commands) sets
a new *catalogue version* in the cache once its transaction commits, and every cached read is stored with
the version it was computed under: after a publish the next request computes afresh. A vacancy also opens
and closes by the clock, with no write at all, so an entry never outlives the next opening or closing time
of any published vacancy, nor local midnight (when "closes tomorrow" becomes "closes today"), nor
`MAX_AGE`. Keys also name the release of the code (`release()`), so that after a deploy no page rendered by
the code before it is served.

The cache is a help, not a dependency: with Redis down, pages are computed for every request and writes
succeed (their bump is lost, so entries already cached are served until they expire: 5 minutes at most).
"""

import datetime as dt
import hashlib
import logging
import sys
import time
from functools import lru_cache, wraps
from importlib import import_module
from pathlib import Path
from urllib.parse import urlencode

import redis
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.connection import ConnectionProxy
from django.utils.translation import get_language

from programmes.profile import COOKIE_NAME as ELIGIBILITY_PROFILE_COOKIE

from .selection import normalise

# The cache alias of the catalogue (settings.CACHES["pages"]): pages, facet counts and the version they were
# computed under.
cache = ConnectionProxy(caches, "pages")
VERSION_KEY = "catalogue:version"
MAX_AGE = 300  # seconds
RENDERING_SOURCES = {".py", ".html", ".txt", ".po"}
CACHE_ERRORS = (redis.RedisError, OSError)
logger = logging.getLogger(__name__)


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    return current


def bump():
    """A new version: what was cached before is never served again."""
    try:
        # A fresh value rather than incr(): a version evicted and started again must not meet old entries.
        cache.set(VERSION_KEY, time.time_ns(), None)
    except CACHE_ERRORS as error:
        logger.warning("Catalogue version not renewed, the cache is unavailable: %s", error)


def bump_on_commit(**kwargs):
    # At once, for reads later in the same transaction (and tests, whose transactions never commit); and
    # after the commit, because a reader between the two could cache the old rows under the first bump.
    bump()
    transaction.on_commit(bump)


def connect_signals():
    from programmes.models import Programme

    from .models import Call, Organisation, Vacancy

    for model in (Programme, Organisation, Call, Vacancy):
        post_save.connect(bump_on_commit, sender=model, dispatch_uid=f"catalogue-version-{model.__name__}")
        post_delete.connect(bump_on_commit, sender=model, dispatch_uid=f"catalogue-version-{model.__name__}")


def _next_boundary(now):
    """The next time a published vacancy opens or closes, or local midnight, whichever comes first."""
    from .models import PublicationStatus, Vacancy

    published = Vacancy.objects.filter(status=PublicationStatus.PUBLISHED).order_by()
    # Two index lookups (vacancy_public_window, vacancy_public_opens).
    closes = published.filter(window_closes__gt=now).aggregate(at=Min("window_closes"))["at"]
    opens = published.filter(window_opens__gt=now).aggregate(at=Min("window_opens"))["at"]
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    midnight = dt.datetime.combine(tomorrow, dt.time(), tzinfo=timezone.get_current_timezone())
    return min(t for t in (closes, opens, midnight) if t is not None)


def lifetime(current_version):
    """Seconds an entry stored under `current_version` may live (0: do not store)."""
    key = f"catalogue:{current_version}:boundary"
    boundary = cache.get(key)
    now = time.time()
    if boundary is None:
        boundary = _next_boundary(timezone.now()).timestamp()
        if (until := int(min(boundary - now, MAX_AGE))) > 0:
            cache.set(key, boundary, until)
    return max(0, int(min(boundary - now, MAX_AGE)))


@lru_cache(maxsize=1)
def release():
    """settings.RELEASE, else a digest of what renders a page: the site's Python, templates and catalogues."""
    if settings.RELEASE:
        return settings.RELEASE
    base = Path(settings.BASE_DIR)
    # The site's own apps: under the project's folder, and not installed packages (a virtualenv may be there).
    ours = [Path(app.path) for app in apps.get_app_configs()]
    roots = {path for path in ours if path.is_relative_to(base) and not path.is_relative_to(sys.prefix)}
    roots |= {Path(import_module(settings.ROOT_URLCONF).__file__).parent, *map(Path, settings.LOCALE_PATHS)}
    roots |= {Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])}
    digest = hashlib.blake2b(digest_size=8)
    # Named relative to their root, which need not be under the project (a test may point LOCALE_PATHS away).
    sources = {
        (root.name, path.relative_to(root), path)
        for root in roots
        for path in root.rglob("*")
        if path.suffix in RENDERING_SOURCES
    }
    for root_name, relative, path in sorted(sources):
        digest.update(f"{root_name}/{relative}".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _lookup(key):
    """(current version, entry stored under `key` for it, else None); (None, None) if the cache is down."""
    try:
        found = cache.get_many([VERSION_KEY, key])
        current = found.get(VERSION_KEY) or version()
    except CACHE_ERRORS:
        return None, None
    entry = found.get(key)
    return current, (entry if entry is not None and entry[0] == current else None)


def _store(key, current, value, ttl=None):
    if current is None:
        return
    try:
        if ttl := ttl or lifetime(current):
            cache.set(key, (current, *value), ttl)
    except CACHE_ERRORS:
        pass


def cached(name, parts, compute, *, timeless_for=None):
    """`compute()`, cached per catalogue version, language and `parts` (a string naming the selection).

    `timeless_for`: seconds to keep a value that does not change by the clock (no vacancy opening or closing
    changes it), instead of until the next opening or closing, local midnight or MAX_AGE."""
    key = f"catalogue:{release()}:{name}:{get_language()}:{_digest(parts)}"
    current, entry = _lookup(key)
    if entry is not None:
        return entry[1]
    value = compute()
    _store(key, current, (value,), ttl=timeless_for)
    return value


def _known_parameters_only(request):
    """The request's query in its normal form (vacancies.selection.normalise), which the page is rendered
    from and looked up by: a parameter no page reads (`?utm_source=...`, junk), a repeated value or another
    order would otherwise be another cache entry of the same page, without bound. The eligibility choice is
    read only with a profile, and such a request is never cached."""
    pairs = [(name, value) for name, value in normalise(request.GET) if name != "eligibility"]
    query = urlencode(pairs)
    if query != request.META.get("QUERY_STRING", ""):
        request.GET = QueryDict(query)
        request.META["QUERY_STRING"] = query


def cached_page(view):
    """Serve a public page from the cache: anonymous GETs only, the whole response, per URL and language.

    A request with a session cookie (staff signed in, say) or an eligibility profile (programmes.profile: the
    candidate's answers, which must reach no cache) always gets a fresh page, and a response is kept
    only when it is a plain 200 that sets no cookie and used neither the session nor a CSRF token, so no
    one's page is served to someone else. Headers added by middleware (CSP, security) are added again to a
    cached response, as to a fresh one.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if (
            request.method not in ("GET", "HEAD")
            or settings.SESSION_COOKIE_NAME in request.COOKIES
            or ELIGIBILITY_PROFILE_COOKIE in request.COOKIES
        ):
            # Personal: computed for this request only, and kept by no shared or browser cache.
            response = view(request, *args, **kwargs)
            if ELIGIBILITY_PROFILE_COOKIE in request.COOKIES:
                patch_cache_control(response, private=True, no_store=True)
            return response
        _known_parameters_only(request)
        # The absolute URL: pages contain absolute links built from the host and scheme.
        key = f"catalogue:{release()}:page:{get_language()}:{_digest(request.build_absolute_uri())}"
        current, entry = _lookup(key)
        if entry is not None:
            _version, status, headers, content = entry
            response = HttpResponse(content, status=status)
            for header, value in headers:
                response[header] = value
            return response
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            and not (session is not None and session.accessed)
        ):
            _store(key, current, (response.status_code, list(response.items()), response.content))
        return response

    return wrapper
