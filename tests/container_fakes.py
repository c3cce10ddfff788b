"""One way to build a container whose ports are fakes, for unit tests, chaos runs and benchmarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dependency_injector import providers

from entrypoints.container import Container

if TYPE_CHECKING:
    from entrypoints.settings import Settings

PORTS = frozenset(
    {
        "video_store",
        "audio_extractor",
        "transcriber",
        "in_place_transcriber",
        "question_extractor",
        "repository",
        "message_source",
        "stage_store",
    }
)


def fake_container(settings: Settings | None = None, **ports: object) -> Container:
    """A container on `settings` (the environment's when None) whose named ports are `ports`.

    Every other port is built from the settings as usual, but the stage store, which keeps
    nothing (every attempt starts from scratch) unless one is given. Raises TypeError for a
    name that is not a port.
    """
    unknown = set(ports) - PORTS
    if unknown:
        raise TypeError(f"not ports of the container: {', '.join(sorted(unknown))}")
    container = Container()
    if settings is not None:
        container.settings.override(settings)
    ports.setdefault("stage_store", None)
    for name, port in ports.items():
        getattr(container, name).override(providers.Object(port))
    return container


def spy_media_ports() -> dict[str, object]:
    """Spies for the video store and the three media stages: no file, ffmpeg or model runs."""
    from tests.unit.fakes import (
        SpyAudioExtractor,
        SpyQuestionExtractor,
        SpyTranscriber,
        SpyVideoStore,
    )

    return {
        "video_store": SpyVideoStore(),
        "audio_extractor": SpyAudioExtractor(),
        "transcriber": SpyTranscriber(),
        "question_extractor": SpyQuestionExtractor(),
    }
