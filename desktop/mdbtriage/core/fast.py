"""Speed helpers for building a quarter of a million small objects, in one place.

They change how fast objects are made, never what is made: the differential tests hold each
fast path against its straightforward definition (tests/core/test_triage_fast_paths.py,
tests/core/test_caserules_fast_path.py, tests/store/test_records_bulk.py).

- ``frozen_constructor``: a positional constructor for frozen, slotted dataclasses that skips
  the generated ``__init__``.
- ``bulk``: no cyclic-collector passes while many acyclic objects are built.
- ``long_lived``: the same for a heap that stays (the werkvoorraad's rows), frozen out of
  later collector passes.

The GUI's worker threads hand the interpreter lock over more often while they run: that one
lives with the threads, in ``mdbtriage/ui/worker.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any, TypeVar

T = TypeVar("T")


def frozen_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen, slotted dataclass that skips the generated
    ``__init__`` (which sets each field through ``object.__setattr__``: slow for 250,000 rows).

    Every field must be passed, in declaration order; the result is an ordinary instance (equal,
    hashable and frozen like one made by ``cls(...)``). For bulk loading only. The fields are
    stored through a plain twin class with the same slots, whose instance then becomes a
    ``cls``; where the layouts could not match, each slot is set through its descriptor.
    """
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    params = ", ".join(names)
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__dict__["__slots__"]})
    namespace: dict[str, Any] = {"new": object.__new__, "cls": cls, "twin": twin}
    lines = [f"def make({params}):", "    self = new(twin)"]
    lines += [f"    self.{name} = {name}" for name in names]
    lines += ["    self.__class__ = cls", "    return self"]
    exec("\n".join(lines), namespace)
    make: Callable[..., T] = namespace["make"]
    try:
        make(*([None] * len(names)))
    except TypeError:  # a layout the twin cannot share: set each slot through its descriptor
        lines = [f"def make({params}):", "    self = new(cls)"]
        for i, name in enumerate(names):
            namespace[f"set{i}"] = getattr(cls, name).__set__
            lines.append(f"    set{i}(self, {name})")
        lines.append("    return self")
        exec("\n".join(lines), namespace)
        make = namespace["make"]
    make.__name__ = f"new_{cls.__name__}"
    return make


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many small objects that form no
    cycles (it would otherwise rescan the growing heap over and over)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def long_lived() -> Iterator[None]:
    """Build a large heap of long-lived objects (the werkvoorraad's rows) without collector
    passes, and leave it out of later ones.

    Each pass of the cyclic collector holds the interpreter lock for as long as it scans, which
    stalls every other thread, the GUI's included: with a quarter of a million rows a young
    generation grown while collection was paused takes over 100 ms to scan, an old one several
    times that. So collection is paused for the whole build, and what was built is frozen
    (moved to the permanent generation, which the collector skips) before collection resumes.
    The rows form no reference cycles: when dropped they are freed by reference counting.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
