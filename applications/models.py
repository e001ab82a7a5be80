"""Call alerts: who asked for them, the proof of their consent, and what was sent to whom.

Personal data lives only in `Subscriber` (and the `AlertDelivery` rows that point to it); withdrawal deletes
both. `ConsentEvent` keeps a keyed hash of the address instead, so consent can be proven after erasure.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme
from vacancies.models import Call


def new_token_key():
    return secrets.token_urlsafe(16)


class Subscriber(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    email = models.EmailField(_("e-mail address"), max_length=254)
    language = models.CharField(_("language"), max_length=5, choices=settings.LANGUAGES)
    programmes = models.ManyToManyField(Programme, related_name="subscribers", verbose_name=_("programmes"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Part of every link sent to this subscriber: a link outlives neither the subscriber nor a new key.
    token_key = models.CharField(max_length=32, default=new_token_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="subscriber_email_unique_ci")]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")

    def __str__(self):
        return f"{_('subscriber')} #{self.pk}"  # never the address: str() ends up in logs


class ConsentEvent(models.Model):
    """Append-only ledger of consent, keyed by a hash of the address (see `tokens.subject_hash`)."""

    class Event(models.TextChoices):
        GIVEN = "given", _("Given")
        CONFIRMED = "confirmed", _("Confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired unconfirmed")
        ACCESSED = "accessed", _("Data exported at the subject's request")
        ERASED = "erased", _("Data erased at the subject's request")

    class Channel(models.TextChoices):
        WEB_FORM = "web-form", _("Subscription form")
        EMAIL_LINK = "email-link", _("Link in an e-mail")
        ONE_CLICK = "one-click", _("One-click unsubscribe (RFC 8058)")
        STAFF = "staff", _("Staff, on a request received otherwise")
        SYSTEM = "system", _("System")

    subject = models.CharField(_("subject (keyed hash)"), max_length=64, db_index=True)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    notice_version = models.CharField(_("notice version"), max_length=40)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")

    def __str__(self):
        return f"{self.event} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Consent events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent events are append-only.")


class Sending(models.Model):
    """The columns of a message sent exactly once: claimed by one worker run, marked sent before its final dot
    (delivery.py, sent_mark.py)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, help_text="The batch run that holds this delivery.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True


class AlertDelivery(Sending):
    """One alert for one subscriber about one call: the unique pair is what makes sending exactly-once."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="alert_deliveries")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "call"], name="alert_delivery_once")]
        indexes = [models.Index(fields=["status", "claimed_at"]), models.Index(fields=["call", "status"])]
        verbose_name = _("alert delivery")
        verbose_name_plural = _("alert deliveries")

    def __str__(self):
        return f"{self.call_id}/{self.subscriber_id}: {self.status}"


class OutboxMessage(Sending):
    """An e-mail that must not be lost (a confirmation link, a withdrawal link), written in the transaction of
    the request that asks for it and sent by a worker exactly once: a broker or a mail server that is down
    delays it, never drops it. Erased with its subscriber: nothing is sent to an address that withdrew."""

    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmation link")
        WITHDRAW_LINK = "withdraw-link", _("Withdrawal link")
        ALREADY_SUBSCRIBED = "already-subscribed", _("Already subscribed")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=20, choices=Kind.choices)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.kind}/{self.subscriber_id}: {self.status}"
