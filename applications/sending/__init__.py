"""Every e-mail of the alert service leaves through here, in the order of these files:

1. queue.py: what is to be sent. Rows that each stand for one message, created where the event happens:
   an `AlertDelivery` per follower when a call opens, an `AlertMatch` per (search alert, vacancy) when a
   vacancy opens and an `AlertReport` that groups them when the alert's e-mail is due, an `OutboxMessage` with
   the request that asks for a link (services.py). Their sweeps hand out again what a dead worker or a lost
   task left behind.
2. batches.py: `deliver(model, ids)`, the one function that sends: claims a batch, composes each message,
   sends them over one connection, each marked sent just before the server commits it.
3. messages.py: `compose(item, listing)`, the one function that writes a message (templates in
   templates/applications/email/).
4. transport.py: the SMTP conversation, holding back each message's final dot until the row is recorded.
5. sent_mark.py: recording that row, its COMMIT written back to back with the dot.

tasks.py queues `deliver` per batch (`send_alert_batch`, `send_report_batch`, `send_outbox`); sweeper.py runs
the sweeps in every worker, with beat or without.
"""

from django.core.checks import Error, register

from .batches import deliver
from .messages import compose
from .transport import backend_problem

__all__ = ["compose", "deliver"]


@register()
def email_backend_check(app_configs=None, **kwargs):
    """An EMAIL_BACKEND that would lose alerts silently is a configuration error (transport.py)."""
    if problem := backend_problem():
        return [Error(problem, id="applications.E001")]
    return []
