"""Alerts: who asked for them, the proof of their consent, and what was sent to whom.

A subscriber (one address, confirmed once) follows programmes (an e-mail per new call: `AlertDelivery`) and
up to ALERTS_PER_SUBSCRIBER searches in all (`Alert`: new vacancies that match, grouped in `AlertReport`
e-mails at the alert's frequency; `AlertMatch` is the (alert, vacancy) pair reported at most once).

Personal data lives only in `Subscriber` and the rows that point to it; withdrawal deletes them all.
`ConsentEvent` keeps a keyed hash of the address instead, so consent can be proven after erasure.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme
from vacancies.models import Call, Vacancy


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
        RENEWED = "renewed", _("Renewed for another year")
        LAPSED = "lapsed", _("Lapsed: not renewed within a year")

    class Channel(models.TextChoices):
        WEB_FORM = "web-form", _("Subscription form")
        EMAIL_LINK = "email-link", _("Link in an e-mail")
        ONE_CLICK = "one-click", _("One-click unsubscribe (RFC 8058)")
        STAFF = "staff", _("Staff, on a request received otherwise")
        SYSTEM = "system", _("System")

    class Scope(models.TextChoices):
        SUBSCRIBER = "", _("The subscription as a whole")
        CALL = "call", _("New calls of a programme")
        SEARCH = "search", _("New vacancies matching a search")

    subject = models.CharField(_("subject (keyed hash)"), max_length=64, db_index=True)
    event = models.CharField(_("event"), max_length=10, choices=Event.choices)
    notice_version = models.CharField(_("notice version"), max_length=40)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    # What the event is about: one alert (its kind and selection) or, empty, the whole subscription. A search
    # whose terms could identify the person is kept as a keyed hash (tokens.selection_record).
    scope = models.CharField(_("kind of alert"), max_length=6, choices=Scope.choices, blank=True, default="")
    selection = models.CharField(_("what was followed"), max_length=200, blank=True, default="")
    language = models.CharField(_("language"), max_length=5, blank=True, default="")
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
    (applications/sending/)."""

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
        ALERT_CONFIRM = "alert-confirm", _("Confirmation link of a new alert")
        ALERT_KNOWN = "alert-known", _("Already follows this search")
        ALERT_LIMIT = "alert-limit", _("Too many alerts")
        MANAGE_LINK = "manage-link", _("Link to manage alerts")
        RENEWAL = "renewal", _("Offer to renew an alert")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The alert the message is about (confirming or renewing it); gone with it.
    alert = models.ForeignKey("Alert", on_delete=models.CASCADE, null=True, blank=True, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")

    def __str__(self):
        return f"{self.kind}/{self.subscriber_id}: {self.status}"


class AlertQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Alert.Status.CONFIRMED)


class Alert(models.Model):
    """A search a subscriber follows: the vacancies that open and match it are reported at its frequency.

    `selection` is the list's query, normalised (applications.searches): the same search followed twice is
    one alert. The columns after it are derived from it, for matching a vacancy in SQL.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        CONFIRMED = "confirmed", _("Confirmed")

    class Frequency(models.TextChoices):
        HOURLY = "hourly", _("As they are published (at most one e-mail an hour)")
        DAILY = "daily", _("Daily digest")
        WEEKLY = "weekly", _("Weekly digest")

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="alerts")
    selection = models.CharField(_("search"), max_length=2000)
    terms = models.CharField(max_length=200, blank=True)
    # PostgreSQL: the terms' query in the site's languages (vacancies.search.websearch_query), compiled once
    # and kept as text: matching a vacancy casts it rather than parsing the terms three times an alert.
    terms_query = models.TextField(blank=True, editable=False)
    # ",slug,slug," (empty: any), so that "is this vacancy's value chosen" is a LIKE on both databases.
    programmes = models.TextField(blank=True)
    organisations = models.TextField(blank=True)
    countries = models.TextField(blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.DAILY
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Confirmed or last renewed: the alert lapses ALERTS_LIFETIME_DAYS later.
    renewed_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    reported_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subscriber", "selection"], name="alert_search_once")]
        indexes = [models.Index(fields=["status", "renewed_at"])]
        ordering = ["created_at", "pk"]
        verbose_name = _("search alert")
        verbose_name_plural = _("search alerts")

    def __str__(self):
        return f"{_('search alert')} #{self.pk}"  # never the search: its terms may say who follows it

    @property
    def expires_at(self):
        if self.renewed_at is None:
            return None
        return self.renewed_at + timedelta(days=settings.ALERTS_LIFETIME_DAYS)


class AlertReport(Sending):
    """One e-mail of an alert, reporting the matches it groups: sent exactly once (applications/sending/)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="reports")

    class Meta:
        indexes = [
            models.Index(fields=["status", "claimed_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        verbose_name = _("alert e-mail")
        verbose_name_plural = _("alert e-mails")

    def __str__(self):
        return f"{self.alert_id}: {self.status}"


class AlertMatch(models.Model):
    """A vacancy that matched an alert when it opened. Unique: a vacancy is reported to an alert at most
    once, in the one report it is given to (`report`, set once)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="matches")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(
        AlertReport, on_delete=models.CASCADE, null=True, blank=True, related_name="matches"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "vacancy"], name="alert_match_once")]
        indexes = [
            models.Index(
                fields=["alert"], condition=models.Q(report__isnull=True), name="alert_match_unreported"
            )
        ]
        verbose_name = _("alert match")
        verbose_name_plural = _("alert matches")

    def __str__(self):
        return f"{self.alert_id}/{self.vacancy_id}"


class ScannedVacancy(models.Model):
    """A vacancy that was matched against the search alerts once it opened (or was public before alerts
    for searches existed): the sweep matches the open vacancies that have none."""

    vacancy = models.OneToOneField(
        Vacancy, on_delete=models.CASCADE, primary_key=True, related_name="alert_scan"
    )
    scanned_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.vacancy_id}"
