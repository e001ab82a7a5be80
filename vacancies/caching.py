"""What candidates read, cached until the catalogue changes.

Every write to the catalogue (calls, vacancies, organisations, programmes: services, admin, commands) sets
a new *catalogue version* in the cache once its transaction commits, and every cached read is stored with
the version it was computed under: after a publish the next request computes afresh. A vacancy also opens
and closes by the clock, with no write at all, so an entry never outlives the next opening or closing time
of any published vacancy, nor local midnight (when "closes tomorrow" becomes "closes today"), nor
`MAX_AGE`.
"""

import datetime as dt
import hashlib
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import Min
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "catalogue:version"
MAX_AGE = 300  # seconds


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        current = cache.get(VERSION_KEY)
    return current


def bump():
    """A new version: what was cached before is never served again."""
    # A fresh value rather than incr(): a version evicted and started again must not meet old entries.
    cache.set(VERSION_KEY, time.time_ns(), None)


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


def _digest(text):
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def cached(name, parts, compute):
    """`compute()`, cached per catalogue version, language and `parts` (a string naming the selection)."""
    key = f"catalogue:{name}:{get_language()}:{_digest(parts)}"
    found = cache.get_many([VERSION_KEY, key])
    current = found.get(VERSION_KEY) or version()
    entry = found.get(key)
    if entry is not None and entry[0] == current:
        return entry[1]
    value = compute()
    if ttl := lifetime(current):
        cache.set(key, (current, value), ttl)
    return value
