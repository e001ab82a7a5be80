"""Recording one delivery as sent, with the COMMIT written back to back with the message's final dot.

transport.py records a delivery as sent before it sends the final dot, so that a killed worker never repeats a
message. If it waited for the COMMIT's reply before writing the dot, a worker killed during that round trip
would leave a delivery recorded as sent and a message the server discards: a lost alert (a kill test lost
one in about 13 runs). So on PostgreSQL the UPDATE runs in an open transaction, the COMMIT is written
without waiting, the dot right after it, and both replies are read afterwards: a kill can only fall between
two socket writes, which back_to_back.py makes with no other thread of the worker running between them.
The UPDATE is written before the message's envelope and read after its content, so that the database's
round trips overlap the mail server's: one message costs the mail server's four round trips, no more.

The price is that a COMMIT can now fail after the dot was sent (the database restarted): a message the
server accepted, and a delivery not recorded. `settle()` then records it again as soon as the database
answers, well within the claim's lease, so that this fault repeats nothing either.

SQLite (the embedded setup) and a transaction already open (tests) take the plain path: UPDATE, then COMMIT.
"""

import logging
import re
import select
import time

import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import pq

from ..models import AlertDelivery
from . import back_to_back

log = logging.getLogger(__name__)
Status = AlertDelivery.Status
_CLAIM = re.compile(r"[0-9a-f]{32}")
# Plain values only (an integer, a hex claim, constants): the simple-query protocol carries the three
# statements in one round trip, and it takes no parameters.
# The table name and statuses are ours; pk is an int and claim a hex uuid (see hold()).
_HOLD = (
    "BEGIN; "  # noqa: S608
    # Durable against a crash of this worker (the server has the commit); only a crash of the database could
    # lose the last fraction of a second, and those messages would be sent again, never lost.
    "SET LOCAL synchronous_commit TO OFF; "
    f"UPDATE {{table}} SET status = '{Status.SENT}', sent_at = statement_timestamp() "
    f"WHERE id = {{pk:d}} AND claim = '{{claim}}' AND status = '{Status.SENDING}'"
)
_REPLY_TIMEOUT = 30  # seconds without a reply from the database before the connection counts as lost


class SentMark:
    """hold_begin(), [the message's content], hold_end(), commit_begin(dot) [and the final dot], commit_end(),
    [the server's reply], settle() if the COMMIT failed; cancel() if anything fails before the dot."""

    def __init__(self, pk: int, claim: str, model=AlertDelivery):
        """`model`: AlertDelivery or OutboxMessage (the columns of models.Sending)."""
        if not _CLAIM.fullmatch(claim):
            raise ValueError("a claim is 32 hexadecimal digits")
        self.pk, self.claim, self.model = int(pk), claim, model
        self.error = None
        self._overlapped = connection.vendor == "postgresql" and not connection.in_atomic_block
        self._awaiting = self._open = False  # a reply not read yet; a transaction not ended yet

    def hold_begin(self):
        """Write the UPDATE that records the delivery as sent, in a new transaction, without waiting: its
        round trip overlaps the mail server's replies to the envelope and the content."""
        if self._overlapped:
            with connection.wrap_database_errors:
                connection.ensure_connection()
                self._pgconn = connection.connection.pgconn
                self._open = self._awaiting = True
                self._send(_HOLD.format(table=self.model._meta.db_table, pk=self.pk, claim=self.claim))

    def hold_end(self) -> bool:
        """Whether the delivery is recorded as sent (not yet committed). False if this run no longer holds it
        (the subscriber withdrew, or the lease ran out and another worker took it): drop the message."""
        if not self._overlapped:
            with transaction.atomic():
                return self._record() == 1
        with connection.wrap_database_errors:
            results = self._results()
            if results[-1].command_tuples == 1:
                return True
            self._end("ROLLBACK")
            return False

    def cancel(self):
        """Something failed before the dot: record nothing, leave the connection ready for other queries."""
        if not (self._overlapped and self._open):
            return
        try:
            with connection.wrap_database_errors:
                if self._awaiting:
                    self._results()
                self._end("ROLLBACK")
        except DatabaseError:
            connection.close()  # in an unknown state: the server rolls back when it goes

    def commit_begin(self, dot: bytes = b"", sock=None) -> bytes:
        """Write the COMMIT and, right behind it, as much of `dot` (the message's final dot) on `sock` as goes
        at once (back_to_back.py); return what is left of `dot` for the caller to send. Raises if the COMMIT
        could not be written: then nothing is recorded and no byte of the dot was sent."""
        if not self._overlapped:
            return dot
        with connection.wrap_database_errors:
            self._awaiting = True
            if dot and back_to_back.available(sock):
                whole, written = back_to_back.query_then_send(self._pgconn, b"COMMIT", sock, dot)
                if whole:
                    return dot[written:]
                self._flush()  # the COMMIT did not go whole: finish it, then the dot, the ordinary way
                return dot
            self._send("COMMIT")
            return dot

    def commit_end(self) -> bool:
        """Read the COMMIT's reply. False if it failed (kept in `error`): the caller reads the mail server's
        reply all the same, then calls settle()."""
        if not self._overlapped:
            return True
        try:
            with connection.wrap_database_errors:
                self._open = False
                (result,) = self._results()
                if result.command_status != b"COMMIT":  # a transaction that failed answers ROLLBACK
                    raise psycopg.DatabaseError("the transaction was rolled back")
        except DatabaseError as error:
            self.error = error
            return False
        return True

    def settle(self, *, accepted: bool):
        """After a failed COMMIT: record an accepted message again once the database answers, or raise."""
        if not accepted:
            raise self.error
        deadline = time.monotonic() + settings.ALERTS_CLAIM_LEASE_SECONDS / 2
        while True:
            try:
                connection.close()  # the broken connection; the next query opens a new one
                # Nothing to record and not sent: taken over. Already sent: the COMMIT did happen after all.
                if not self._record() and not self._queryset(Status.SENT).exists():
                    log.warning(
                        "%s %s was taken over before it could be recorded", self.model.__name__, self.pk
                    )
                return
            except DatabaseError:
                if time.monotonic() > deadline:
                    log.error(
                        "%s %s sent but not recorded: it may be sent again", self.model.__name__, self.pk
                    )
                    raise self.error from None
                time.sleep(0.5)

    def unmark(self):
        """Django's backends only: the message was recorded as sent but could not be handed over. The row is
        held by this run again (`sending`), and goes back to pending with the rest of the batch."""
        self._queryset(Status.SENT).update(status=Status.SENDING, sent_at=None)

    def _queryset(self, status):
        return self.model.objects.filter(pk=self.pk, claim=self.claim, status=status)

    def _record(self) -> int:
        """The plain path's UPDATE, through the ORM: 1 if this run held the delivery, else 0."""
        return self._queryset(Status.SENDING).update(status=Status.SENT, sent_at=timezone.now())

    # The wire, through psycopg's libpq interface. Its connection is non-blocking: wait with select.

    def _end(self, sql):
        self._open, self._awaiting = False, True
        self._send(sql)
        return self._results()

    def _send(self, sql):
        pgconn = self._pgconn
        pgconn.send_query(sql.encode())
        self._flush()

    def _flush(self):
        while self._pgconn.flush():
            self._wait(write=True)

    def _results(self):
        pgconn, results = self._pgconn, []
        while True:
            pgconn.consume_input()
            if pgconn.is_busy():
                self._wait()
                continue
            result = pgconn.get_result()
            if result is None:
                break
            results.append(result)
        self._awaiting = False
        failed = [r for r in results if r.status not in (pq.ExecStatus.COMMAND_OK, pq.ExecStatus.TUPLES_OK)]
        if failed or pgconn.transaction_status == pq.TransactionStatus.INERROR:
            if pgconn.transaction_status == pq.TransactionStatus.INERROR:
                self._end("ROLLBACK")
            message = failed[0].error_message.decode(errors="replace") if failed else "transaction failed"
            raise psycopg.DatabaseError(message)
        return results

    def _wait(self, write=False):
        socket = self._pgconn.socket
        waiting = ([], [socket]) if write else ([socket], [])
        if not any(select.select(*waiting, [], _REPLY_TIMEOUT)[:2]):
            raise psycopg.OperationalError("no reply from the database")
