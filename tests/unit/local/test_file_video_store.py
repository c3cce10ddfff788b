"""LocalFileVideoStore and the shared key validation: files in place, hostile keys refused."""

from __future__ import annotations

import errno
import os
import pathlib
from pathlib import Path

import pytest

from adapters.local.file_video_store import LocalFileVideoStore
from adapters.video_keys import MEDIA_EXTENSIONS, validate_video_key
from interview_core.errors import (
    InvalidVideoLocation,
    StorageUnavailable,
    VideoAccessDenied,
    VideoNotFound,
    VideoTooLarge,
)

HOSTILE_KEYS = [
    "",
    "   ",
    "videos/../../etc/passwd",
    "videos/../../etc/passwd.mp4",
    "videos/a/b/%2e%2e/x.mp4",
    "videos/a/b/%2E%2E/%2e%2e/%2e%2e/x.mp4",
    "videos/%252e%252e/x.mp4",
    "videos/x%2fy.mp4",
    "videos/x%00.mp4",
    "/etc/passwd",
    "/videos/x.mp4",
    "a\x00b.mp4",
    "a\nb.mp4",
    "a\rb.mp4",
    "a\tb.mp4",
    "a\x7fb.mp4",
    "a\x85b.mp4",
    "a\u2028b.mp4",
    "\ud800.mp4",
    "../x.mp4",
    "..",
    ".",
    "videos/./x.mp4",
    "videos//x.mp4",
    "videos/x.mp4/",
    "videos\\..\\..\\x.mp4",
    "x" * 1021 + ".mp4",
    "/".join(["a" * 200] * 6) + ".mp4",
    "videos/" + "a" * 252 + ".mp4",
    "videos/.mp4",
    "videos/x",
    "videos/x.txt",
    "videos/playlist.m3u8",
    "videos/x.mp4.sh",
    "videos/x.mp4\x00.txt",
]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    folder = tmp_path / "store"
    (folder / "videos").mkdir(parents=True)
    (folder / "videos" / "interview.mp4").write_bytes(b"0123456789")
    return folder


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=repr)
def test_hostile_keys_are_refused_by_the_shared_validation(key: str) -> None:
    with pytest.raises(InvalidVideoLocation) as caught:
        validate_video_key(key)

    assert caught.value.permanent


@pytest.mark.parametrize("key", HOSTILE_KEYS, ids=repr)
def test_hostile_keys_are_refused_before_any_file_io(
    key: str, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_io(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file system was touched")

    store = LocalFileVideoStore(root)
    for name in ("resolve", "stat", "exists", "open", "is_file"):
        monkeypatch.setattr(pathlib.Path, name, no_io)

    with pytest.raises(InvalidVideoLocation):
        store.fetch(key)


@pytest.mark.parametrize(
    "key",
    ["videos/interview.mp4", "a/b/c/d.MKV", "x.webm", "v/2024-01-01 interview (1).mp4", "é.mov"],
)
def test_ordinary_keys_pass_unchanged(key: str) -> None:
    assert validate_video_key(key) == key


@pytest.mark.parametrize("extension", sorted(MEDIA_EXTENSIONS))
def test_every_media_extension_is_accepted(extension: str) -> None:
    assert validate_video_key(f"videos/x.{extension}") == f"videos/x.{extension}"


def test_the_allowed_extensions_can_be_narrowed() -> None:
    with pytest.raises(InvalidVideoLocation):
        validate_video_key("videos/x.mp3", allowed_extensions=frozenset({"mp4"}))


def test_a_key_of_exactly_1024_bytes_is_accepted() -> None:
    key = "/".join(["a" * 200] * 5) + "/" + "b" * 15 + ".mp4"
    assert len(key.encode()) == 1024

    assert validate_video_key(key) == key


def test_a_key_of_1025_bytes_is_refused() -> None:
    key = "/".join(["a" * 200] * 5) + "/" + "é" * 8 + ".mp4"
    assert len(key.encode()) == 1025

    with pytest.raises(InvalidVideoLocation, match="longer than 1024"):
        validate_video_key(key)


def test_reasons_do_not_quote_the_key() -> None:
    with pytest.raises(InvalidVideoLocation) as caught:
        validate_video_key("videos/SECRET\n.mp4")

    assert "SECRET" not in str(caught.value)


def test_an_s3_uri_is_refused_by_the_local_store(root: Path) -> None:
    store = LocalFileVideoStore(root)

    with pytest.raises(InvalidVideoLocation, match="S3 video store"):
        store.fetch("s3://bucket/videos/interview.mp4")


def test_fetch_yields_the_file_in_place(root: Path) -> None:
    store = LocalFileVideoStore(root)

    with store.fetch("videos/interview.mp4") as path:
        assert path == (root / "videos" / "interview.mp4").resolve()
        assert path.read_bytes() == b"0123456789"

    assert path.exists()  # nothing was copied, so nothing is removed


def test_nested_keys_and_upper_case_extensions_are_served(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "b" / "Clip.MP4").write_bytes(b"x")

    with LocalFileVideoStore(root).fetch("a/b/Clip.MP4") as path:
        assert path.name == "Clip.MP4"


def test_a_missing_video_is_not_found(root: Path) -> None:
    with pytest.raises(VideoNotFound) as caught:
        LocalFileVideoStore(root).fetch("videos/missing.mp4")

    assert caught.value.permanent


def test_a_missing_root_reports_not_found(tmp_path: Path) -> None:
    with pytest.raises(VideoNotFound):
        LocalFileVideoStore(tmp_path / "nowhere").fetch("videos/x.mp4")


def test_a_path_through_a_file_is_not_found(root: Path) -> None:
    with pytest.raises(VideoNotFound):
        LocalFileVideoStore(root).fetch("videos/interview.mp4/inner.mp4")


def test_a_directory_is_not_found(root: Path) -> None:
    (root / "videos" / "folder.mp4").mkdir()

    with pytest.raises(VideoNotFound):
        LocalFileVideoStore(root).fetch("videos/folder.mp4")


def test_a_fifo_is_not_found(root: Path) -> None:
    os.mkfifo(root / "videos" / "pipe.mp4")

    with pytest.raises(VideoNotFound):
        LocalFileVideoStore(root).fetch("videos/pipe.mp4")


def test_a_video_over_the_size_limit_is_too_large(root: Path) -> None:
    with pytest.raises(VideoTooLarge) as caught:
        LocalFileVideoStore(root, max_bytes=9).fetch("videos/interview.mp4")

    assert caught.value.permanent


def test_a_video_at_the_size_limit_is_served(root: Path) -> None:
    with LocalFileVideoStore(root, max_bytes=10).fetch("videos/interview.mp4") as path:
        assert path.stat().st_size == 10


def test_a_negative_size_limit_is_refused(root: Path) -> None:
    with pytest.raises(ValueError):
        LocalFileVideoStore(root, max_bytes=-1)


def test_a_symlink_to_a_file_outside_the_root_is_refused(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.mp4"
    secret.write_bytes(b"secret")
    (root / "videos" / "link.mp4").symlink_to(secret)

    with pytest.raises(InvalidVideoLocation):
        LocalFileVideoStore(root).fetch("videos/link.mp4")


def test_a_symlinked_folder_leading_outside_is_refused(root: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.mp4").write_bytes(b"x")
    (root / "videos" / "escape").symlink_to(outside, target_is_directory=True)

    with pytest.raises(InvalidVideoLocation):
        LocalFileVideoStore(root).fetch("videos/escape/x.mp4")


def test_a_dangling_symlink_outside_is_refused_not_reported_missing(
    root: Path, tmp_path: Path
) -> None:
    (root / "videos" / "ghost.mp4").symlink_to(tmp_path / "no-such-file.mp4")

    with pytest.raises(InvalidVideoLocation):
        LocalFileVideoStore(root).fetch("videos/ghost.mp4")


def test_a_symlink_loop_is_refused(root: Path) -> None:
    (root / "videos" / "a.mp4").symlink_to(root / "videos" / "b.mp4")
    (root / "videos" / "b.mp4").symlink_to(root / "videos" / "a.mp4")

    with pytest.raises(InvalidVideoLocation):
        LocalFileVideoStore(root).fetch("videos/a.mp4")


def test_a_symlink_inside_the_root_is_followed(root: Path) -> None:
    (root / "alias.mp4").symlink_to(root / "videos" / "interview.mp4")

    with LocalFileVideoStore(root).fetch("alias.mp4") as path:
        assert path == (root / "videos" / "interview.mp4").resolve()


def test_a_root_reached_through_a_symlink_works(root: Path, tmp_path: Path) -> None:
    linked_root = tmp_path / "linked"
    linked_root.symlink_to(root, target_is_directory=True)

    with LocalFileVideoStore(linked_root).fetch("videos/interview.mp4") as path:
        assert path.read_bytes() == b"0123456789"


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_an_unreadable_folder_is_access_denied(root: Path) -> None:
    locked = root / "locked"
    locked.mkdir()
    (locked / "x.mp4").write_bytes(b"x")
    locked.chmod(0)
    try:
        with pytest.raises(VideoAccessDenied):
            LocalFileVideoStore(root).fetch("locked/x.mp4")
    finally:
        locked.chmod(0o700)


def test_a_permission_error_is_access_denied(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(pathlib.Path, "stat", refused)

    with pytest.raises(VideoAccessDenied) as caught:
        LocalFileVideoStore(root).fetch("videos/interview.mp4")

    assert caught.value.permanent


def test_other_io_errors_are_transient(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(pathlib.Path, "stat", broken)

    with pytest.raises(StorageUnavailable) as caught:
        LocalFileVideoStore(root).fetch("videos/interview.mp4")

    assert not caught.value.permanent


# --- the VideoRemover role ----------------------------------------------------------------


def test_remove_video_takes_the_file_its_sidecars_and_its_empty_folders_only(
    root: Path,
) -> None:
    folder = root / "videos" / "u-1" / "i-1"
    folder.mkdir(parents=True)
    (folder / "interview.mp4").write_bytes(b"video")
    (folder / "interview.transcript.json").write_text("{}")
    (folder / "interview.srt").write_text("1")
    (root / "videos" / "u-1" / "i-2.mp4").write_bytes(b"another")
    store = LocalFileVideoStore(root)

    assert store.remove_video("videos/u-1/i-1/interview.mp4") is True

    assert not folder.exists()
    assert (root / "videos" / "u-1" / "i-2.mp4").read_bytes() == b"another"
    assert store.remove_video("videos/u-1/i-1/interview.mp4") is False  # gone: no error
    assert root.is_dir()


def test_remove_video_refuses_a_key_out_of_the_root_before_touching_anything(
    root: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside.mp4"
    outside.write_bytes(b"keep")
    store = LocalFileVideoStore(root)

    with pytest.raises(InvalidVideoLocation):
        store.remove_video("../outside.mp4")

    assert outside.read_bytes() == b"keep"
