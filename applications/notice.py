"""The consent notice's version, tied to its text.

The ledger records ALERTS_NOTICE_VERSION with every consent event. `VERSIONS` holds, per version, a hash of
the notice as rendered in each language (its words, without markup or the per-programme controllers, which
come from the database): tests/test_notice.py fails when the text changes and the version does not.
Changing the notice: bump ALERTS_NOTICE_VERSION and add its hashes here (the failing test prints them).
"""

import hashlib
import re
from html import unescape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

VERSIONS = {
    "2026-12-searches": {
        "en": "0d436efb91f4c6ba1fef78c405da3ea720441bd616c6f4dcb1931e81447e388e",
        "fr": "870171690a9840998941797648bea3a45aced2f6d81f49f3af3508eb667af65d",
        "nl": "51bf14357b913fb22e565df2874659f642d14af8f17b9b2c833cdea3e601404f",
    },
    # The controllers' consent addresses said to be theirs, not a way to stop this site's alerts.
    "2026-12-controllers": {
        "en": "cd0ef2f1fa2015447410c41b0dfe679f7852354d5aa532b9bb6ac6e48af16e2d",
        "fr": "e89d0c4724af2bc3a6fab1fe4ecbe070b99a4cbbdd5c9b54dcc3284af0240820",
        "nl": "4b792012495d587307fe5a7e5aa18391e5323cb825a507f3bfae68cff85493e0",
    },
}


def text(language: str) -> str:
    """The notice's words in `language`, as a candidate reads them (whitespace folded)."""
    context = {
        "confirmation_days": settings.ALERTS_CONFIRMATION_DAYS,
        "alerts_limit": settings.ALERTS_PER_SUBSCRIBER,
        "controllers": {"programmes": [], "operator": {"name": "operator", "email": "operator@example.org"}},
    }
    with translation.override(language):
        html = render_to_string("applications/notice.html", context)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def digest(language: str) -> str:
    return hashlib.sha256(text(language).encode()).hexdigest()
