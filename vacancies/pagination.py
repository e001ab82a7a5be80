"""Strict pagination: a bad page number is the client's error, not silently page 1."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _


@dataclass
class PageResult:
    page: Page
    error: str = ""
    status: int = 200


def paginate(queryset, page_value, per_page, count=None) -> PageResult:
    """`count`: the number of rows, when the caller knows it (the paginator would count them)."""
    paginator = Paginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    if page_value in (None, ""):
        return PageResult(paginator.page(1))
    try:
        number = int(page_value)
    except (TypeError, ValueError):
        return PageResult(
            paginator.page(1), _("“%(page)s” is not a page number.") % {"page": page_value[:20]}, 400
        )
    if number < 1 or number > paginator.num_pages:
        return PageResult(
            paginator.page(1),
            _("There is no page %(page)s; the results have %(pages)s page(s).")
            % {"page": number, "pages": paginator.num_pages},
            404,
        )
    return PageResult(paginator.page(number))
