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


def test_the_lambda_handler_does_not_import_the_worker() -> None:
    code = (
        "import sys\n"
        "from entrypoints.lambda_handler import SqsBatchHandler\n"
        "from entrypoints.container import Container\n"
        "handler = SqsBatchHandler(Container)\n"
        "handler({'Records': []}, None)\n"
        "assert handler.built\n"
        "print(sorted(m for m in sys.modules if m.startswith('entrypoints.worker')))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "INTERVIEWS_"))}
    env.update(INTERVIEWS_REPOSITORY="memory", INTERVIEWS_TRANSCRIBER="stub")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]"
