"""Writes of the alert service. Every change of consent appends a `ConsentEvent` in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import searches, tokens
from .models import Alert, ConsentEvent, OutboxMessage, Subscriber
from .tasks import dispatch, send_outbox

Channel = ConsentEvent.Channel
Event = ConsentEvent.Event
Scope = ConsentEvent.Scope


class LimitReached(Exception):  # noqa: N818 - a state the manage page explains
    """The subscriber holds ALERTS_PER_SUBSCRIBER alerts already."""


def _record(email, event, channel, *, scope=Scope.SUBSCRIBER, selection="", language=""):
    ConsentEvent.objects.create(
        subject=tokens.subject_hash(email),
        event=event,
        notice_version=settings.ALERTS_NOTICE_VERSION,
        channel=channel,
        scope=scope,
        selection=selection,
        language=language,
    )


def _record_alert(subscriber, alert, event, channel):
    """A consent event about one search alert: its kind, its selection (keyed hash if it has terms)."""
    _record(
        subscriber.email,
        event,
        channel,
        scope=Scope.SEARCH,
        selection=tokens.selection_record(alert.selection),
        language=subscriber.language,
    )


def _record_subscription(subscriber, event, channel):
    """A consent event about the subscription and the programmes whose calls it follows."""
    slugs = ",".join(sorted(p.slug for p in subscriber.programmes.all()))
    _record(
        subscriber.email, event, channel, scope=Scope.CALL if slugs else Scope.SUBSCRIBER,
        selection=slugs[:200], language=subscriber.language,
    )  # fmt: skip


def _record_programmes(subscriber, programmes, event, channel):
    for programme in programmes:
        _record(
            subscriber.email, event, channel, scope=Scope.CALL, selection=programme.slug,
            language=subscriber.language,
        )  # fmt: skip


def _email(subscriber, kind, alert=None):
    """Put the e-mail in the outbox, in the caller's transaction; queue it once that commits. If it cannot be
    queued (broker down), a worker's sweep sends it later: it is delayed, never dropped."""
    message = OutboxMessage.objects.create(subscriber=subscriber, kind=kind, alert=alert)
    transaction.on_commit(lambda: dispatch(send_outbox, [message.pk]))


def alert_count(subscriber) -> int:
    """Alerts held: each search followed and each programme whose calls are followed."""
    return subscriber.alerts.count() + subscriber.programmes.count()


def _alert_new(subscriber, selection, frequency):
    from .sending.queue import terms_query_fill

    alert = Alert.objects.create(
        subscriber=subscriber, selection=selection, frequency=frequency, **searches.columns(selection)
    )
    terms_query_fill(Alert.objects.filter(pk=alert.pk))
    return alert


@transaction.atomic
def subscription_request(
    *, email, programmes, language, selection=None, frequency=Alert.Frequency.DAILY
) -> None:
    """Ask for alerts: new calls of `programmes`, and new vacancies matching `selection` (a normalised list
    query, applications.searches), if given. Says nothing about whether the address was known: the e-mail
    it sends does (a link to confirm, or why there is nothing to confirm)."""
    email = tokens.normalise_email(email)
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language}
    )
    if subscriber.status == Subscriber.Status.CONFIRMED:
        if selection is None:
            # No change without a confirmation from the address itself; remind its owner how to stop instead.
            _email(subscriber, OutboxMessage.Kind.ALREADY_SUBSCRIBED)
            return
        _search_request(subscriber, selection, frequency)
        return
    if not created:
        # The link mailed now is valid for ALERTS_CONFIRMATION_DAYS: the pending row must live as long, so
        # its age counts from this request (the purge reads created_at).
        subscriber.language = language
        subscriber.created_at = timezone.now()
        subscriber.save(update_fields=["language", "created_at"])
    # Added to what an earlier request asked for, not instead of it: both e-mails say to confirm.
    subscriber.programmes.add(*programmes)
    _record_subscription(subscriber, Event.GIVEN, Channel.WEB_FORM)
    if selection is not None:
        alert = subscriber.alerts.filter(selection=selection).first()
        if alert is None and alert_count(subscriber) < settings.ALERTS_PER_SUBSCRIBER:
            alert = _alert_new(subscriber, selection, frequency)
        if alert is not None:
            _record_alert(subscriber, alert, Event.GIVEN, Channel.WEB_FORM)
    _email(subscriber, OutboxMessage.Kind.CONFIRM)


def _search_request(subscriber, selection, frequency):
    """A confirmed address follows one more search: confirmed by a link too, or told why not."""
    alert = subscriber.alerts.select_for_update().filter(selection=selection).first()
    if alert is not None and alert.status == Alert.Status.CONFIRMED:
        _email(subscriber, OutboxMessage.Kind.ALERT_KNOWN, alert=alert)
        return
    if alert is None:
        if alert_count(subscriber) >= settings.ALERTS_PER_SUBSCRIBER:
            _email(subscriber, OutboxMessage.Kind.ALERT_LIMIT)
            return
        alert = _alert_new(subscriber, selection, frequency)
    else:
        alert.frequency = frequency
        alert.created_at = timezone.now()  # its link is new: the purge of unconfirmed alerts counts from it
        alert.save(update_fields=["frequency", "created_at"])
    _record_alert(subscriber, alert, Event.GIVEN, Channel.WEB_FORM)
    _email(subscriber, OutboxMessage.Kind.ALERT_CONFIRM, alert=alert)


def _alert_confirmed(subscriber, alert, now):
    alert.status = Alert.Status.CONFIRMED
    alert.confirmed_at = alert.renewed_at = now
    alert.save(update_fields=["status", "confirmed_at", "renewed_at"])
    _record_alert(subscriber, alert, Event.CONFIRMED, Channel.EMAIL_LINK)


@transaction.atomic
def subscription_confirm(*, token) -> tuple[Subscriber, bool]:
    """Confirm from the e-mailed link, with the searches asked for along. Returns (subscriber, whether it
    was already confirmed)."""
    subscriber = tokens.read_token(token, tokens.CONFIRM, Subscriber.objects.select_for_update())
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber, True
    now = timezone.now()
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = now
    subscriber.save(update_fields=["status", "confirmed_at"])
    _record_subscription(subscriber, Event.CONFIRMED, Channel.EMAIL_LINK)
    for alert in subscriber.alerts.filter(status=Alert.Status.PENDING):
        _alert_confirmed(subscriber, alert, now)
    return subscriber, False


@transaction.atomic
def alert_confirm(*, token) -> tuple[Alert, bool]:
    """Confirm one more search of a confirmed address. Returns (alert, whether it was already confirmed)."""
    subscriber, alert = tokens.read_alert_token(
        token, tokens.ALERT_CONFIRM, Alert.objects.select_for_update()
    )
    if alert.status == Alert.Status.CONFIRMED:
        return alert, True
    _alert_confirmed(subscriber, alert, timezone.now())
    return alert, False


def _erase_if_empty(subscriber, channel):
    """A subscriber who follows nothing any more is erased (the ledger says why)."""
    if not subscriber.alerts.exists() and not subscriber.programmes.exists():
        _record(subscriber.email, Event.WITHDRAWN, channel, language=subscriber.language)
        subscriber.delete()
        return True
    return False


@transaction.atomic
def alert_frequency_set(*, token, alert_id, frequency) -> Alert:
    subscriber = tokens.read_token(token, tokens.MANAGE)
    alert = subscriber.alerts.select_for_update().get(pk=alert_id)
    alert.frequency = frequency
    alert.save(update_fields=["frequency"])
    return alert


@transaction.atomic
def alert_stop(*, token, alert_id) -> bool:
    """Stop one search alert; returns whether the address was erased with it (it followed nothing else)."""
    subscriber = tokens.read_token(token, tokens.MANAGE, Subscriber.objects.select_for_update())
    alert = subscriber.alerts.get(pk=alert_id)
    _record_alert(subscriber, alert, Event.WITHDRAWN, Channel.EMAIL_LINK)
    alert.delete()
    return _erase_if_empty(subscriber, Channel.EMAIL_LINK)


@transaction.atomic
def programme_stop(*, token, programme) -> bool:
    """Stop the call alerts of one programme; returns whether the address was erased with them."""
    subscriber = tokens.read_token(token, tokens.MANAGE, Subscriber.objects.select_for_update())
    if subscriber.programmes.filter(pk=programme.pk).exists():
        subscriber.programmes.remove(programme)
        _record_programmes(subscriber, [programme], Event.WITHDRAWN, Channel.EMAIL_LINK)
    return _erase_if_empty(subscriber, Channel.EMAIL_LINK)


@transaction.atomic
def alert_renew(*, token) -> Alert:
    """Another ALERTS_LIFETIME_DAYS for the alert, from now."""
    subscriber, alert = tokens.read_alert_token(token, tokens.RENEW, Alert.objects.select_for_update())
    alert.renewed_at, alert.reminded_at = timezone.now(), None
    alert.save(update_fields=["renewed_at", "reminded_at"])
    _record_alert(subscriber, alert, Event.RENEWED, Channel.EMAIL_LINK)
    return alert


@transaction.atomic
def manage_link_request(*, email) -> None:
    """Mail the link to the manage page if the address is subscribed; the answer is the same either way."""
    subscriber = Subscriber.objects.filter(email=tokens.normalise_email(email)).first()
    if subscriber is not None:
        _email(subscriber, OutboxMessage.Kind.MANAGE_LINK)


@transaction.atomic
def alerts_remind(*, now=None) -> int:
    """Offer, once, to renew each alert that lapses within ALERTS_RENEWAL_NOTICE_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ALERTS_LIFETIME_DAYS - settings.ALERTS_RENEWAL_NOTICE_DAYS)
    due = list(
        Alert.objects.confirmed()
        .select_for_update(skip_locked=True)
        .filter(renewed_at__lte=cutoff, reminded_at__isnull=True)
        .select_related("subscriber")
    )
    for alert in due:
        _email(alert.subscriber, OutboxMessage.Kind.RENEWAL, alert=alert)
    Alert.objects.filter(pk__in=[a.pk for a in due]).update(reminded_at=now)
    return len(due)


@transaction.atomic
def alerts_lapse(*, now=None) -> int:
    """Delete the alerts not renewed within ALERTS_LIFETIME_DAYS; erase the addresses left with none."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ALERTS_LIFETIME_DAYS)
    lapsed = list(
        Alert.objects.confirmed()
        .select_for_update(skip_locked=True)
        .filter(renewed_at__lte=cutoff)
        .select_related("subscriber")
    )
    subscribers = {}
    for alert in lapsed:
        _record_alert(alert.subscriber, alert, Event.LAPSED, Channel.SYSTEM)
        subscribers[alert.subscriber_id] = alert.subscriber
    Alert.objects.filter(pk__in=[a.pk for a in lapsed]).delete()
    for subscriber in subscribers.values():
        if not subscriber.alerts.exists() and not subscriber.programmes.exists():
            _record(subscriber.email, Event.LAPSED, Channel.SYSTEM, language=subscriber.language)
            subscriber.delete()
    return len(lapsed)


@transaction.atomic
def subscriber_withdraw(*, token, channel=Channel.EMAIL_LINK, purpose=tokens.WITHDRAW) -> None:
    """Withdraw consent: the address and every row that holds it are erased; the hashed event remains.
    `purpose`: the link's (a withdrawal link, or the manage page's "stop everything")."""
    subscriber = tokens.read_token(token, purpose, Subscriber.objects.select_for_update())
    _record(subscriber.email, Event.WITHDRAWN, channel, language=subscriber.language)
    subscriber.delete()  # cascades to the programmes and searches followed and what was sent about them


@transaction.atomic
def withdrawal_link_request(*, email) -> None:
    """Mail a withdrawal link to the address if it is subscribed; the answer is the same either way."""
    subscriber = Subscriber.objects.filter(email=tokens.normalise_email(email)).first()
    if subscriber is not None:
        _email(subscriber, OutboxMessage.Kind.WITHDRAW_LINK)


@transaction.atomic
def subscribers_erase_unconfirmed(*, now=None) -> int:
    """Erase subscriptions left unconfirmed longer than the confirmation link lives."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.ALERTS_CONFIRMATION_DAYS)
    stale = Subscriber.objects.select_for_update().filter(
        status=Subscriber.Status.PENDING, created_at__lt=cutoff
    )
    events = [
        ConsentEvent(
            subject=tokens.subject_hash(email),
            event=ConsentEvent.Event.EXPIRED,
            notice_version=settings.ALERTS_NOTICE_VERSION,
            channel=Channel.SYSTEM,
        )
        for email in stale.values_list("email", flat=True)
    ]
    ConsentEvent.objects.bulk_create(events)
    stale.delete()
    # Searches a confirmed address asked to follow but never confirmed.
    unconfirmed = Alert.objects.filter(status=Alert.Status.PENDING, created_at__lt=cutoff).select_related(
        "subscriber"
    )
    for alert in unconfirmed:
        _record_alert(alert.subscriber, alert, Event.EXPIRED, Channel.SYSTEM)
    unconfirmed.delete()
    return len(events)


@transaction.atomic
def consent_ledger_purge(*, now=None) -> int:
    """Delete the ledger of addresses that are no longer subscribed and had no event for
    CONSENT_LEDGER_YEARS: the record proves consent while we use an address, and for a while after, to
    answer a complaint; then it has no purpose left."""
    cutoff = (now or timezone.now()) - timedelta(days=365 * settings.CONSENT_LEDGER_YEARS)
    subscribed = {tokens.subject_hash(email) for email in Subscriber.objects.values_list("email", flat=True)}
    quiet = ConsentEvent.objects.values("subject").annotate(last=Max("created_at")).filter(last__lt=cutoff)
    expired = [row["subject"] for row in quiet.iterator() if row["subject"] not in subscribed]
    deleted = 0
    for start in range(0, len(expired), 1000):
        deleted += ConsentEvent.objects.filter(subject__in=expired[start : start + 1000]).delete()[0]
    return deleted


@transaction.atomic
def subscriber_export(*, email) -> dict:
    """Everything held about an address (right of access), and a record that it was handed out."""
    email = tokens.normalise_email(email)
    subject = tokens.subject_hash(email)
    subscriber = Subscriber.objects.filter(email=email).prefetch_related("programmes").first()
    data = {
        "email": email,
        "subscription": None,
        "alerts": [],
        "consent_events": [
            {
                "event": e.event,
                "time": e.created_at.isoformat(),
                "channel": e.channel,
                "notice_version": e.notice_version,
                "scope": e.scope,
                "selection": e.selection,
                "language": e.language,
            }
            for e in ConsentEvent.objects.filter(subject=subject)
        ],
    }
    if subscriber is not None:
        data["subscription"] = {
            "status": subscriber.status,
            "language": subscriber.language,
            "programmes": [p.slug for p in subscriber.programmes.all()],
            "searches": [
                {
                    "search": a.selection,
                    "status": a.status,
                    "frequency": a.frequency,
                    "confirmed_at": a.confirmed_at.isoformat() if a.confirmed_at else None,
                    "expires_at": a.expires_at.isoformat() if a.expires_at else None,
                }
                for a in subscriber.alerts.all()
            ],
            "created_at": subscriber.created_at.isoformat(),
            "confirmed_at": subscriber.confirmed_at.isoformat() if subscriber.confirmed_at else None,
        }
        data["alerts"] = [
            {
                "call": d.call.title,
                "status": d.status,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
            }
            for d in subscriber.deliveries.select_related("call").order_by("pk")
        ]
    _record(email, ConsentEvent.Event.ACCESSED, Channel.STAFF)
    return data


@transaction.atomic
def subscriber_erase(*, email) -> bool:
    """Erase an address and every row that holds it (right to erasure). Returns whether anything was held.

    The request is recorded either way, as proof that it was handled.
    """
    email = tokens.normalise_email(email)
    deleted, _per_model = Subscriber.objects.filter(email=email).delete()
    _record(email, ConsentEvent.Event.ERASED, Channel.STAFF)
    return deleted > 0
