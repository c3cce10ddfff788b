"""The per-process work folder with real processes: dead owners' folders go, live ones stay."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from entrypoints.work_folder import (
    PREFIX,
    WorkFolder,
    pid_namespace,
    process_start,
    remove_abandoned,
)
from interview_core.errors import ConfigurationError

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")


@pytest.fixture
def live_pid() -> Iterator[int]:
    """A process that runs for the whole test."""
    process = subprocess.Popen(["sleep", "60"])
    try:
        yield process.pid
    finally:
        process.kill()
        process.wait()


def dead_pid() -> int:
    """The pid of a process that has ended and been reaped."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def folder_of(root: Path, pid: int, start: int, *, namespace: int | None = None) -> Path:
    """A folder named as WorkFolder names them, with a file inside."""
    ns = pid_namespace() if namespace is None else namespace
    folder = root / f"{PREFIX}{ns}-{pid}-{start}-0123abcd"
    folder.mkdir()
    (folder / "video.mp4").write_bytes(b"left behind")
    return folder


def test_a_folder_whose_owner_is_gone_is_removed(tmp_path: Path) -> None:
    left = folder_of(tmp_path, dead_pid(), 12345)
    assert remove_abandoned(tmp_path) == [left]
    assert not left.exists()


def test_a_live_owner_keeps_its_folder(tmp_path: Path, live_pid: int) -> None:
    start = process_start(live_pid)
    assert start is not None
    live = folder_of(tmp_path, live_pid, start)
    assert remove_abandoned(tmp_path) == []
    assert (live / "video.mp4").exists()


def test_a_reused_pid_does_not_protect_a_dead_owner_folder(tmp_path: Path, live_pid: int) -> None:
    start = process_start(live_pid)
    assert start is not None
    stale = folder_of(tmp_path, live_pid, start - 1)  # same pid, an earlier process
    assert remove_abandoned(tmp_path) == [stale]


def test_other_namespaces_and_other_names_are_left_alone(tmp_path: Path) -> None:
    elsewhere = folder_of(tmp_path, dead_pid(), 1, namespace=pid_namespace() + 1)
    unrelated = tmp_path / f"{PREFIX}not-ours"
    unrelated.mkdir()
    plain = tmp_path / "interview-video-abc"
    plain.mkdir()
    assert remove_abandoned(tmp_path) == []
    assert elsewhere.exists() and unrelated.exists() and plain.exists()


def test_a_new_work_folder_is_private_named_for_this_process_and_sweeps_first(
    tmp_path: Path,
) -> None:
    left = folder_of(tmp_path, dead_pid(), 7)
    work = WorkFolder(tmp_path)
    assert not left.exists()
    assert work.path.parent == tmp_path
    assert work.path.stat().st_mode & 0o777 == 0o700
    assert f"-{os.getpid()}-{process_start(os.getpid())}-" in work.path.name
    assert remove_abandoned(tmp_path) == []  # its own owner is alive
    (work.path / "audio.wav").write_bytes(b"x")
    work.remove()
    assert not work.path.exists()


def test_an_unwritable_system_folder_is_a_configuration_error_naming_both_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing" / "deeper"))

    with pytest.raises(ConfigurationError) as refused:
        WorkFolder()

    assert str(refused.value).endswith("set INTERVIEWS_TEMP_DIR or TMPDIR to a writable folder")


def test_a_folder_that_cannot_be_made_names_the_setting_that_chose_it(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("")

    with pytest.raises(ConfigurationError) as refused:
        WorkFolder(blocker / "x")

    assert str(refused.value).endswith("set INTERVIEWS_TEMP_DIR to a writable folder")
