"""Writes of the alert service. Every change of consent appends a `ConsentEvent` in the same transaction."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from . import tokens
from .models import ConsentEvent, OutboxMessage, Subscriber
from .tasks import dispatch, send_outbox

Channel = ConsentEvent.Channel


def _record(email, event, channel):
    ConsentEvent.objects.create(
        subject=tokens.subject_hash(email),
        event=event,
        notice_version=settings.ALERTS_NOTICE_VERSION,
        channel=channel,
    )


def _email(subscriber, kind):
    """Put the e-mail in the outbox, in the caller's transaction; queue it once that commits. If it cannot be
    queued (broker down), a worker's sweep sends it later: it is delayed, never dropped."""
    message = OutboxMessage.objects.create(subscriber=subscriber, kind=kind)
    transaction.on_commit(lambda: dispatch(send_outbox, [message.pk]))


@transaction.atomic
def subscription_request(*, email, programmes, language) -> None:
    """Ask for alerts. Says nothing about whether the address was known: the e-mail it sends does."""
    email = tokens.normalise_email(email)
    subscriber, created = Subscriber.objects.select_for_update().get_or_create(
        email=email, defaults={"language": language}
    )
    if subscriber.status == Subscriber.Status.CONFIRMED:
        # No change without a confirmation from the address itself; remind its owner how to stop instead.
        _email(subscriber, OutboxMessage.Kind.ALREADY_SUBSCRIBED)
        return
    if not created:
        # The link mailed now is valid for ALERTS_CONFIRMATION_DAYS: the pending row must live as long, so
        # its age counts from this request (the purge reads created_at).
        subscriber.language = language
        subscriber.created_at = timezone.now()
        subscriber.save(update_fields=["language", "created_at"])
    subscriber.programmes.set(programmes)
    _record(email, ConsentEvent.Event.GIVEN, Channel.WEB_FORM)
    _email(subscriber, OutboxMessage.Kind.CONFIRM)


@transaction.atomic
def subscription_confirm(*, token) -> tuple[Subscriber, bool]:
    """Confirm from the e-mailed link. Returns (subscriber, whether it was already confirmed)."""
    subscriber = tokens.read_token(token, tokens.CONFIRM, Subscriber.objects.select_for_update())
    if subscriber.status == Subscriber.Status.CONFIRMED:
        return subscriber, True
    subscriber.status = Subscriber.Status.CONFIRMED
    subscriber.confirmed_at = timezone.now()
    subscriber.save(update_fields=["status", "confirmed_at"])
    _record(subscriber.email, ConsentEvent.Event.CONFIRMED, Channel.EMAIL_LINK)
    return subscriber, False


@transaction.atomic
def subscriber_withdraw(*, token, channel=Channel.EMAIL_LINK) -> None:
    """Withdraw consent: the address and every row that holds it are erased; the hashed event remains."""
    subscriber = tokens.read_token(token, tokens.WITHDRAW, Subscriber.objects.select_for_update())
    _record(subscriber.email, ConsentEvent.Event.WITHDRAWN, channel)
    subscriber.delete()  # cascades to the programmes followed and the alert deliveries


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
            }
            for e in ConsentEvent.objects.filter(subject=subject)
        ],
    }
    if subscriber is not None:
        data["subscription"] = {
            "status": subscriber.status,
            "language": subscriber.language,
            "programmes": [p.slug for p in subscriber.programmes.all()],
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
