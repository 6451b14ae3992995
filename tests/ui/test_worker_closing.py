"""Closing the program stops work that only reads (a werkvoorraad nobody will see) at its next
progress report, so the process does not linger for seconds; work that writes always runs to
its end."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from mdbtriage.ui import worker


@pytest.fixture
def closing() -> Iterator[None]:
    yield
    worker._closing.clear()  # the program goes on for the other tests


def _steps(ended: threading.Event, started: threading.Event):  # type: ignore[no-untyped-def]
    def work(report):  # type: ignore[no-untyped-def]
        try:
            for step in range(300):
                report(step, "bezig")
                started.set()
                time.sleep(0.01)
            return "klaar"
        finally:
            ended.set()

    return work


def test_reading_work_stops_when_the_program_closes(qtbot, closing) -> None:  # type: ignore[no-untyped-def]
    ended, started = threading.Event(), threading.Event()
    results: list[object] = []
    worker.run_in_background(
        _steps(ended, started), results.append, results.append, reads_only=True
    )
    assert started.wait(5)
    begun = time.perf_counter()
    worker.stop_background_work()
    assert ended.wait(5)
    assert time.perf_counter() - begun < 1.0  # not the three seconds the work would take
    qtbot.wait(50)
    assert results == []  # neither a result nor a failure reaches a window


def test_writing_work_runs_to_its_end_when_the_program_closes(qtbot, closing) -> None:  # type: ignore[no-untyped-def]
    ended, started = threading.Event(), threading.Event()
    results: list[object] = []
    worker.run_in_background(_steps(ended, started), results.append, results.append)
    assert started.wait(5)
    worker.stop_background_work()
    qtbot.waitUntil(lambda: results == ["klaar"], timeout=10000)
    assert ended.is_set()


def test_writing_work_waiting_for_a_thread_still_runs_when_the_program_closes(
    qtbot, closing
) -> None:  # type: ignore[no-untyped-def]
    """With the one thread busy reading, a write waits its turn; closing stops the read and
    the write still runs, while a read that was waiting never begins."""
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    threads = pool.maxThreadCount()
    pool.setMaxThreadCount(1)
    try:
        ended, started = threading.Event(), threading.Event()
        results: list[object] = []
        worker.run_in_background(
            _steps(ended, started), results.append, results.append, reads_only=True
        )
        assert started.wait(5)
        waiting_read: list[str] = []
        worker.run_in_background(
            lambda _report: waiting_read.append("begonnen"),
            results.append,
            results.append,
            reads_only=True,
        )
        worker.run_in_background(lambda _report: "geschreven", results.append, results.append)
        worker.stop_background_work()
        qtbot.waitUntil(lambda: results == ["geschreven"], timeout=10000)
        assert ended.is_set() and waiting_read == []
    finally:
        pool.setMaxThreadCount(threads)
