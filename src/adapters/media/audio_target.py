"""What audio the extractor produces: an encoding, and which source codecs may be copied as is."""

from __future__ import annotations

import attrs

COPIED_AUDIO_BYTES_PER_SECOND = 40_000
"""The disk budgeted for one second of a copied stream: 320 kbit/s, the most AAC, MP3 or Opus
usually take (speech takes far less)."""

_SAMPLE_BYTES = 2
_SOURCE_RATE_CEILING = 48_000
_SOURCE_CHANNELS_CEILING = 2
"""Budgeted for an encoding that keeps the source's rate or channels."""


@attrs.frozen
class AudioEncoding:
    """Re-encode the audio: ffmpeg encoder, muxer and file suffix; None keeps the source's."""

    codec: str
    container: str
    suffix: str
    sample_rate: int | None = 16_000
    channels: int | None = 1


@attrs.frozen
class StreamCopy:
    """Copy audio already in `codec` unchanged into `container` (`-c:a copy`)."""

    codec: str
    container: str
    suffix: str


@attrs.frozen
class AudioTarget:
    """An output preset: copy the source codec when a `copies` entry accepts it, else encode."""

    name: str
    encoding: AudioEncoding
    copies: tuple[StreamCopy, ...] = ()

    def bytes_per_second(self) -> int:
        """The most disk one second of this target's audio is budgeted to take, for sizing a
        disk: 16-bit PCM at the encoding's rate and channels (FLAC takes less), or a copied
        stream's budget when that is more."""
        encoding = self.encoding
        rate = encoding.sample_rate or _SOURCE_RATE_CEILING
        channels = encoding.channels or _SOURCE_CHANNELS_CEILING
        encoded = rate * channels * _SAMPLE_BYTES
        return max(encoded, COPIED_AUDIO_BYTES_PER_SECOND) if self.copies else encoded

    def copy_for(self, source_codec: str | None) -> StreamCopy | None:
        """The container that takes `source_codec` as is, or None when it must be encoded."""
        return next((copy for copy in self.copies if copy.codec == source_codec), None)


PCM_16K_MONO_WAV = AudioTarget(
    name="pcm_16k_mono_wav",
    encoding=AudioEncoding(codec="pcm_s16le", container="wav", suffix=".wav"),
)
"""16 kHz mono 16-bit PCM WAV, always re-encoded: the extractor's default, and what local
speech recognition gets when the source's codec is not copied."""

COMPRESSED_COPIES = (
    StreamCopy(codec="aac", container="ipod", suffix=".m4a"),
    StreamCopy(codec="opus", container="ogg", suffix=".ogg"),
    StreamCopy(codec="mp3", container="mp3", suffix=".mp3"),
    StreamCopy(codec="flac", container="flac", suffix=".flac"),
)
"""The compressed codecs copied as they are: AAC, Opus, MP3 and FLAC, into M4A, Ogg, MP3 and
FLAC files that both Amazon Transcribe and local recognition read."""

TRANSCRIBE_UPLOAD = AudioTarget(
    name="transcribe_upload",
    encoding=AudioEncoding(codec="flac", container="flac", suffix=".flac"),
    copies=COMPRESSED_COPIES,
)
"""A small file a speech service accepts: the source's AAC, Opus, MP3 or FLAC copied
into M4A, Ogg, MP3 or FLAC; any other codec (or a failed copy) encoded to 16 kHz mono FLAC."""

LOCAL_RECOGNITION = AudioTarget(
    name="local_recognition",
    encoding=PCM_16K_MONO_WAV.encoding,
    copies=COMPRESSED_COPIES,
)
"""What local speech recognition reads: the source's AAC, Opus, MP3 or FLAC copied as it is,
which takes a fraction of a second and little disk (the recogniser decodes it to 16 kHz mono
as it reads, while it recognises); any other codec (or a failed copy) encoded to 16 kHz mono
PCM WAV."""

AUDIO_TARGETS: dict[str, AudioTarget] = {
    target.name: target for target in (PCM_16K_MONO_WAV, TRANSCRIBE_UPLOAD, LOCAL_RECOGNITION)
}
"""The presets by name, for a setting to choose from."""
