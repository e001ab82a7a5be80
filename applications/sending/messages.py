"""Composing: each message of the alert service, in its subscriber's language, as text and HTML.

`compose(item, listing)` is the one entry point: batches.py calls it for every row it sends.
"""

import itertools
import logging
import re
import threading
import time
from email import message_from_bytes, policy
from email.utils import formatdate
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .. import searches, tokens
from ..models import AlertDelivery, AlertReport
from .transport import dot_stuffed, wire_form

log = logging.getLogger(__name__)
WITHDRAW_PLACEHOLDER = "__WITHDRAW_URL__"
MANAGE_PLACEHOLDER = "__MANAGE_URL__"


def compose(item, listing=None) -> EmailMultiAlternatives:
    """The e-mail of a row of queue.py, the same (Message-ID included) on every attempt: an `OutboxMessage`
    (a link a person asked for), an `AlertDelivery` (`listing`: its call's open vacancies) or an
    `AlertReport` (`listing`: the vacancies it reports)."""
    if isinstance(item, AlertDelivery):
        return alert_message(item, listing)
    if isinstance(item, AlertReport):
        return report_message(item, listing)
    return outbox_message(item)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def withdraw_url(subscriber):
    return absolute(_withdraw_path(subscriber.language).replace(_TOKEN, _token(subscriber, tokens.WITHDRAW)))


def _token(subscriber, purpose):
    return _signed(subscriber.pk, subscriber.token_key, purpose, _period())


@lru_cache(maxsize=4096)
def _signed(pk, token_key, purpose, _period):
    """A subscriber's link token, signed once in ten minutes: a digest run writes to a subscriber once per
    alert, up to ten times in a row, and signing both links was a sixteenth of its time. The token is the
    same but for its time of signing, a few minutes older; a new key (links revoked) is a new entry."""
    return tokens.make_token(SimpleNamespace(pk=pk, token_key=token_key), purpose)


_TOKEN = "__TOKEN__"  # noqa: S105 - a placeholder in a template, not a secret


@lru_cache(maxsize=8)
def _withdraw_path(language):
    """Reversed once per language: reverse() costs as much as signing the token, once per alert. A token's
    characters (URL-safe base64, "." and ":") are the same before and after reverse() quotes them."""
    with translation.override(language):
        return reverse("alerts:withdraw", kwargs={"token": _TOKEN})


def manage_url(subscriber):
    """The subscriber's page to see, change and stop their alerts (in the active language)."""
    path = _manage_path(translation.get_language())
    return absolute(path.replace(_TOKEN, _token(subscriber, tokens.MANAGE)))


@lru_cache(maxsize=8)
def _manage_path(language):
    """Reversed once per language, as `_withdraw_path`."""
    with translation.override(language):
        return reverse("alerts:manage", kwargs={"token": _TOKEN})


def _search(alert):
    """What an e-mail says of a search alert: the search in words and its list (active language)."""
    return _described(alert.selection, translation.get_language(), _period())


# Reading a search back (validating it as the list does, with a query per programme or organisation) costs
# more than the rest of a digest e-mail, and many alerts follow the same search: a worker reads each search
# once in ten minutes per language. A name staff change shows in the e-mails ten minutes later at most.
_DESCRIBED_SECONDS = 600


@lru_cache(maxsize=16384)  # a few thousand different searches in three languages, a few hundred bytes each
def _described(selection, language, period):
    with translation.override(language):
        lines = [_parsed(selection, period).describe()]  # as searches.describe, from the parse kept
        return {"lines": lines, "url": absolute(searches.list_url(selection))}


@lru_cache(maxsize=8192)
def _parsed(selection, _period):
    return searches.selection_of(selection)


def _message(subscriber, subject, template, context, headers=None):
    context = {"site_url": settings.SITE_URL, "manage_url": manage_url(subscriber), **context}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"applications/email/{template}.txt", context),
        to=[subscriber.email],
        headers=headers or {},
    )
    message.attach_alternative(render_to_string(f"applications/email/{template}.html", context), "text/html")
    return message


def confirmation_message(subscriber):
    with translation.override(subscriber.language):
        token = tokens.make_token(subscriber, tokens.CONFIRM)
        context = {
            "confirm_url": absolute(reverse("alerts:confirm", kwargs={"token": token})),
            "days": settings.ALERTS_CONFIRMATION_DAYS,
            "programmes": list(subscriber.programmes.all()),
            "searches": [_search(alert) for alert in subscriber.alerts.filter(status="pending")],
        }
        return _message(subscriber, _("Confirm your vacancy alerts"), "confirm", context)


def alert_confirm_message(subscriber, alert):
    with translation.override(subscriber.language):
        token = tokens.make_token(subscriber, tokens.ALERT_CONFIRM, alert)
        context = {
            "confirm_url": absolute(reverse("alerts:alert-confirm", kwargs={"token": token})),
            "days": settings.ALERTS_CONFIRMATION_DAYS,
            "search": _search(alert),
        }
        return _message(subscriber, _("Confirm your new vacancy alert"), "alert_confirm", context)


def alert_known_message(subscriber, alert):
    with translation.override(subscriber.language):
        context = {"search": _search(alert)}
        return _message(subscriber, _("You already follow this search"), "alert_known", context)


def alert_limit_message(subscriber):
    with translation.override(subscriber.language):
        context = {"limit": settings.ALERTS_PER_SUBSCRIBER}
        return _message(subscriber, _("You have as many alerts as we allow"), "alert_limit", context)


def manage_link_message(subscriber):
    with translation.override(subscriber.language):
        return _message(subscriber, _("Your link to manage vacancy alerts"), "manage_link", {})


def renewal_message(subscriber, alert):
    with translation.override(subscriber.language):
        token = tokens.make_token(subscriber, tokens.RENEW, alert)
        context = {
            "renew_url": absolute(reverse("alerts:renew", kwargs={"token": token})),
            "expires_at": alert.expires_at,
            "search": _search(alert),
        }
        return _message(subscriber, _("Keep your vacancy alert for another year?"), "renewal", context)


def report_message(report, vacancies):
    """The e-mail of a search alert: the vacancies that opened and match it since the last one.

    A digest run sends hundreds of thousands of these, each a different combination of a search and the
    vacancies it found, so a whole e-mail cannot be cached as an alert's is. It is put together from parts
    rendered once instead: the search in words (per search and language), each vacancy's line (per vacancy
    and language), and the rest of the e-mail with its MIME form (per language, frequency and number of
    vacancies, a `WireTemplate` with the search and the lines filled in as well).
    """
    alert = report.alert
    subscriber = alert.subscriber
    language = subscriber.language
    with translation.override(language):
        search = _search_parts(alert.selection, language, _period())
        lines = [_vacancy_parts(vacancy, language) for vacancy in vacancies]
        frame = _report_frame(language, alert.frequency, len(vacancies), settings.SITE_URL)
        manage = manage_url(subscriber)  # reversed in the subscriber's language
    parts = {
        "search_text": search[0],
        "search_html": search[1],
        "lines_text": "".join(text for text, _html in lines),
        "lines_html": "".join(html for _text, html in lines),
    }
    withdraw = withdraw_url(subscriber)
    values = {
        "to": subscriber.email,
        "withdraw_url": withdraw,
        "manage_url": manage,
        "message_id": f"<report-{report.pk}@{urlsplit(settings.SITE_URL).hostname or 'jobboard'}>",
        "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
    }
    message = _alert_email(frame.subject, *frame.bodies(parts), **values)
    if frame.wire is not None:
        message.wire = frame.fill(parts, values)
    return message


def _period():
    return int(time.monotonic() // _DESCRIBED_SECONDS)


def caches_clear():
    """Forget what this process rendered (tests: each has its own catalogue and settings)."""
    cached = (_described, _parsed, _search_parts, _report_frame, _alert_body, _alert_wire_template, _signed)
    for function in cached:
        function.cache_clear()
    _vacancy_lines.clear()


@lru_cache(maxsize=16384)
def _search_parts(selection, language, period):
    """(text, html) of the search in words, as report.txt and report.html show it."""
    context = {"search": _described(selection, language, period)}
    with translation.override(language):
        return (
            render_to_string("applications/email/_report_search.txt", context),  # unescaped, as report.txt
            render_to_string("applications/email/_search.html", context),
        )


# A digest run reports a few thousand vacancies, in three languages: 4,267 in the benchmark's, up to 12,801
# lines, which a cache of 8,192 emptied again and again. Each line pair is about 600 bytes.
_VACANCY_LINES = 32768
_vacancy_lines = {}
_vacancy_lines_lock = threading.Lock()


def _vacancy_parts(vacancy, language):
    """(text, html) of a vacancy's line in a report, rendered once per vacancy, version, organisation name and
    language."""
    organisation = vacancy.organisation  # a renamed organisation has no date of change: key on what shows
    key = (vacancy.pk, vacancy.updated_at, vacancy.closes_on, language)
    key += (organisation.short_name, organisation.name_language)
    if (parts := _vacancy_lines.get(key)) is not None:
        return parts
    context = {"vacancy": vacancy, "site_url": settings.SITE_URL}
    parts = (
        render_to_string("applications/email/_report_vacancy.txt", context),
        render_to_string("applications/email/_report_vacancy.html", context),
    )
    with _vacancy_lines_lock:
        if len(_vacancy_lines) >= _VACANCY_LINES:
            # The oldest quarter goes (a dict keeps its order): a new run's lines replace a past run's without
            # emptying the cache in the middle of a run.
            for old in list(itertools.islice(_vacancy_lines, _VACANCY_LINES // 4)):
                _vacancy_lines.pop(old, None)
        _vacancy_lines[key] = parts
    return parts


class ReportFrame:
    """A report's e-mail with a marker for each part (the search, the vacancies' lines) and each value that
    differs per subscriber (as WireTemplate); the parts are filled in before the values."""

    # Not ASCII, so that the email package writes the bodies as 8bit whatever the parts hold.
    MARKERS = {
        "search_text": "__REPORT_SEARCH_TEXT_\u00c9__",
        "search_html": "__REPORT_SEARCH_HTML_\u00c9__",
        "lines_text": "__REPORT_LINES_TEXT_\u00c9__",
        "lines_html": "__REPORT_LINES_HTML_\u00c9__",
    }
    MAX_LINE = 900  # a part's line fits the 998 characters of SMTP, with room for the dot SMTP may double

    def __init__(self, subject, text, html):
        self.subject, self.text, self.html = subject, text, html
        self.wire = None

    def bodies(self, parts):
        text, html = self.text, self.html
        for name, marker in self.MARKERS.items():
            text, html = text.replace(marker, parts[name]), html.replace(marker, parts[name])
        return text, html

    def fill(self, parts, values) -> bytes | None:
        """The filled-in message, or None when a part or value cannot be copied as it is (then the email
        package builds it)."""
        content = self.wire
        for name, marker in self.MARKERS.items():
            part = parts[name].encode()
            lines = part.split(b"\n")
            if b"\r" in part or any(len(line) > self.MAX_LINE for line in lines):
                return None
            part = dot_stuffed(b"\r\n".join(lines))  # each part starts a line
            content = content.replace(marker.encode(), part)
        return WireTemplate(content).fill(values)


@lru_cache(maxsize=256)
def _report_frame(language, frequency, count, _site_url) -> ReportFrame:
    """The frame of the reports of a language, frequency and size, with its MIME form checked against the
    email package's own output (as `_alert_wire_template`); without it, each report is built one by one."""
    from ..models import Alert

    with translation.override(language):
        subject = ngettext(
            "%(count)d new vacancy for your search", "%(count)d new vacancies for your search", count
        ) % {"count": count}
        markers = ReportFrame.MARKERS
        context = {
            "language": language,
            "frequency": Alert.Frequency(frequency).label,
            "site_url": settings.SITE_URL,
            "manage_url": MANAGE_PLACEHOLDER,
            "withdraw_url": WITHDRAW_PLACEHOLDER,
        }
        text = render_to_string(
            "applications/email/report.txt",
            {**context, "search_block": markers["search_text"], "vacancy_lines": markers["lines_text"]},
        )
        html = render_to_string(
            "applications/email/report.html",
            {
                **context,
                "search_block": mark_safe(markers["search_html"]),  # noqa: S308 - our own constants
                "vacancy_lines": mark_safe(markers["lines_html"]),  # noqa: S308
            },
        )
    frame = ReportFrame(subject, text, html)
    frame.wire = wire_form(_alert_email(subject, text, html, **WireTemplate.PLACEHOLDERS))
    sample_parts = {
        "search_text": "  Land: Bénin\n.Een lijst: https://example.org/?q=é\n",
        "search_html": "<ul><li>Land: Bénin</li></ul>\n<p>.lijst</p>\n",
        "lines_text": "- Épidémiologiste – ONU Femmes, Cotonou\n  https://example.org/v/1/\n",
        "lines_html": '<li><a href="https://example.org/v/1/">Épidémiologiste</a></li>\n',
    }
    sample = _sample_values("report")
    filled = frame.fill(sample_parts, sample)
    expected = wire_form(_alert_email(subject, *frame.bodies(sample_parts), **sample))
    if filled is None or _reading(filled) != _reading(expected):
        log.warning("Reports in %s are built one by one: the template does not fit.", language)
        frame.wire = None
    return frame


def withdraw_link_message(subscriber):
    with translation.override(subscriber.language):
        return _message(
            subscriber,
            _("Your link to stop vacancy alerts"),
            "withdraw_link",
            {"withdraw_url": withdraw_url(subscriber)},
        )


def already_subscribed_message(subscriber):
    with translation.override(subscriber.language):
        return _message(
            subscriber,
            _("You already receive vacancy alerts"),
            "already_subscribed",
            {"withdraw_url": withdraw_url(subscriber)},
        )


def outbox_message(outbox):
    """The e-mail of an `OutboxMessage`, with the same Message-ID on every attempt."""
    build = {
        "confirm": confirmation_message,
        "withdraw-link": withdraw_link_message,
        "already-subscribed": already_subscribed_message,
        "alert-limit": alert_limit_message,
        "manage-link": manage_link_message,
    }.get(outbox.kind)
    if build is None:  # about one alert
        build = {
            "alert-confirm": alert_confirm_message,
            "alert-known": alert_known_message,
            "renewal": renewal_message,
        }[outbox.kind]
        message = build(outbox.subscriber, outbox.alert)
    else:
        message = build(outbox.subscriber)
    message.extra_headers["Message-ID"] = (
        f"<outbox-{outbox.pk}@{urlsplit(settings.SITE_URL).hostname or 'jobboard'}>"
    )
    return message


class AlertMessage(EmailMultiAlternatives):
    """An alert. `wire` is its SMTP form filled in from the template of its call and language, or None."""

    wire = None


class Listing(tuple):
    """A call's open vacancies as part of the key of the per-call caches below, hashed once rather than for
    every alert: hashing the model instances took a tenth of the worker's time in a fan-out."""

    def __hash__(self):
        if "hash" not in self.__dict__:
            self.__dict__["hash"] = super().__hash__()
        return self.__dict__["hash"]


def alert_message(delivery, vacancies):
    """The alert for one delivery. The body is rendered once per call and language (see `_alert_body`)."""
    subscriber, call = delivery.subscriber, delivery.call
    vacancies = vacancies if isinstance(vacancies, Listing) else Listing(vacancies)
    key = (call.pk, call.updated_at, subscriber.language, vacancies)
    values = {
        "to": subscriber.email,
        "withdraw_url": withdraw_url(subscriber),
        "manage_url": manage_url(subscriber),
        # The same id on a repeated attempt lets mail systems recognise the message.
        "message_id": f"<alert-{delivery.pk}@{urlsplit(settings.SITE_URL).hostname or 'jobboard'}>",
        "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
    }
    message = _alert_email(*_alert_body(*key), **values)
    if template := _alert_wire_template(*key):
        message.wire = template.fill(values)
    return message


def _alert_email(subject, text, html, *, to, withdraw_url, manage_url, message_id, date):
    message = AlertMessage(
        subject=subject,
        body=text.replace(WITHDRAW_PLACEHOLDER, withdraw_url).replace(MANAGE_PLACEHOLDER, manage_url),
        to=[to],
        headers={
            "Date": date,
            "List-Unsubscribe": f"<{withdraw_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": message_id,
        },
    )
    html = html.replace(WITHDRAW_PLACEHOLDER, withdraw_url).replace(MANAGE_PLACEHOLDER, manage_url)
    message.attach_alternative(html, "text/html")
    return message


class WireTemplate:
    """An alert's SMTP form with a placeholder for each value that differs per subscriber.

    Building a MIME message with the email package costs about a millisecond, as much as sending it; an
    alert differs from the next one of its call and language only in its recipient, withdrawal and manage
    links, Message-ID and date, so the fan-out builds it once and fills it in. Only plain ASCII values without
    line breaks are filled in: they are copied as they are into headers and 7/8-bit bodies alike.
    """

    PLACEHOLDERS = {
        "to": "alert-recipient@placeholder.invalid",
        "withdraw_url": WITHDRAW_PLACEHOLDER,
        "manage_url": MANAGE_PLACEHOLDER,
        "message_id": "<alert-message-id@placeholder.invalid>",
        "date": "__ALERT_DATE__",
    }
    MAX_VALUE = 300  # so that no line can outgrow SMTP's 998 characters (checked when the template is made)
    # Printable ASCII and single spaces (the date has some), not starting with a dot (SMTP doubles those).
    _PLAIN = re.compile(r"(?!\.)[!-~]+( [!-~]+)*")

    def __init__(self, content: bytes):
        self.content = content

    def fill(self, values) -> bytes | None:
        """The filled-in message, or None when a value is not plain enough to be copied as it is."""
        content = self.content
        for name, value in values.items():
            if len(value) > self.MAX_VALUE or not self._PLAIN.fullmatch(value):
                return None
            content = content.replace(self.PLACEHOLDERS[name].encode(), value.encode())
        return content


@lru_cache(maxsize=64)
def _alert_wire_template(call_id, updated_at, language, vacancies) -> WireTemplate | None:
    """The template of the alerts of a call in a language, checked against the email package's own output.

    Filled in with sample values (the longest link), it must read as the message the email package makes of
    them: the same headers and parts. Only the folding of long header lines and the random MIME boundary may
    differ. Otherwise the alerts are built one by one, as without a template.
    """
    body = _alert_body(call_id, updated_at, language, vacancies)
    template = WireTemplate(wire_form(_alert_email(*body, **WireTemplate.PLACEHOLDERS)))
    sample = _sample_values("alert")
    filled = template.fill(sample)
    if (
        filled is not None
        and all(len(line) <= 998 for line in filled.split(b"\r\n"))
        and _reading(filled) == _reading(wire_form(_alert_email(*body, **sample)))
    ):
        return template
    log.warning("Alerts of call %s in %s are built one by one: the template does not fit.", call_id, language)
    return None


def _sample_values(kind):
    """Values to check a WireTemplate with: the longest links it takes, an address with a dot and a +tag."""
    link, manage = absolute("/nl/alerts/withdraw/"), absolute("/nl/alerts/manage/")
    return {
        "to": "a.sample-subscriber+alerts@example.org",
        "withdraw_url": link + "x" * (WireTemplate.MAX_VALUE - len(link)),
        "manage_url": manage + "x" * (WireTemplate.MAX_VALUE - len(manage)),
        "message_id": f"<{kind}-{'9' * 12}@example.org>",
        "date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME),
    }


def _reading(content: bytes):
    """What a mail program reads in a message: each part's headers (unfolded) and decoded content."""
    parts = []
    for part in message_from_bytes(content, policy=policy.default).walk():
        headers = [
            (name, str(value).strip()) for name, value in part.items() if name.lower() != "content-type"
        ]
        params = {k: v for k, v in part.get_params(failobj=[]) if k != "boundary"}
        payload = None if part.is_multipart() else part.get_content()
        parts.append((headers, part.get_content_type(), params, payload))
    return parts


@lru_cache(maxsize=64)
def _alert_body(call_id, updated_at, language, vacancies):
    from vacancies.models import Call

    call = Call.objects.select_related("programme").get(pk=call_id)
    with translation.override(language):
        context = {
            "call": call,
            "vacancies": vacancies,
            "list_url": absolute(reverse("vacancies:list") + f"?programme={call.programme.slug}"),
            "withdraw_url": WITHDRAW_PLACEHOLDER,
            "manage_url": MANAGE_PLACEHOLDER,
            "site_url": settings.SITE_URL,
            "language": language,
        }
        subject = _("New call: %(title)s") % {"title": call.title}
        return (
            subject,
            render_to_string("applications/email/alert.txt", context),
            render_to_string("applications/email/alert.html", context),
        )
