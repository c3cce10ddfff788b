"""A moto server on 127.0.0.1 in its own process: prints its URL, runs until stdin closes.

Run as `python -m tests.integration.chaos.moto_server_process` from the repository root. It
applies DynamoDB writes atomically (tests.moto_support), so conditional claims from several
worker processes behave as on DynamoDB. It outlives the workers it serves, and exits when
its parent closes the pipe on its standard input, or dies.
"""

from __future__ import annotations

import logging
import sys

from tests.moto_support import moto_server


def main() -> int:
    """Serve until standard input reaches end of file."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    with moto_server() as url:
        print(url, flush=True)
        sys.stdin.buffer.read()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
