"""An HTTP proxy on 127.0.0.1 in front of an S3 endpoint that refuses chosen writes.

A PUT whose path starts with `denied_prefix` is answered 403 `AccessDenied`, as S3 answers a
role without s3:PutObject there; every other request is relayed to the target and its reply
back. Stop it with `close`.
"""

from __future__ import annotations

from tests.relay_proxy import RelayProxy, Reply

_DENIED = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
    b"<Message>User is not authorized to perform: s3:PutObject</Message></Error>"
)


class DenyingProxy(RelayProxy):
    """Relays 127.0.0.1:<port> to `target_url`, refusing PUTs under `denied_prefix`."""

    def __init__(self, target_url: str, denied_prefix: str) -> None:
        self._denied_prefix = denied_prefix
        self.denied: list[str] = []
        super().__init__(target_url)

    def answer(self, command: str, path: str) -> Reply | None:
        """403 AccessDenied for a PUT under the denied prefix (recorded in `denied`)."""
        if command == "PUT" and path.startswith(self._denied_prefix):
            self.denied.append(path)
            return 403, {"Content-Type": "application/xml"}, _DENIED
        return None
