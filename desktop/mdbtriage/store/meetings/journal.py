"""The chair's journal: on the office store, the MDB's chair is the only writer of that
meeting's decisions, so a chair who loses the server goes on. A decision that cannot be saved
because the server cannot be reached is kept in a journal on this workstation and sent, in
order, when the server is back; the MDB is not closed while anything is in it.

The journal is one file per office store and MDB in the user's data folder
(``kantoor-journaal/<database>-mdb-<meeting_id>.jsonl``), readable by the user alone (0600), one
JSON line per decision. A line is on disk (``fsync``) before the window calls the decision
kept; what is sent is taken out by writing the rest to a new file that replaces the old one.

Every send goes through :func:`mdbtriage.store.meetings.save_decision`, so the version check
and the chair check apply: a decision changed by a colleague meanwhile, or a chair taken over,
refuses the journaled decision. A refusal is handed back with the text to copy (never dropped
silently), and later journaled decisions on the same case, which built on it, with it.
A decision whose commit was cut off (stored or not, unknown) is recognised when it is sent
again: the stored decision is the journaled one, saved by the same person.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import platformdirs

from mdbtriage.core import meetings as rules
from mdbtriage.core.meetings import Activity, Decision, MeetingError
from mdbtriage.core.model import Actor
from mdbtriage.store.database import Store, StoreError, utc_now
from mdbtriage.store.locations import APP_NAME
from mdbtriage.store.meetings.decisions import AssignmentCheck, decisions, save_decision
from mdbtriage.store.office import OfficeUnreachable

FOLDER = "kantoor-journaal"


class JournalError(StoreError):
    """The journal file cannot be read or written (Dutch)."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One journaled decision: its place in the journal, the decision, the version of the
    decision the form started from (``None``: right after an earlier journaled decision on the
    same case, whose version is known once that one is sent), who took it and when (UTC)."""

    seq: int
    meeting_id: int
    decision: Decision
    version: int | None
    by: str
    by_name: str
    at: str

    @property
    def case_ref(self) -> str:
        return self.decision.case_ref

    @property
    def own_text(self) -> str:
        """What the chair typed, to copy when the decision is refused."""
        d = self.decision
        return "\n\n".join(t for t in (d.remarks.strip(), d.medical_remarks.strip()) if t)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A journaled decision the store refused: nothing of it was stored."""

    entry: Entry
    message: str


@dataclass
class Sent:
    """What :meth:`Journal.send_pending` did: the decisions sent (with their new version), the
    refused ones, and whether it stopped because the server is still not reachable."""

    sent: list[tuple[Entry, int]] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    unreachable: bool = False

    @property
    def cases(self) -> list[str]:
        return [entry.case_ref for entry, _ in self.sent]


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "kantoor"


def journal_folder() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / FOLDER


def _to_json(entry: Entry) -> dict[str, Any]:
    d = entry.decision
    return {
        "seq": entry.seq,
        "meeting_id": entry.meeting_id,
        "version": entry.version,
        "by": entry.by,
        "by_name": entry.by_name,
        "at": entry.at,
        "decision": {
            "case_ref": d.case_ref,
            "lead_role": d.lead_role,
            "lead_staff_id": d.lead_staff_id,
            "contact_staff_id": d.contact_staff_id,
            "activities": [
                [a.task, a.assignee_id, a.due_on.isoformat(), a.delegated_by] for a in d.activities
            ],
            "remarks": d.remarks,
            "medical_remarks": d.medical_remarks,
            "dossier_complete": d.dossier_complete,
        },
    }


def _from_json(data: dict[str, Any]) -> Entry:
    d = data["decision"]
    decision = Decision(
        case_ref=str(d["case_ref"]),
        lead_role=d.get("lead_role"),
        lead_staff_id=d.get("lead_staff_id"),
        contact_staff_id=d.get("contact_staff_id"),
        activities=tuple(
            Activity(str(t), str(who), date.fromisoformat(due), by or None)
            for t, who, due, by in d.get("activities") or ()
        ),
        remarks=str(d.get("remarks") or ""),
        medical_remarks=str(d.get("medical_remarks") or ""),
        dossier_complete=d.get("dossier_complete"),
    )
    version = data.get("version")
    return Entry(
        seq=int(data["seq"]),
        meeting_id=int(data["meeting_id"]),
        decision=decision,
        version=None if version is None else int(version),
        by=str(data["by"]),
        by_name=str(data.get("by_name") or data["by"]),
        at=str(data["at"]),
    )


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform opens folders (Windows)
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


class Journal:
    """The journal of one MDB on one office store, on this workstation (see the module)."""

    def __init__(self, path: Path, meeting_id: int) -> None:
        self.path = path
        self.meeting_id = meeting_id

    @classmethod
    def for_meeting(cls, store: Store, meeting_id: int, folder: Path | None = None) -> Journal:
        """The journal of an MDB on ``store`` (named after the office store's database)."""
        address = getattr(store, "address", None)
        database = str(address.dbname) if address is not None else store.path.stem
        name = f"{_safe(database)}-mdb-{meeting_id}.jsonl"
        return cls((folder or journal_folder()) / name, meeting_id)

    # --- reading ------------------------------------------------------------------------------

    def pending(self) -> list[Entry]:
        """The decisions not yet sent, oldest first. A last line cut off while it was written
        (the program stopped) was never reported as kept and is left out."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as error:
            raise JournalError(f"Het MDB-journaal {self.path} is niet te lezen: {error}") from None
        lines = text.split("\n")
        entries: list[Entry] = []
        for n, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                entries.append(_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as error:
                if n == len(lines) - 1:  # no newline yet: a write that did not finish
                    break
                raise JournalError(
                    f"Het MDB-journaal {self.path} is beschadigd (regel {n + 1}): {error}"
                ) from None
        return entries

    # --- writing ------------------------------------------------------------------------------

    def append(self, decision: Decision, version: int | None, actor: Actor) -> Entry:
        """Keep a decision that could not be sent; on disk when this returns. ``version`` is the
        decision as the form showed it; after an earlier journaled decision on the same case the
        form's version is that one's, unknown until it is sent (kept as ``None``). A decision
        on the case of the journal's last one replaces it."""
        before = self.pending()
        last = before[-1] if before else None
        if last is not None and last.case_ref == decision.case_ref and last.by == actor.user_id:
            # The same case saved again (the form saves as the chair types): the newer decision
            # replaces the one before it, which no one has seen.
            entry = replace(last, decision=decision, at=utc_now())
            self._rewrite([*before[:-1], entry])
            return entry
        follows = any(e.case_ref == decision.case_ref for e in before)
        entry = Entry(
            seq=max((e.seq for e in before), default=0) + 1,
            meeting_id=self.meeting_id,
            decision=decision,
            version=None if follows else version,
            by=actor.user_id,
            by_name=actor.name,
            at=utc_now(),
        )
        line = (json.dumps(_to_json(entry), ensure_ascii=False) + "\n").encode("utf-8")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                os.write(fd, line)
                os.fsync(fd)
            finally:
                os.close(fd)
            if created:
                _fsync_folder(self.path.parent)
        except OSError as error:
            raise JournalError(
                f"Het besluit over {decision.case_ref} kon niet in het MDB-journaal op deze "
                f"werkplek worden bewaard ({self.path}): {error}"
            ) from None
        return entry

    def _rewrite(self, entries: list[Entry]) -> None:
        """Replace the journal by ``entries`` at once (a new file renamed over the old one);
        no file when nothing is left."""
        folder = self.path.parent
        try:
            if not entries:
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
                _fsync_folder(folder)
                return
            fd, name = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd, "wb") as out:
                    for entry in entries:
                        out.write((json.dumps(_to_json(entry), ensure_ascii=False) + "\n").encode())
                    out.flush()
                    os.fsync(out.fileno())
                os.chmod(name, 0o600)
                os.replace(name, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(name)
                raise
            _fsync_folder(folder)
        except OSError as error:
            raise JournalError(
                f"Het MDB-journaal {self.path} kon niet worden bijgewerkt: {error}"
            ) from None

    # --- sending ------------------------------------------------------------------------------

    def send_pending(
        self,
        store: Store,
        actor: Actor,
        *,
        seat: str | None,
        check: AssignmentCheck | None = None,
    ) -> Sent:
        """Send the journaled decisions of ``actor`` in order, each through the normal save
        (from ``seat``, the chair's window). Stops at the first that cannot reach the server
        (it and what follows stay); a refused one leaves the journal with the later ones on
        the same case, and is returned with its message. Decisions journaled by someone else
        on this workstation stay until that person sends them."""
        result = Sent()
        for entry in _own(self.pending(), actor):
            if not any(e.seq == entry.seq for e in self.pending()):
                continue  # left with a refused decision on the same case
            try:
                version = self._send(store, actor, entry, seat, check)
            except OfficeUnreachable:
                result.unreachable = True
                break
            except (MeetingError, StoreError) as refused:
                if isinstance(refused, JournalError):
                    raise
                message = (
                    "; ".join(refused.problems)
                    if isinstance(refused, MeetingError)
                    else str(refused)
                )
                result.refused.extend(self._drop_case(entry, message))
                continue
            result.sent.append((entry, version))
            self._sent(entry, version)
        return result

    def _send(
        self,
        store: Store,
        actor: Actor,
        entry: Entry,
        seat: str | None,
        check: AssignmentCheck | None,
    ) -> int:
        from mdbtriage.store.versions import decision_version

        current = decision_version(store.conn, entry.meeting_id, entry.case_ref) or 0
        if (
            entry.version is not None
            and current != entry.version
            and _is_stored(store, entry, actor)
        ):
            # Sent before, but the connection fell away during its commit: it is stored.
            return current
        return save_decision(
            store,
            entry.meeting_id,
            entry.decision,
            actor,
            check,
            version=entry.version,
            seat=seat,
        )

    def _sent(self, entry: Entry, version: int) -> None:
        """Take a sent decision out; the next one on its case starts from its version."""
        rest: list[Entry] = []
        chained = False
        for e in self.pending():
            if e.seq == entry.seq:
                continue
            if not chained and e.case_ref == entry.case_ref:
                chained = True
                if e.version is None:
                    e = replace(e, version=version)
            rest.append(e)
        self._rewrite(rest)

    def _drop_case(self, entry: Entry, message: str) -> list[Refusal]:
        """Take a refused decision out, with the later ones on its case (they built on it)."""
        refused = [Refusal(entry, message)]
        rest: list[Entry] = []
        for e in self.pending():
            if e.seq == entry.seq:
                continue
            if e.seq > entry.seq and e.case_ref == entry.case_ref:
                refused.append(
                    Refusal(
                        e,
                        f"Niet verzonden: het eerdere besluit over {e.case_ref} uit het journaal "
                        "werd geweigerd, en dit besluit bouwde daarop voort.",
                    )
                )
                continue
            rest.append(e)
        self._rewrite(rest)
        return refused


def _own(entries: list[Entry], actor: Actor) -> Iterator[Entry]:
    return (e for e in entries if e.by == actor.user_id)


def _is_stored(store: Store, entry: Entry, actor: Actor) -> bool:
    """Whether the stored decision is this journaled one, saved by the same person."""
    row = store.conn.execute(
        "SELECT decided_by FROM meeting_decisions WHERE meeting_id = ? AND case_ref = ?",
        (entry.meeting_id, entry.case_ref),
    ).fetchone()
    if row is None or row[0] != actor.user_id:
        return False
    stored = decisions(store, entry.meeting_id).get(entry.case_ref)
    wanted = replace(entry.decision, remarks=entry.decision.remarks.strip())
    if rules.may_see_medical(actor.role):
        wanted = replace(wanted, medical_remarks=wanted.medical_remarks.strip())
    elif stored is not None:
        wanted = replace(wanted, medical_remarks=stored.medical_remarks)
    return stored == wanted
