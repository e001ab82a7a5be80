"""Template helpers for the candidate pages."""

from django import template
from django.urls import translate_url
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def closing_phrase(vacancy):
    """“Closes in 5 days (12 December 2026, 12:00)” in Europe/Brussels time, or “Closed on …”."""
    closing = vacancy.closing_at
    if vacancy.state == "closed":
        if closing is None:
            return _("Closed")
        return _("Closed on %(date)s") % {"date": date_format(timezone.localtime(closing), "DATE_FORMAT")}
    if closing is None:
        return _("Rolling: no closing date")
    local = timezone.localtime(closing)
    when = date_format(local, "DATETIME_FORMAT")
    days = (local.date() - timezone.localdate()).days
    if days <= 0:
        return _("Closes today (%(when)s)") % {"when": when}
    if days == 1:
        return _("Closes tomorrow (%(when)s)") % {"when": when}
    return ngettext("Closes in %(days)d day (%(when)s)", "Closes in %(days)d days (%(when)s)", days) % {
        "days": days,
        "when": when,
    }


@register.simple_tag(takes_context=True)
def language_url(context, language):
    """The current page, query string included, in another language."""
    request = context["request"]
    return translate_url(request.get_full_path(), language)


@register.simple_tag
def page_url(query, number):
    return f"?{query}&page={number}" if query else f"?page={number}"
