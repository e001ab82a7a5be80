"""Reads of the alert service."""

from . import searches
from .models import Alert


def subscriber_alerts(*, subscriber) -> dict:
    """What the manage page shows: each search followed (in words, with its list) and each programme."""
    return {
        "searches": [
            {
                "alert": alert,
                "lines": searches.describe(alert.selection),
                "url": searches.list_url(alert.selection),
            }
            for alert in subscriber.alerts.all()
        ],
        "programmes": list(subscriber.programmes.order_by("slug")),
        "frequencies": Alert.Frequency.choices,
    }
