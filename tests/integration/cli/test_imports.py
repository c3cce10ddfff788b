"""A local run imports neither boto3 nor the speech libraries it does not use."""

from __future__ import annotations

import os
import subprocess
import sys


def test_local_runs_do_not_import_boto3_or_the_speech_libraries() -> None:
    code = (
        "import sys\n"
        "from entrypoints.container import Container\n"
        "from entrypoints.settings import Settings\n"
        "c = Container(); c.settings.override(Settings())\n"
        "import os\n"
        "c.video_store(); c.question_extractor(); c.repository(); c.audio_extractor()\n"
        "print(sorted(m for m in ('boto3', 'botocore', 'faster_whisper', 'ctranslate2')"
        " if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
