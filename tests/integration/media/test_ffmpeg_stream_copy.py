"""The transcribe-upload target: the source codec copied when a container takes it, else encoded."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adapters.media.audio_target import (
    LOCAL_RECOGNITION,
    PCM_16K_MONO_WAV,
    TRANSCRIBE_UPLOAD,
    AudioEncoding,
    AudioTarget,
    StreamCopy,
)
from adapters.media.ffmpeg_audio_extractor import FfmpegAudioExtractor
from interview_core.errors import InvalidMedia, NoAudioTrack


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def uploader(workdir: Path) -> FfmpegAudioExtractor:
    return FfmpegAudioExtractor(temp_dir=workdir, target=TRANSCRIBE_UPLOAD, timeout_seconds=30)


@pytest.mark.parametrize(
    ("clip", "suffix", "codec", "rate"),
    [("speech_mp4", ".m4a", "aac", 44_100), ("speech_mkv", ".ogg", "opus", 48_000)],
)
def test_the_source_codec_is_copied_into_a_container_that_takes_it(
    media, uploader, codec_of, clip, suffix, codec, rate
):
    with uploader.extract(getattr(media, clip)) as audio:
        assert audio.path.suffix == suffix
        assert codec_of(audio.path) == codec
        assert (audio.codec, audio.sample_rate, audio.channels) == (codec, rate, 1)
        assert audio.duration == pytest.approx(5.0, abs=0.05)


def test_copying_keeps_the_audio_bit_for_bit(media, uploader, workdir, codec_of):
    # Decoding the copy and the source gives the same PCM; a re-encode would not.
    pcm = FfmpegAudioExtractor(temp_dir=workdir, target=PCM_16K_MONO_WAV)
    with uploader.extract(media.speech_mp4) as copied, pcm.extract(copied.path) as from_copy:
        copy_pcm = from_copy.path.read_bytes()
    with pcm.extract(media.speech_mp4) as from_source:
        assert from_source.path.read_bytes() == copy_pcm


def test_an_audio_codec_no_container_takes_is_encoded_to_16k_mono_flac(media, uploader, codec_of):
    with uploader.extract(media.pcm_mkv) as audio:
        assert audio.path.suffix == ".flac"
        assert codec_of(audio.path) == "flac"
        assert (audio.codec, audio.sample_rate, audio.channels) == ("flac", 16_000, 1)
        assert audio.duration == pytest.approx(5.0, abs=0.05)


def test_a_copy_the_container_refuses_falls_back_to_encoding(media, workdir, codec_of):
    # The mp3 muxer accepts only MP3, so copying PCM into it fails and the encoding is used.
    stubborn = AudioTarget(
        name="pcm_into_mp3",
        encoding=AudioEncoding(codec="flac", container="flac", suffix=".flac"),
        copies=(StreamCopy(codec="pcm_s16le", container="mp3", suffix=".mp3"),),
    )
    extractor = FfmpegAudioExtractor(temp_dir=workdir, target=stubborn)
    with extractor.extract(media.pcm_mkv) as audio:
        assert audio.path.suffix == ".flac"
        assert codec_of(audio.path) == "flac"
        assert sorted(path.name for path in audio.path.parent.iterdir()) == ["audio.flac"]
    assert list(workdir.iterdir()) == []


def test_an_encoding_may_keep_the_source_rate_and_channels(media, workdir, codec_of):
    keep = AudioTarget(
        name="aac_as_is",
        encoding=AudioEncoding(
            codec="aac", container="ipod", suffix=".m4a", sample_rate=None, channels=None
        ),
    )
    extractor = FfmpegAudioExtractor(temp_dir=workdir, target=keep)
    with extractor.extract(media.speech_mkv) as audio:
        assert codec_of(audio.path) == "aac"
        assert (audio.sample_rate, audio.channels) == (48_000, 1)


def test_bad_inputs_raise_the_same_errors_on_the_copy_path(media, uploader, tmp_path, workdir):
    text = tmp_path / "notes.mp4"
    text.write_text("not a video", encoding="utf-8")
    with pytest.raises(NoAudioTrack), uploader.extract(media.no_audio_mp4):
        pass
    with pytest.raises(InvalidMedia), uploader.extract(text):
        pass
    cut = media.truncated(media.faststart_mp4, "truncated-faststart.mp4")
    with pytest.raises(InvalidMedia, match="truncated"), uploader.extract(cut):
        pass
    assert list(workdir.iterdir()) == []


@pytest.mark.parametrize(
    ("clip", "suffix", "codec"), [("speech_mp4", ".m4a", "aac"), ("speech_mkv", ".ogg", "opus")]
)
def test_local_recognition_reads_a_copy_that_sounds_as_the_source(
    media, workdir, codec_of, clip, suffix, codec
):
    from adapters.local.audio_windows import read_blocks

    extractor = FfmpegAudioExtractor(temp_dir=workdir, target=LOCAL_RECOGNITION)
    source = getattr(media, clip)
    with extractor.extract(source) as audio:
        assert (audio.path.suffix, codec_of(audio.path), audio.codec) == (suffix, codec, codec)
        heard = np.concatenate(list(read_blocks(audio.path)))
    assert len(heard) == pytest.approx(5.0 * 16_000, abs=0.05 * 16_000)
    assert np.abs(heard).max() > 0.01
    direct = np.concatenate(list(read_blocks(source)))
    # Containers may trim the codec's last frame differently: a few samples at the end.
    assert abs(len(heard) - len(direct)) <= 0.01 * 16_000
    body = min(len(heard), len(direct)) - 320
    np.testing.assert_array_equal(heard[:body], direct[:body])


def test_local_recognition_encodes_other_codecs_to_16k_mono_wav(media, workdir, codec_of):
    extractor = FfmpegAudioExtractor(temp_dir=workdir, target=LOCAL_RECOGNITION)
    with extractor.extract(media.pcm_mkv) as audio:
        assert audio.path.suffix == ".wav"
        assert codec_of(audio.path) == "pcm_s16le"
        assert (audio.sample_rate, audio.channels) == (16_000, 1)
