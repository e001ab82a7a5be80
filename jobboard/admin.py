"""The admin site, with a dashboard for staff (counts only)."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import dashboard


class JobboardAdminSite(admin.AdminSite):
    site_header = _("jobboard: staff")
    site_title = _("jobboard staff")
    index_title = _("Calls, vacancies and alerts")
    index_template = "admin/jobboard_index.html"
    # The change lists need the width at 1280 px (state, dates and programme in view); the breadcrumbs and
    # the index lead everywhere the sidebar did.
    enable_nav_sidebar = False

    def get_urls(self):
        return [
            path("dashboard/", self.admin_view(self.dashboard_view), name="dashboard")
        ] + super().get_urls()

    def dashboard_view(self, request):
        context = {
            **self.each_context(request),
            "title": _("Dashboard"),
            "attention": dashboard.needs_attention(),
            "calls": dashboard.calls_overview(),
            "subscribers": dashboard.subscribers_per_programme(),
            "vacancies": dashboard.vacancies_per_programme(),
        }
        return TemplateResponse(request, "admin/dashboard.html", context)
