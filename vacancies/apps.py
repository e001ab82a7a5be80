from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Vacancies")

    def ready(self):
        from . import checks  # noqa: F401 (registers the trigger check)
        from .caching import connect_signals

        connect_signals()
