from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VacanciesConfig(AppConfig):
    name = "vacancies"
    verbose_name = _("Vacancies")

    def ready(self):
        from django.db.backends.signals import connection_created

        from . import checks  # noqa: F401 (registers the trigger check)
        from .caching import connect_signals
        from .search import register_sqlite_function

        connect_signals()
        connection_created.connect(register_sqlite_function, dispatch_uid="jobboard_fold")
