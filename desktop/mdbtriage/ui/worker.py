"""Long work off the GUI thread: a callable run in the global thread pool, with callbacks.

The callable gets a ``progress(percent, text)`` function it may call from the worker thread (and,
when asked for, a ``partial(result)`` function to hand over a first part of the result before
the whole is done); the callbacks run on the GUI thread. Work that touches the store opens its
own connection.
"""

from __future__ import annotations

import contextlib
import sys
import threading
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
    partial = Signal(object)


class Cancelled(Exception):
    """Raised in reading work at its next progress report once the program is closing."""


# Set when the program closes (stop_background_work): reading work stops at its next report.
_closing = threading.Event()


def stop_background_work() -> None:
    """The program is closing: work that only reads (started with ``reads_only``) stops at its
    next progress report, or before it begins if it is still waiting for a thread, since its
    result would reach no window; so the process does not wait seconds for a werkvoorraad
    nobody will see. Work that writes (an import, a backup), running or waiting, always runs to
    its end."""
    _closing.set()


class _Job(QRunnable):
    def __init__(
        self, work: Callable[..., Any], signals: _Signals, with_partial: bool, reads_only: bool
    ) -> None:
        super().__init__()
        self._work = work
        self.signals = signals
        self._with_partial = with_partial
        self._reads_only = reads_only

    def _report(self, percent: int, text: str) -> None:
        if self._reads_only and _closing.is_set():
            raise Cancelled
        self.signals.progress.emit(percent, text)

    def _partial(self, part: Any) -> None:
        if self._reads_only and _closing.is_set():
            raise Cancelled
        self.signals.partial.emit(part)

    def run(self) -> None:
        if self._reads_only and _closing.is_set():
            return  # the program closed while this waited for a thread
        _switch_often(True)
        try:
            if self._with_partial:
                result = self._work(self._report, self._partial)
            else:
                result = self._work(self._report)
        except Cancelled:
            _switch_often(False)  # the program is closing: there is no one to tell
        except Exception as error:
            _switch_often(False)
            _deliver(self.signals.failed, error, traceback.format_exc())
        else:
            _switch_often(False)
            _deliver(self.signals.done, result)


def _deliver(signal: Any, *args: Any) -> None:
    """Emit a result; when the window that asked for it closed meanwhile (its signals object
    went with it), there is no one to tell and the result is dropped."""
    with contextlib.suppress(RuntimeError):
        signal.emit(*args)


# While work runs in the background, the interpreter hands its lock between threads every
# millisecond instead of every five: each call from Qt into Python on the GUI thread (painting a
# cell, a timer, a progress report) may wait for the lock that long while a worker computes, and
# a repaint or a layout makes many such calls.
BUSY_SWITCH_INTERVAL = 0.001
_switching = threading.Lock()
_running = 0
_normal_interval = sys.getswitchinterval()


def _switch_often(start: bool) -> None:
    global _running, _normal_interval
    with _switching:
        if start:
            if _running == 0:
                _normal_interval = sys.getswitchinterval()
                sys.setswitchinterval(min(_normal_interval, BUSY_SWITCH_INTERVAL))
            _running += 1
        else:
            _running -= 1
            if _running == 0:
                sys.setswitchinterval(_normal_interval)


_alive: set[_Signals] = set()


def run_in_background(
    work: Callable[..., Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[BaseException], None],
    on_progress: Progress | None = None,
    parent: QObject | None = None,
    on_partial: Callable[[Any], None] | None = None,
    reads_only: bool = False,
) -> _Signals:
    """Start ``work`` in the thread pool; the callbacks are delivered on the GUI thread.
    ``reads_only``: the work writes nothing, and may stop when the program closes
    (:func:`stop_background_work`).

    ``work`` is called as ``work(progress)``, or with ``on_partial`` as
    ``work(progress, partial)``: what it passes to ``partial`` reaches ``on_partial`` (always
    before ``on_done``, as the signals are queued in order)."""
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
    if on_partial is not None:
        signals.partial.connect(on_partial)
    QThreadPool.globalInstance().start(_Job(work, signals, on_partial is not None, reads_only))
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
