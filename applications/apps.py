from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "applications"
    verbose_name = _("Alerts")

    def ready(self):
        from . import (
            receivers,  # noqa: F401 - connects the signal receivers
            sending,  # noqa: F401 - registers the check of EMAIL_BACKEND
        )
