"""One channel for changes to the store: every screen hears what changed and reads again what
it shows; no screen refreshes another.

An action that changes the store reports a :class:`Changes` (which cases, tasks, delegations,
meetings and staff) to the window's :class:`StoreEvents`; changes committed elsewhere (another
program on the same store file, a colleague on the office store) arrive on the same signal,
marked ``external``, from the store's change watcher (:mod:`mdbtriage.store.changes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from mdbtriage.store.changes import ChangeWatcher, Notice

#: How often the store's change watcher is asked for commits made elsewhere.
POLL_MS = 500

KINDS = ("cases", "tasks", "delegations", "meetings", "staff")
# The office store's notifications name a table; the kind of key each table's keys are.
# Tables whose notifications matter to screens only through the cases they name (a central
# decision by BSN alone names none: then everything is read again).
CASES_ONLY = frozenset({"central_decisions"})
NOTICE_KINDS = {
    "cases": "cases",
    "tasks": "tasks",
    "delegations": "delegations",
    "meetings": "meetings",
    "meeting_decisions": "meetings",
    "meeting_agenda": "meetings",
    "meeting_chairs": "meetings",
    "staff": "staff",
    "absences": "staff",
}


@dataclass(frozen=True, slots=True)
class Changes:
    """What one action (or one batch of commits elsewhere) changed, key by key.

    ``cases`` names every case whose screens change: its facts, and also its tasks, documents
    and MDB decisions. ``unknown``: the keys are not known (an import, commits of another
    program), so every screen reads again all it shows. ``by`` is who made the change, when
    known; ``external`` marks changes made elsewhere; ``origin`` is the screen that made the
    change and already shows it (not part of the comparison)."""

    cases: frozenset[str] = frozenset()
    tasks: frozenset[int] = frozenset()
    delegations: frozenset[int] = frozenset()
    meetings: frozenset[int] = frozenset()
    staff: frozenset[str] = frozenset()
    unknown: bool = False
    by: str | None = None
    external: bool = False
    origin: object | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        *,
        cases: Iterable[str] = (),
        tasks: Iterable[int] = (),
        delegations: Iterable[int] = (),
        meetings: Iterable[int] = (),
        staff: Iterable[str] = (),
        unknown: bool = False,
        by: str | None = None,
        external: bool = False,
        origin: object | None = None,
    ) -> Changes:
        """Changes from any iterables of keys."""
        return cls(
            frozenset(cases),
            frozenset(tasks),
            frozenset(delegations),
            frozenset(meetings),
            frozenset(staff),
            unknown,
            by,
            external,
            origin,
        )

    @classmethod
    def elsewhere(cls, by: str | None = None) -> Changes:
        """Commits made elsewhere whose keys are not known: every screen reads again."""
        return cls(unknown=True, by=by, external=True)

    @classmethod
    def from_notices(cls, notices: Iterable[Notice]) -> Changes:
        """What colleagues committed on the office store, key by key where the database named
        the keys (see :class:`mdbtriage.store.changes.Notice`)."""
        keys: dict[str, set[Any]] = {kind: set() for kind in KINDS}
        unknown = False
        people: set[str] = set()
        for notice in notices:
            if notice.by:
                people.add(notice.by)
            kind = NOTICE_KINDS.get(notice.table)
            if notice.table in CASES_ONLY and notice.keys is not None and notice.cases:
                keys["cases"].update(notice.cases)  # a central decision on these cases
                continue
            if kind is None or notice.keys is None:
                unknown = True
                continue
            convert = int if kind in ("tasks", "delegations", "meetings") else str
            try:
                keys[kind].update(convert(k) for k in notice.keys)
            except ValueError:
                unknown = True
            keys["cases"].update(notice.cases)
        by = next(iter(people)) if len(people) == 1 else None
        return cls.of(**keys, unknown=unknown, by=by, external=True)

    def touches(self, *kinds: str) -> bool:
        """Whether anything of these kinds (``"cases"``, ``"tasks"``, …) may have changed."""
        return self.unknown or any(getattr(self, kind) for kind in kinds)

    def touches_case(self, case_ref: str) -> bool:
        """Whether what is shown of this case may have changed."""
        return self.unknown or case_ref in self.cases

    def is_empty(self) -> bool:
        return not self.touches(*KINDS)


class StoreEvents(QObject):
    """The channel: ``changed`` carries a :class:`Changes` to every screen that listens.

    With a change watcher (:meth:`watch`), a timer asks it for commits made elsewhere and
    reports them as external changes of unknown keys."""

    changed = Signal(object)
    # The office store's connection was lost (False) or is back (True).
    connection = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher: ChangeWatcher | None = None
        self._connected = True
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self.poll)

    def report(self, changes: Changes) -> None:
        """Tell every screen what an action changed."""
        if not changes.is_empty():
            self.changed.emit(changes)

    def watch(self, watcher: ChangeWatcher, interval_ms: int = POLL_MS) -> None:
        """Ask ``watcher`` every ``interval_ms`` for commits made elsewhere."""
        self._watcher = watcher
        self._timer.setInterval(interval_ms)
        self._timer.start()

    def stop(self) -> None:
        """No more asking (the window closes, the store is about to be closed)."""
        self._timer.stop()
        self._watcher = None

    @property
    def watching(self) -> bool:
        return self._timer.isActive()

    def poll(self) -> bool:
        """Ask the watcher now; report what came in. Whether anything did."""
        if self._watcher is None:
            return False
        heard = self._watcher.poll()
        connected = bool(getattr(self._watcher, "connected", True))
        if connected != self._connected:
            self._connected = connected
            self.connection.emit(connected)
        if not heard:
            return False
        notices = getattr(self._watcher, "notices", None)
        self.report(Changes.from_notices(notices) if notices else Changes.elsewhere())
        return True
