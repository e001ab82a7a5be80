from django.contrib.admin.apps import AdminConfig


class JobboardAdminConfig(AdminConfig):
    default_site = "jobboard.admin.JobboardAdminSite"
