"""The COMMIT that records a message as sent and the message's final dot, written with nothing in between.

A worker killed after the COMMIT is written and before the dot is loses a message (recorded as sent, discarded
by the mail server). The two writes are a few microseconds apart, but each Python call into a socket or into
libpq lets the interpreter lock go, and taking it back waits for the other threads of the pool: up to the
switch interval (5 ms), often, with 8 threads composing messages. The digest kill test lost a message in
about one run in ten that way. Here both writes are calls into C through `ctypes.PyDLL`, which keeps the lock:
no other thread runs between them, and the window is the time of two system calls.

Used where it can be: a PostgreSQL connection through libpq (its library found in this process's memory map)
and a plain TCP socket. A TLS socket (EMAIL_USE_TLS) writes through OpenSSL, and a short write needs a wait:
both take the ordinary path, correct but with the wider window.
"""

import ctypes
import ctypes.util
import errno
import socket
import ssl
from functools import cache
from pathlib import Path

_MSG_NOSIGNAL = getattr(socket, "MSG_NOSIGNAL", 0)


@cache
def _libraries():
    """(libpq, libc) as PyDLL, or None where they cannot be found (not Linux, no libpq loaded)."""
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return None
    paths = {line.split()[-1] for line in maps.splitlines() if "/libpq" in line}
    libc_name = ctypes.util.find_library("c")
    if len(paths) != 1 or not libc_name:
        return None
    libpq, libc = ctypes.PyDLL(paths.pop()), ctypes.PyDLL(libc_name, use_errno=True)
    libpq.PQsendQuery.argtypes, libpq.PQsendQuery.restype = [ctypes.c_void_p, ctypes.c_char_p], ctypes.c_int
    libpq.PQflush.argtypes, libpq.PQflush.restype = [ctypes.c_void_p], ctypes.c_int
    libc.send.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
    libc.send.restype = ctypes.c_ssize_t
    return libpq, libc


def available(sock) -> bool:
    return _libraries() is not None and not isinstance(sock, ssl.SSLSocket)


def query_then_send(pgconn, sql: bytes, sock, data: bytes) -> tuple[bool, int]:
    """Write `sql` on `pgconn` (psycopg's libpq connection) and, if all of it went, `data` on `sock`.

    Returns (the query was written whole, bytes of `data` written). The caller finishes what is left the
    ordinary way: a query not flushed whole, or a short write (a full socket buffer).
    """
    libpq, libc = _libraries()
    pointer = pgconn.pgconn_ptr
    if not libpq.PQsendQuery(pointer, sql):
        raise OSError("the query could not be written")
    if libpq.PQflush(pointer) != 0:  # 1: not all written, -1: failed; the caller waits or fails
        return False, 0
    written = libc.send(sock.fileno(), data, len(data), _MSG_NOSIGNAL)
    if written < 0:
        code = ctypes.get_errno()
        if code not in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EINTR):
            raise OSError(code, "the mail server's connection failed")
        written = 0
    return True, written
