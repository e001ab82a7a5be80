from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class JobboardAdminConfig(AdminConfig):
    default_site = "jobboard.admin.JobboardAdminSite"


class JobboardConfig(AppConfig):
    """The project package as an app: what spans the three apps (staff roles, bench data) lives here."""

    name = "jobboard"

    def ready(self):
        from jobboard import sessions  # noqa: F401  (connects the sign-in receiver)
