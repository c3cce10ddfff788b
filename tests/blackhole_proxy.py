"""A TCP proxy on 127.0.0.1 that can be switched into a black hole: it accepts, never answers.

Forwarding, it relays bytes both ways between each client and the target. Black-holed, every
open connection stops relaying (nothing more reaches the target, no reply reaches the
client) and new connections are accepted and then left silent: what a client sees when a
firewall drops packets or a load balancer hangs. Runs in daemon threads and stops with
`close` (or the context manager).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from urllib.parse import urlsplit

_CHUNK = 64 * 1024
_TICK = 0.05


class BlackholeProxy:
    """Relays 127.0.0.1:<port> to `target_url`'s host and port until `black_hole` is called."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        if parts.hostname is None or parts.port is None:
            raise ValueError(f"the target needs a host and a port: {target_url}")
        self._target = (parts.hostname, parts.port)
        self._scheme = parts.scheme or "http"
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(_TICK)
        self._blackholed = threading.Event()
        self._closed = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.accepted = 0
        threading.Thread(target=self._accept_loop, name="proxy-accept", daemon=True).start()

    @property
    def url(self) -> str:
        """The proxy's URL, to use as the endpoint instead of the target's."""
        host, port = self._listener.getsockname()[:2]
        return f"{self._scheme}://{host}:{port}"

    @property
    def blackholed(self) -> bool:
        """Whether the proxy has stopped answering."""
        return self._blackholed.is_set()

    def black_hole(self) -> None:
        """Stop relaying on every connection, open or new; connections stay open and silent."""
        self._blackholed.set()

    def close(self) -> None:
        """Stop accepting and close every connection."""
        self._closed.set()
        self._listener.close()
        with self._lock:
            doomed, self._sockets = self._sockets, []
        for sock in doomed:
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> BlackholeProxy:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            self._keep(client)
            if self._blackholed.is_set():
                continue  # accepted, and never a byte back
            threading.Thread(
                target=self._relay, args=(client,), name="proxy-relay", daemon=True
            ).start()

    def _relay(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self._target, timeout=5)
        except OSError:
            with contextlib.suppress(OSError):
                client.close()
            return
        self._keep(upstream)
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            while not self._closed.is_set() and not self._blackholed.is_set():
                for key, _events in selector.select(_TICK):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = source.recv(_CHUNK)  # readable: returns at once
                        if not data:
                            _close_pair(source, peers[source])
                            return
                        if self._blackholed.is_set():
                            return  # open and silent from now on
                        peers[source].sendall(data)
                    except OSError:
                        _close_pair(source, peers[source])
                        return


def _close_pair(first: socket.socket, second: socket.socket) -> None:
    for sock in (first, second):
        with contextlib.suppress(OSError):
            sock.close()
