"""The consent notice's version names its text: the ledger's `notice_version` says which words were read."""

import pytest
from django.conf import settings

from applications import notice


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_notice_text_has_not_changed_without_a_new_version(language):
    assert settings.ALERTS_NOTICE_VERSION in notice.VERSIONS, "add its hashes to applications/notice.py"
    expected = notice.VERSIONS[settings.ALERTS_NOTICE_VERSION][language]

    assert notice.digest(language) == expected, (
        f"The notice in {language!r} changed: bump ALERTS_NOTICE_VERSION and record its hash "
        f"{notice.digest(language)!r} in applications/notice.py."
    )


def test_the_notice_names_searches_and_their_lifetime():
    words = notice.text("en")

    assert "searches you follow" in words
    assert "ends a year after you confirmed or last renewed it" in words


def test_the_ledger_records_the_current_notice_version(db):
    from applications.models import ConsentEvent
    from applications.services import subscription_request
    from tests.factories import ProgrammeFactory

    subscription_request(email="a@example.org", programmes=[ProgrammeFactory(slug="jpo")], language="en")

    assert ConsentEvent.objects.get().notice_version == settings.ALERTS_NOTICE_VERSION
