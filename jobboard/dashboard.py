"""Figures for the staff dashboard: recruitment calls and waves, vacancies, subscribers and alerts.

Counts only: no address or other personal data reaches the dashboard.
"""

from collections import defaultdict

from django.db.models import Count, F, Prefetch, Q
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from applications.models import AlertDelivery, Subscriber
from programmes.models import Programme
from programmes.translation import localized
from vacancies import selectors
from vacancies.models import Call, PublicationStatus, Vacancy


def needs_attention():
    """What staff should look at, each with how many and a link to the change list that shows them."""

    def changelist(model, **filters):
        return f"{reverse(f'admin:vacancies_{model}_changelist')}?{urlencode(filters)}"

    draft = PublicationStatus.DRAFT
    return [
        {
            "label": _("Draft calls waiting for a Publisher"),
            "count": Call.objects.filter(status=draft).count(),
            "url": changelist("call", status__exact=draft),
        },
        {
            "label": _("Draft vacancies waiting for a Publisher"),
            "count": Vacancy.objects.filter(status=draft).count(),
            "url": changelist("vacancy", status__exact=draft),
        },
        {
            "label": _("Open vacancies without an apply link (candidates rely on the instructions)"),
            "count": selectors.without_apply_link(selectors.open_vacancies()).count(),
            "url": changelist("vacancy", state="open", apply_link="no"),
        },
        {
            "label": _("Calls opening in the next %(days)d days") % {"days": selectors.SOON_DAYS},
            "count": selectors.calls_opening_soon().count(),
            "url": changelist("call", opens="soon"),
        },
    ]


def _bars(rows, key):
    """Give each row a `share` (0-100) of the largest `key`, for bar charts."""
    largest = max((row[key] or 0 for row in rows), default=0) or 1
    for row in rows:
        row["share"] = round(100 * (row[key] or 0) / largest, 1)
    return rows


def calls_overview():
    alerts = defaultdict(dict)
    for call_id, status, n in AlertDelivery.objects.values_list("call_id", "status").annotate(n=Count("pk")):
        alerts[call_id][status] = n
    vacancies = (
        Vacancy.objects.with_state()
        .select_related("organisation")
        .order_by(F("positions").desc(nulls_last=True), localized("title"))
    )
    calls = (
        Call.objects.exclude(status=PublicationStatus.CANCELLED)
        .select_related("programme")
        .prefetch_related(Prefetch("vacancies", queryset=vacancies, to_attr="all_vacancies"))
        .order_by("programme__order", "-opens_at")
    )
    overview = []
    for call in calls:
        functions = _bars(
            [
                {
                    "function": v.title,
                    "service": v.organisation.short_name,
                    "positions": v.positions,
                    "state": v.state,
                }
                for v in call.all_vacancies
            ],
            "positions",
        )
        by_service = defaultdict(int)
        for row in functions:
            by_service[row["service"]] += row["positions"] or 0  # None: not stated
        overview.append(
            {
                "call": call,
                "functions": functions,
                "services": _bars(
                    [
                        {"service": s, "positions": n}
                        for s, n in sorted(by_service.items(), key=lambda i: -i[1])
                    ],
                    "positions",
                ),
                "positions": sum(row["positions"] or 0 for row in functions),
                "open": sum(row["state"] == Vacancy.State.OPEN for row in functions),
                "closed": sum(row["state"] == Vacancy.State.CLOSED for row in functions),
                "alerts": alerts.get(call.pk, {}),
            }
        )
    return overview


def subscribers_per_programme():
    confirmed = Q(subscribers__status=Subscriber.Status.CONFIRMED)
    pending = Q(subscribers__status=Subscriber.Status.PENDING)
    rows = [
        {"programme": p, "confirmed": p.confirmed, "pending": p.pending}
        for p in Programme.objects.annotate(
            confirmed=Count("subscribers", filter=confirmed), pending=Count("subscribers", filter=pending)
        )
    ]
    return _bars(rows, "confirmed")


def vacancies_per_programme():
    rows = []
    counts = defaultdict(lambda: {"open": 0, "closed": 0, "upcoming": 0})
    for programme_id, state, n in (
        Vacancy.objects.public()
        .with_state()
        .order_by()
        .values_list("programme_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts[programme_id][state] = n
    for programme in Programme.objects.all():
        rows.append({"programme": programme, **counts[programme.pk]})
    return _bars(rows, "open")
