"""ShutdownSignals: the first SIGTERM/SIGINT asks to stop, a second exits at once."""

from __future__ import annotations

import os
import signal

import pytest

from entrypoints.worker.signals import ShutdownSignals


class Recorder:
    def __init__(self) -> None:
        self.stops = 0
        self.exits: list[int] = []

    def stop(self) -> None:
        self.stops += 1

    def exit(self, code: int) -> None:
        self.exits.append(code)


def test_the_first_signal_asks_to_stop_and_does_not_exit() -> None:
    recorder = Recorder()
    signals = ShutdownSignals(recorder.stop, exit_now=recorder.exit)
    signals.handle(signal.SIGTERM)
    assert (recorder.stops, recorder.exits) == (1, [])


@pytest.mark.parametrize(("second", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_second_signal_exits_at_once_with_its_code(
    second: signal.Signals, code: int, capfd: pytest.CaptureFixture[str]
) -> None:
    recorder = Recorder()
    signals = ShutdownSignals(recorder.stop, exit_now=recorder.exit)
    signals.handle(signal.SIGINT)
    signals.handle(second)
    assert (recorder.stops, recorder.exits) == (1, [code])
    assert "second stop signal" in capfd.readouterr().err


def test_real_signals_reach_the_handler_while_installed_and_not_after() -> None:
    recorder = Recorder()
    before = signal.getsignal(signal.SIGTERM)
    with ShutdownSignals(recorder.stop, exit_now=recorder.exit).installed() as signals:
        os.kill(os.getpid(), signal.SIGTERM)
        assert signals.received == 1
        assert signal.getsignal(signal.SIGINT) == signals.handle
    assert recorder.stops == 1
    assert signal.getsignal(signal.SIGTERM) == before
