"""Several processes writing one log file: rotation loses no line and keeps the size limit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

WRITER = """
import logging, sys
from pathlib import Path
from entrypoints.log_config import configure_logging
from entrypoints.settings import LogFormat

name, count, path = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
max_bytes, backups = int(sys.argv[4]), int(sys.argv[5])
configure_logging(log_file=path, log_format=LogFormat.TEXT, max_bytes=max_bytes, backups=backups)
logging.getLogger().handlers[0].setLevel(logging.CRITICAL)  # nothing on stderr
log = logging.getLogger("ai_interviews.writer")
for n in range(count):
    log.info("line %s %05d %s", name, n, "x" * 60)
"""


def test_processes_sharing_the_file_lose_no_line_and_keep_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "shared.log"
    writers, count, max_bytes, backups = 4, 400, 20_000, 100
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                f"w{n}",
                str(count),
                str(path),
                str(max_bytes),
                str(backups),
            ]
        )
        for n in range(writers)
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0
    files = [file for file in path.parent.glob("shared.log*") if file.suffix != ".lock"]
    lines = [line for file in files for line in file.read_text().splitlines()]
    expected = {f"w{w} {n:05d}" for w in range(writers) for n in range(count)}
    found = [" ".join(line.split()[5:7]) for line in lines]
    assert len(found) == len(expected) and set(found) == expected  # each line exactly once
    assert len(files) > writers  # it did rotate, several times
    assert all(file.stat().st_size <= max_bytes for file in files)
