"""Long work off the GUI thread: a callable run in the global thread pool, with callbacks.

The callable gets a ``progress(percent, text)`` function it may call from the worker thread; the
callbacks run on the GUI thread. Work that touches the store opens its own connection.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

Progress = Callable[[int, str], None]


class _Signals(QObject):
    done = Signal(object)
    failed = Signal(object, str)
    progress = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, work: Callable[[Progress], Any], signals: _Signals) -> None:
        super().__init__()
        self._work = work
        self.signals = signals

    def run(self) -> None:
        try:
            result = self._work(self.signals.progress.emit)
        except Exception as error:
            self.signals.failed.emit(error, traceback.format_exc())
        else:
            self.signals.done.emit(result)


_alive: set[_Signals] = set()


def run_in_background(
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    on_progress: Progress | None = None,
    parent: QObject | None = None,
) -> _Signals:
    """Start ``work`` in the thread pool; the callbacks are delivered on the GUI thread."""
    signals = _Signals(parent)
    _alive.add(signals)

    def finished(result: Any) -> None:
        _alive.discard(signals)
        on_done(result)

    def failed(error: BaseException, _trace: str) -> None:
        _alive.discard(signals)
        on_failed(error)

    signals.done.connect(finished)
    signals.failed.connect(failed)
    if on_progress is not None:
        signals.progress.connect(on_progress)
    QThreadPool.globalInstance().start(_Job(work, signals))
    return signals


RELEASE_CHUNK = 2000


def release_in_background(box: list[list[Any]]) -> None:
    """Free a large list of objects (a replaced werkvoorraad) off the GUI thread.

    Freeing a quarter of a million rows at once holds the interpreter lock for a few hundred
    milliseconds; here they are freed a slice at a time in a worker, so the GUI thread gets the
    lock between slices. ``box`` holds the only reference the caller keeps (it is emptied); a
    list that someone else still holds is left as it is and freed with its last reference.
    """

    def work(_progress: Progress) -> None:
        items = box.pop()
        if sys.getrefcount(items) > 2:  # this name and the call's argument
            return
        while items:
            del items[-RELEASE_CHUNK:]
            time.sleep(0.001)  # hand the lock over: without a pause the GUI thread can starve

    run_in_background(work, lambda _result: None, lambda _error: None)
