"""FfmpegAudioExtractor on real files with the bundled ffmpeg: good media and every bad input."""

from __future__ import annotations

import shutil
import stat
import time
import wave
from pathlib import Path

import pytest

from adapters.media.ffmpeg_audio_extractor import ACCEPTED_CONTAINERS, FfmpegAudioExtractor
from interview_core.errors import (
    InvalidMedia,
    MediaTimeout,
    NoAudioTrack,
    ToolMissing,
    VideoNotFound,
)


def extract_and_close(extractor: FfmpegAudioExtractor, video: Path) -> None:
    with extractor.extract(video):
        pass


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    folder = tmp_path / "work"
    folder.mkdir()
    return folder


@pytest.fixture
def extractor(workdir: Path) -> FfmpegAudioExtractor:
    return FfmpegAudioExtractor(temp_dir=workdir, timeout_seconds=30)


@pytest.mark.parametrize("clip", ["speech_mp4", "speech_mkv"])
def test_a_clip_becomes_16k_mono_pcm_wav_of_its_duration(media, extractor, clip):
    video = getattr(media, clip)
    with extractor.extract(video) as audio:
        with wave.open(str(audio.path)) as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            seconds = wav.getnframes() / rate
        assert audio.path.suffix == ".wav"
        assert (rate, channels, width) == (16_000, 1, 2)
        assert seconds == pytest.approx(5.0, abs=0.05)
        assert audio.duration == pytest.approx(seconds, abs=0.02)
        assert (audio.sample_rate, audio.channels, audio.codec) == (16_000, 1, "pcm_s16le")
        assert audio.source == video


def test_the_audio_is_not_silence(media, extractor):
    with extractor.extract(media.speech_mp4) as audio, wave.open(str(audio.path)) as wav:
        frames = wav.readframes(wav.getnframes())
    samples = memoryview(frames).cast("h")
    assert max(abs(sample) for sample in samples) > 3000


def test_a_video_without_audio_is_no_audio_track(media, extractor):
    with pytest.raises(NoAudioTrack, match="no audio stream"):
        extract_and_close(extractor, media.no_audio_mp4)


def test_the_first_half_of_an_mp4_is_invalid_media(media, extractor):
    with pytest.raises(InvalidMedia, match="truncated.mp4"):
        extract_and_close(extractor, media.truncated(media.speech_mp4, "truncated.mp4"))


def test_a_truncated_mp4_with_its_index_in_front_is_invalid_media(media, extractor):
    # This one opens and partly decodes; ffmpeg exits 0 yet reports the missing data.
    cut = media.truncated(media.faststart_mp4, "truncated-faststart.mp4")
    with pytest.raises(InvalidMedia, match="truncated"):
        extract_and_close(extractor, cut)


def test_a_truncated_mkv_is_invalid_media(media, extractor):
    with pytest.raises(InvalidMedia, match="truncated"):
        extract_and_close(extractor, media.truncated(media.speech_mkv, "truncated.mkv"))


def test_a_text_file_renamed_mp4_is_invalid_media(tmp_path, extractor):
    fake = tmp_path / "notes.mp4"
    fake.write_text("Tell me about yourself.\n" * 50, encoding="utf-8")
    with pytest.raises(InvalidMedia, match="not a readable media file"):
        extract_and_close(extractor, fake)


@pytest.mark.parametrize("name", ["playlist.mkv", "playlist.m3u8", "playlist"])
def test_an_hls_playlist_is_refused_without_reading_its_segment(hls_playlist, workdir, name):
    playlist = hls_playlist(name)
    extractor = FfmpegAudioExtractor(temp_dir=workdir, timeout_seconds=10)
    started = time.monotonic()
    with pytest.raises(InvalidMedia):
        extract_and_close(extractor, playlist)
    assert time.monotonic() - started < 5  # following it would block on the FIFO segment


def test_a_real_hls_playlist_is_refused_by_the_format_whitelist(hls_playlist, extractor):
    with pytest.raises(InvalidMedia, match="not an accepted media format"):
        extract_and_close(extractor, hls_playlist("playlist.m3u8"))


def test_without_the_whitelist_entry_ffmpeg_would_follow_the_playlist(hls_playlist, workdir):
    # The control for the two tests above: allowing the hls demuxer makes ffmpeg open the
    # FIFO segment and block until the time limit.
    permissive = FfmpegAudioExtractor(
        temp_dir=workdir, timeout_seconds=1.5, accepted_containers=(*ACCEPTED_CONTAINERS, "hls")
    )
    with pytest.raises(MediaTimeout):
        extract_and_close(permissive, hls_playlist("playlist.m3u8"))


def test_a_missing_file_is_video_not_found(tmp_path, extractor):
    with pytest.raises(VideoNotFound, match="missing.mp4"):
        extract_and_close(extractor, tmp_path / "missing.mp4")


def test_a_folder_or_a_device_is_invalid_media(tmp_path, extractor):
    (tmp_path / "folder.mp4").mkdir()
    (tmp_path / "zeros.mp4").symlink_to("/dev/zero")
    for path in (tmp_path / "folder.mp4", tmp_path / "zeros.mp4"):
        with pytest.raises(InvalidMedia, match="not a regular file"):
            extract_and_close(extractor, path)


def test_a_bad_binary_path_is_tool_missing_naming_the_setting(media, tmp_path):
    extractor = FfmpegAudioExtractor(ffmpeg_binary=tmp_path / "no" / "ffmpeg")
    with pytest.raises(ToolMissing, match="INTERVIEWS_FFMPEG_BINARY"):
        extract_and_close(extractor, media.speech_mp4)


def test_an_executable_that_is_not_ffmpeg_is_tool_missing(media):
    extractor = FfmpegAudioExtractor(ffmpeg_binary=shutil.which("true"))
    with pytest.raises(ToolMissing, match="INTERVIEWS_FFMPEG_BINARY"):
        extract_and_close(extractor, media.speech_mp4)


def test_a_configured_binary_is_used(media, ffmpeg_exe, workdir):
    extractor = FfmpegAudioExtractor(ffmpeg_binary=ffmpeg_exe, temp_dir=workdir)
    with extractor.extract(media.speech_mp4) as audio:
        assert audio.duration == pytest.approx(5.0, abs=0.05)
    assert extractor.ffmpeg_path() == ffmpeg_exe


def test_the_private_temporary_folder_goes_when_the_context_closes(media, extractor, workdir):
    with extractor.extract(media.speech_mp4) as audio:
        folder = audio.path.parent
        assert folder.parent == workdir
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert not folder.exists()
    assert list(workdir.iterdir()) == []


def test_the_temporary_folder_goes_when_the_body_raises(media, extractor, workdir):
    with pytest.raises(RuntimeError), extractor.extract(media.speech_mp4) as audio:
        assert audio.path.is_file()
        raise RuntimeError("the transcriber failed")
    assert list(workdir.iterdir()) == []


def test_the_temporary_folder_goes_when_extraction_fails(media, extractor, workdir):
    with pytest.raises(NoAudioTrack):
        extract_and_close(extractor, media.no_audio_mp4)
    with pytest.raises(InvalidMedia):
        extract_and_close(extractor, media.truncated(media.speech_mp4, "truncated.mp4"))
    assert list(workdir.iterdir()) == []


def test_progress_is_reported_up_to_the_duration(media, workdir):
    seen: list[tuple[float, float]] = []
    extractor = FfmpegAudioExtractor(temp_dir=workdir, on_progress=lambda d, t: seen.append((d, t)))
    with extractor.extract(media.speech_mp4) as audio:
        pass
    assert seen, "no progress reported"
    assert seen[-1][0] == pytest.approx(audio.duration, abs=0.01)
    assert seen[-1][1] == pytest.approx(5.0, abs=0.05)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_extractions_in_parallel_threads_do_not_mix(media, extractor):
    from concurrent.futures import ThreadPoolExecutor

    def durations(video: Path) -> tuple[str, float]:
        with extractor.extract(video) as audio:
            return audio.path.name, audio.duration

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(durations, [media.speech_mp4, media.speech_mkv] * 2))
    assert all(seconds == pytest.approx(5.0, abs=0.05) for _name, seconds in results)
    assert extractor.running == 0
