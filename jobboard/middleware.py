"""Response compression, kept off responses that carry a secret (BREACH)."""

from django.conf import settings
from django.middleware.gzip import GZipMiddleware

# What is worth compressing and carries no secret of its own: pages, feeds, API answers, sitemaps.
COMPRESSED_TYPES = ("text/html", "text/plain", "text/xml", "text/calendar", "application/")
TEXT_APPLICATIONS = ("json", "xml")


class CompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (which pads its output against BREACH), on public responses only.

    BREACH recovers a secret from the size of compressed responses that also reflect what an attacker
    sends. So a response is left uncompressed when it carries a CSRF token (a form: the alerts, the
    eligibility checker, the admin) or goes to someone with a session (signed-in staff: admin, preview).
    Static files are WhiteNoise's (it sits before this middleware and serves them itself).
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "").split(";")[0].strip()
        if not content_type.startswith(COMPRESSED_TYPES):
            return response
        if content_type.startswith("application/") and not content_type.endswith(TEXT_APPLICATIONS):
            return response
        if settings.CSRF_COOKIE_NAME in response.cookies:  # get_token() ran: the page holds a CSRF token
            return response
        if settings.SESSION_COOKIE_NAME in request.COOKIES:  # staff signed in (no session read for this)
            return response
        return super().process_response(request, response)
