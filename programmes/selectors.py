"""Reads of the programmes for pages outside the catalogue (the alerts notice, the privacy page)."""

from django.conf import settings

from .models import Programme


def data_controllers():
    """Every programme with the data controller its source names, if any, and who runs this site's alerts.

    Returns {"programmes": [...], "operator": {"name", "email"}}, the context of
    partials/data_controllers.html.
    """
    return {
        "programmes": list(Programme.objects.order_by("order", "slug")),
        "operator": {"name": settings.SITE_OPERATOR_NAME, "email": settings.SITE_OPERATOR_EMAIL},
    }
