"""The site's URLs plus the floor: a view that returns fixed bytes and touches no database.

Only the benchmark server loads this module (tests/bench/settings.py); production URLs stay as they are.
"""

from django.http import HttpResponse
from django.urls import path

from jobboard.urls import urlpatterns as site_urlpatterns

FLOOR_BODY = (
    b'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Floor</title></head>\n'
    b"<body><p>The same server, middleware and network path as every page; no database.</p></body></html>\n"
)


def floor(request):
    return HttpResponse(FLOOR_BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/floor", floor, name="bench-floor"), *site_urlpatterns]
