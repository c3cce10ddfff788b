"""The log file rotates by size and keeps a count of old files, as the settings say."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from entrypoints.log_config import configure_logging
from entrypoints.log_files import SharedRotatingFileHandler
from entrypoints.settings import LogFormat, Settings


def log_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}*"))


def test_the_file_rotates_at_its_size_and_keeps_its_count(
    tmp_path: Path, restored_logging: None
) -> None:
    path = tmp_path / "interviews.log"
    configure_logging(log_file=path, log_format=LogFormat.TEXT, max_bytes=2_000, backups=2)
    logging.getLogger().handlers[0].setLevel(logging.CRITICAL)
    log = logging.getLogger("ai_interviews.test")
    for n in range(200):
        log.info("line %05d %s", n, "y" * 40)
    names = [file.name for file in log_files(path)]
    assert names == [
        "interviews.log",
        "interviews.log.1",
        "interviews.log.2",
        "interviews.log.lock",
    ]
    for file in (path, path.with_name("interviews.log.1"), path.with_name("interviews.log.2")):
        assert file.stat().st_size <= 2_000
    assert path.read_text().splitlines()[-1].endswith(f"line 00199 {'y' * 40}")


def test_the_sizes_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTERVIEWS_LOG_MAX_BYTES", raising=False)
    monkeypatch.delenv("INTERVIEWS_LOG_BACKUPS", raising=False)
    assert (Settings().log_max_bytes, Settings().log_backups) == (10 * 1024 * 1024, 5)
    monkeypatch.setenv("INTERVIEWS_LOG_MAX_BYTES", "12345")
    monkeypatch.setenv("INTERVIEWS_LOG_BACKUPS", "3")
    assert (Settings().log_max_bytes, Settings().log_backups) == (12345, 3)


def test_a_rotation_without_backups_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="backups"):
        SharedRotatingFileHandler(tmp_path / "x.log", max_bytes=10, backups=0)
