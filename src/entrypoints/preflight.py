"""Checks that a deployment can work before any message is received or interview claimed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from entrypoints.disk_space import warn_when_short

if TYPE_CHECKING:
    from entrypoints.container import Container


@runtime_checkable
class ReadinessCheck(Protocol):
    """An adapter that can tell, cheaply and before any work, whether it can do its job."""

    def check_ready(self) -> None:
        """Return when ready; raise ConfigurationError or ToolMissing naming the fault, or a
        transient error when a service cannot answer now."""


def check_deployment(container: Container, *, with_queue: bool) -> None:
    """Check credentials, then every selected adapter (the queue first when `with_queue`).

    The first fault raises: no credentials, a missing queue, table, index or bucket, refused
    access, a missing ffmpeg or speech model, a Bedrock model that the region does not know,
    that the role may not look up, or that needs an inference profile. Building the adapters
    also checks that their required settings are present. Last, a disk too small for the
    jobs that may run at once (WORKER_CONCURRENCY with the queue, else one) is logged as a
    warning, not refused.
    """
    settings = container.settings()
    if settings.uses_aws:
        container.aws().check_credentials()
    components: list[object] = [container.message_source()] if with_queue else []
    components += [
        container.repository(),
        container.video_store(),
        container.audio_extractor(),
        container.transcriber(),
        container.question_extractor(),
    ]
    if "bedrock" in (settings.question_extractor, settings.answer_suggester):
        components.append(container.bedrock_model_check())
    for component in components:
        if isinstance(component, ReadinessCheck):
            component.check_ready()
    jobs = settings.worker_concurrency if with_queue else 1
    warn_when_short(settings, container.work_folder().path, jobs=jobs)
