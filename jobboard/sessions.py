"""How long a staff sign-in lasts. Sessions are for staff only (candidates have none).

Idle: a session ends `STAFF_IDLE_MINUTES` after its last request (SESSION_COOKIE_AGE, renewed on each
request by SESSION_SAVE_EVERY_REQUEST). Absolute: it ends `STAFF_SESSION_HOURS` after signing in, however
active, so a session taken from a shared computer does not live on.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SIGNED_IN_AT = "signed_in_at"


@receiver(user_logged_in, dispatch_uid="jobboard.sessions.note_sign_in")
def note_sign_in(sender, request, **kwargs):
    if request is not None:
        request.session[SIGNED_IN_AT] = time.time()


class StaffSessionLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Only requests that carry a session cookie: reading the session of any other would mark it accessed
        # and add "Vary: Cookie" to every public page.
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            expired = signed_in_at is None or time.time() - signed_in_at > settings.STAFF_SESSION_HOURS * 3600
            if expired and request.user.is_authenticated:
                logout(request)
        return self.get_response(request)
