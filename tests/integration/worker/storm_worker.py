"""Runs the `ai-interviews` command with a model that answers throttled during a storm.

The question extractor is tests/storm_model.py's stand-in: throttled (as an adapter reports an
HTTP 429) until TEST_STORM_UNTIL (epoch seconds), then the offline heuristic extractor.
Everything else is the real command, wired from the environment.
"""

from __future__ import annotations

import sys
from pathlib import Path

from entrypoints.cli import main

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository, for tests
    from tests.storm_model import install

    install()
    sys.exit(main())
