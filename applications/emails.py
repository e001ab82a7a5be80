"""The e-mails of the alert service, each in the subscriber's language, as text and HTML."""

from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import tokens

WITHDRAW_PLACEHOLDER = "__WITHDRAW_URL__"


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def withdraw_url(subscriber):
    with translation.override(subscriber.language):
        return absolute(
            reverse("alerts:withdraw", kwargs={"token": tokens.make_token(subscriber, tokens.WITHDRAW)})
        )


def _message(subscriber, subject, template, context, headers=None):
    context = {"site_url": settings.SITE_URL, **context}
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
        }
        return _message(subscriber, _("Confirm your vacancy alerts"), "confirm", context)


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


def alert_message(delivery, vacancies):
    """The alert for one delivery. The body is rendered once per call and language (see `_alert_body`)."""
    subscriber, call = delivery.subscriber, delivery.call
    url = withdraw_url(subscriber)
    subject, text, html = _alert_body(call.pk, call.updated_at, subscriber.language, tuple(vacancies))
    message = EmailMultiAlternatives(
        subject=subject,
        body=text.replace(WITHDRAW_PLACEHOLDER, url),
        to=[subscriber.email],
        headers={
            "List-Unsubscribe": f"<{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # The same id on a repeated attempt lets mail systems recognise the message.
            "Message-ID": f"<alert-{delivery.pk}@{urlsplit(settings.SITE_URL).hostname or 'jobboard'}>",
        },
    )
    message.attach_alternative(html.replace(WITHDRAW_PLACEHOLDER, url), "text/html")
    return message


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
            "site_url": settings.SITE_URL,
            "language": language,
        }
        subject = _("New call: %(title)s") % {"title": call.title}
        return (
            subject,
            render_to_string("applications/email/alert.txt", context),
            render_to_string("applications/email/alert.html", context),
        )
