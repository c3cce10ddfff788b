"""The queue worker: `serve` runs it; the loop, one delivery, its heartbeat and shutdown."""

from entrypoints.worker.entry import serve

__all__ = ["serve"]
